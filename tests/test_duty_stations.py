"""The default duty stations: New York, Geneva, Vienna, Nairobi and the regional commissions' conference centres
in Santiago, Bangkok, Addis Ababa and Beirut, their rooms and where each figure comes from."""

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from scheduler.venues.cli import DEFAULT_DATA

from .helpers import book, meeting

DATA = json.loads(DEFAULT_DATA.read_text(encoding="utf-8"))
VENUES = {venue["code"]: venue for venue in DATA["venues"]}
WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday"]
SLOTS = [{"name": "morning", "start": "10:00", "end": "13:00"}, {"name": "afternoon", "start": "15:00", "end": "18:00"}]
# The regional commissions' conference centres: nothing about them is published in the file (see their *_source).
COMMISSIONS = {
    "ECLAC": "America/Santiago",
    "ESCAP": "Asia/Bangkok",
    "ECA": "Africa/Addis_Ababa",
    "ESCWA": "Asia/Beirut",
}


# --- the data file ---------------------------------------------------------------------


def test_the_data_file_has_the_eight_duty_stations_with_their_zones():
    assert {code: venue["timezone"] for code, venue in VENUES.items()} == {
        "UNHQ": "America/New_York",
        "UNOG": "Europe/Zurich",
        "UNOV": "Europe/Vienna",
        "UNON": "Africa/Nairobi",
        **COMMISSIONS,
    }
    assert "Palais des Nations" in VENUES["UNOG"]["name"]
    assert "Vienna International Centre" in VENUES["UNOV"]["name"]
    assert "Casa de las Naciones Unidas en Chile" in VENUES["ECLAC"]["name"]
    assert "United Nations Conference Centre, Bangkok" in VENUES["ESCAP"]["name"]
    assert "United Nations Conference Centre, Addis Ababa" in VENUES["ECA"]["name"]
    assert "UN House, Beirut" in VENUES["ESCWA"]["name"]
    for code in COMMISSIONS:
        assert all(room["code"].startswith(f"{code}-") for room in VENUES[code]["rooms"]), code
    eca = {room["name"] for room in VENUES["ECA"]["rooms"]}
    assert {"Africa Hall", "Plenary Hall", "Conference Room 1"} <= eca
    assert {"Sala Raúl Prebisch", "Sala Celso Furtado"} <= {room["name"] for room in VENUES["ECLAC"]["rooms"]}
    assert "Plenary Hall" in {room["name"] for room in VENUES["ESCAP"]["rooms"]}


def test_every_figure_says_where_it_comes_from():
    for code, venue in VENUES.items():
        for key in ("interpretation_teams", "slots"):
            assert venue.get(f"{key}_source", "").strip(), (code, key)
        for room in venue["rooms"]:
            assert room["capacity_source"].startswith(("published", "estimate")), room["code"]
    for code in ("UNOG", "UNOV", "UNON", *COMMISSIONS):
        assert VENUES[code]["slots_source"].startswith("estimate"), code
    assert "DST" in VENUES["UNON"]["timezone_source"] or "daylight" in VENUES["UNON"]["timezone_source"]


def test_the_regional_commissions_figures_and_names_are_marked_estimates():
    # Written without access to the commissions' sites: nothing of theirs may claim to be published.
    for code in COMMISSIONS:
        venue = VENUES[code]
        for key in ("name", "timezone", "working_days", "interpretation_teams", "slots", "holidays"):
            assert venue.get(f"{key}_source", "").strip(), (code, key)
        for key in ("name", "working_days", "interpretation_teams", "slots"):
            assert venue[f"{key}_source"].startswith("estimate"), (code, key)
        assert venue["rooms"], code
        for room in venue["rooms"]:
            assert room["capacity_source"].startswith("estimate"), room["code"]
            assert room["name_source"].startswith("estimate"), room["code"]
        sources = [v for item in (venue, *venue["rooms"]) for k, v in item.items() if k.endswith("_source")]
        assert not [source for source in sources if source.startswith("published")], code


def test_the_time_zone_facts_of_the_regional_commissions():
    sources = {code: VENUES[code]["timezone_source"] for code in COMMISSIONS}
    # Santiago and Beirut: daylight-saving time whose rules change by decree or at short notice.
    assert "Irregular" in sources["ECLAC"] and "decree" in sources["ECLAC"]
    assert "Irregular" in sources["ESCWA"] and "short notice" in sources["ESCWA"]
    for code in ("ECLAC", "ESCWA"):
        assert "daylight-saving" in sources[code] and "tzdata" in sources[code], code
    # Bangkok and Addis Ababa: one offset all year.
    assert "UTC+7 all year, no daylight-saving time" in sources["ESCAP"]
    assert "UTC+3 all year, no daylight-saving time" in sources["ECA"]
    for code in ("ESCAP", "ECA"):
        zone = ZoneInfo(COMMISSIONS[code])
        offsets = {datetime(2027, month, 15, 12, tzinfo=zone).utcoffset() for month in range(1, 13)}
        assert len(offsets) == 1, code
    for code in ("ECLAC", "ESCWA"):
        zone = ZoneInfo(COMMISSIONS[code])
        offsets = {datetime(2027, month, 15, 12, tzinfo=zone).utcoffset() for month in range(1, 13)}
        assert len(offsets) == 2, code


def test_the_regional_commissions_have_no_holidays_and_say_why():
    # No public source we could name for their official holidays: none are loaded, and the file says so.
    for code in COMMISSIONS:
        assert "holidays" not in VENUES[code], code
        source = VENUES[code]["holidays_source"]
        assert source.startswith("none loaded") and f"/api/v1/venues/{code}/holidays" in source, code


def test_published_figures_are_marked_published_and_the_rest_estimates():
    rooms = {room["code"]: room for venue in DATA["venues"] for room in venue["rooms"]}
    published = {code for code, room in rooms.items() if room["capacity_source"].startswith("published")}
    assert published == {"GA-HALL", "UNOG-ASSEMBLY", "UNOG-XX"}
    assert rooms["UNOG-ASSEMBLY"]["capacity"] >= 2000 and "2,000" in rooms["UNOG-ASSEMBLY"]["capacity_source"]
    assert rooms["UNOG-XX"]["capacity"] == 754 and "754" in rooms["UNOG-XX"]["capacity_source"]
    for phrase in (
        "1,800",
        "2,000",
        "754",
        "estimate",
        "not published",
        "Geneva",
        "Vienna",
        "Nairobi",
        "ECLAC (Santiago)",
        "ESCAP (Bangkok)",
        "ECA (Addis Ababa)",
        "ESCWA (Beirut)",
        "name_source",
        "unhq-holidays.ics",
    ):
        assert phrase in DATA["about"], phrase


def test_the_holiday_file_says_its_source():
    calendar = (DEFAULT_DATA.parent / VENUES["UNHQ"]["holidays"]).read_bytes().decode("utf-8")
    unfolded = calendar.replace("\r\n ", "")
    assert "ST/IC" in unfolded and "Official holidays for 2026 at United Nations Headquarters" in unfolded
    assert "to be checked against the circular" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 18
    assert "ST/IC" in VENUES["UNHQ"]["holidays_source"]


# --- what seeding gives ---------------------------------------------------------------


def test_seeded_counts(client):
    assert [v["code"] for v in client.get("/api/v1/venues").json] == [
        "ECA",
        "ECLAC",
        "ESCAP",
        "ESCWA",
        "UNHQ",
        "UNOG",
        "UNON",
        "UNOV",
    ]
    counts = {}
    for code in VENUES:
        response = client.get("/api/v1/rooms", query_string={"venue": code})
        counts[code] = json.loads(response.headers["X-Pagination"])["total"]
    assert counts == {"UNHQ": 17, "UNOG": 8, "UNOV": 11, "UNON": 4, "ECLAC": 3, "ESCAP": 5, "ECA": 6, "ESCWA": 3}
    assert counts == {code: len(venue["rooms"]) for code, venue in VENUES.items()}
    total = client.get("/api/v1/rooms", query_string={"page_size": 500})
    assert json.loads(total.headers["X-Pagination"])["total"] == 57
    unhq = client.get("/api/v1/venues/UNHQ/holidays")
    assert json.loads(unhq.headers["X-Pagination"])["total"] == 18
    for code in COMMISSIONS:
        assert client.get(f"/api/v1/venues/{code}/holidays").json == [], code


def test_seeded_stations_have_their_slots_working_days_and_zones(client):
    stations = {"UNOG": "Europe/Zurich", "UNOV": "Europe/Vienna", "UNON": "Africa/Nairobi", **COMMISSIONS}
    for code, zone in stations.items():
        venue = client.get(f"/api/v1/venues/{code}").json
        assert (venue["timezone"], venue["slots"], venue["working_days"]) == (zone, SLOTS, WEEK), code
        rooms = client.get("/api/v1/rooms", query_string={"venue": code}).json
        assert rooms and all(room["timezone"] == zone and room["venue"] == code for room in rooms)
    xx = client.get("/api/v1/rooms/UNOG-XX").json
    assert (xx["capacity"], xx["name"]) == (754, "Room XX (Human Rights and Alliance of Civilizations Room)")
    prebisch = client.get("/api/v1/rooms/ECLAC-PREBISCH").json
    assert (prebisch["name"], prebisch["venue"]) == ("Sala Raúl Prebisch", "ECLAC")


# --- bookings in the stations' own time -----------------------------------------------


def test_a_geneva_booking_shows_geneva_time_across_dst(client, officer):
    winter = book(client, officer, room="UNOG-XX", start="2027-03-26T10:00", end="2027-03-26T13:00")
    assert winter["timezone"] == "Europe/Zurich"
    assert (winter["start"], winter["end"]) == ("2027-03-26T10:00:00+01:00", "2027-03-26T13:00:00+01:00")
    assert winter["start_utc"] == "2027-03-26T09:00:00+00:00"
    assert [w["code"] for w in winter["warnings"]] == []  # a standard slot on a working day

    summer = book(client, officer, room="UNOG-XX", start=None, end=None, date="2027-03-29", slot="afternoon")
    assert (summer["start"], summer["end"]) == ("2027-03-29T15:00:00+02:00", "2027-03-29T18:00:00+02:00")
    assert summer["start_utc"] == "2027-03-29T13:00:00+00:00"

    # An RFC 3339 time with another offset is shown in Geneva's zone.
    from_new_york = book(
        client, officer, room="UNOG-XVII", start="2027-06-14T04:00:00-04:00", end="2027-06-14T07:00:00-04:00"
    )
    assert from_new_york["start"] == "2027-06-14T10:00:00+02:00"


def test_vienna_and_nairobi_bookings_in_their_zones(client, officer):
    vienna = book(client, officer, room="UNOV-BR-A", start=None, end=None, date="2027-01-18", slot="morning")
    assert (vienna["start"], vienna["timezone"]) == ("2027-01-18T10:00:00+01:00", "Europe/Vienna")
    for day in ("2027-01-18", "2027-07-19"):  # no daylight-saving time in Nairobi
        nairobi = book(client, officer, room="UNON-CR-1", start=None, end=None, date=day, slot="morning")
        assert (nairobi["start"], nairobi["start_utc"]) == (f"{day}T10:00:00+03:00", f"{day}T07:00:00+00:00")


# Santiago and Beirut on each side of their 2027 changes (Santiago: -03 until 4 April, -04 until 5 September;
# Beirut: +02 until 28 March, +03 until 31 October), Bangkok and Addis Ababa in winter and summer alike.
COMMISSION_BOOKINGS = [
    ("ECLAC-PREBISCH", "2027-04-02"),
    ("ECLAC-PREBISCH", "2027-04-05"),
    ("ECLAC-FURTADO", "2027-09-03"),
    ("ECLAC-FURTADO", "2027-09-06"),
    ("ESCAP-PLENARY", "2027-01-18"),
    ("ESCAP-CR-1", "2027-07-19"),
    ("ECA-AFRICA-HALL", "2027-01-18"),
    ("ECA-PLENARY", "2027-07-19"),
    ("ESCWA-CR-1", "2027-03-26"),
    ("ESCWA-CR-1", "2027-03-29"),
    ("ESCWA-CR-2", "2027-10-29"),
    ("ESCWA-CR-2", "2027-11-01"),
]


@pytest.mark.parametrize("room, day", COMMISSION_BOOKINGS)
def test_a_regional_commission_booking_is_read_in_its_zone(client, officer, room, day):
    code = room.split("-")[0]
    zone = ZoneInfo(COMMISSIONS[code])
    for start, end, booked in (
        ("10:00", "13:00", book(client, officer, room=room, start=f"{day}T10:00", end=f"{day}T13:00")),
        ("15:00", "18:00", book(client, officer, room=room, start=None, end=None, date=day, slot="afternoon")),
    ):
        local_start = datetime.fromisoformat(f"{day}T{start}").replace(tzinfo=zone)
        local_end = datetime.fromisoformat(f"{day}T{end}").replace(tzinfo=zone)
        assert booked["timezone"] == COMMISSIONS[code]
        assert (booked["start"], booked["end"]) == (local_start.isoformat(), local_end.isoformat())
        assert booked["start_utc"] == local_start.astimezone(timezone.utc).isoformat()
        assert booked["end_utc"] == local_end.astimezone(timezone.utc).isoformat()
        assert [w["code"] for w in booked["warnings"]] == []  # a standard slot on a working day
        read = client.get(f"/api/v1/meetings/{booked['id']}", headers=officer).json
        assert (read["start"], read["start_utc"]) == (booked["start"], booked["start_utc"])


def test_santiago_and_beirut_change_their_clocks_at_midnight(client, officer):
    # The hour after midnight on the day summer time begins does not exist there: refused, naming the field.
    for room, day in (("ECLAC-MEDINA", "2027-09-05"), ("ESCWA-CR-3", "2027-03-28")):
        response = client.post(
            "/api/v1/meetings", headers=officer, json=meeting(room=room, start=f"{day}T00:30", end=f"{day}T02:00")
        )
        assert response.status_code == 422, room
        assert "does not exist" in response.json["errors"]["json"]["start"][0], room
    # In Santiago the day winter time begins has two 23:30s, on the Saturday: an offset settles which.
    response = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="ECLAC-MEDINA", start="2027-04-03T23:30", end="2027-04-04T01:00"),
    )
    assert response.status_code == 422
    assert "happens twice" in response.json["errors"]["json"]["start"][0]
    settled = book(client, officer, room="ECLAC-MEDINA", start="2027-04-03T23:30-04:00", end="2027-04-04T01:00")
    assert (settled["start_utc"], settled["end_utc"]) == ("2027-04-04T03:30:00+00:00", "2027-04-04T05:00:00+00:00")


def test_a_saturday_in_geneva_is_a_non_working_day_there(client, officer):
    response = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="UNOG-XIX", start="2027-03-27T10:00", end="2027-03-27T12:00"),
    )
    assert response.status_code == 201
    [warning] = [w for w in response.json["warnings"] if w["code"] == "non_working_day"]
    assert "UNOG" in warning["message"]


def test_alternative_rooms_stay_in_the_venue(client, officer):
    book(client, officer, room="UNOG-XX", start="2027-06-14T10:00", end="2027-06-14T12:00")
    refused = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="UNOG-XX", start="2027-06-14T10:00", end="2027-06-14T12:00", expected_participants=200),
    )
    assert refused.status_code == 409
    rooms = [r["room"] for r in refused.json["alternatives"]["rooms"]]
    assert rooms and all(code.startswith("UNOG-") for code in rooms)
