"""The default duty stations: New York, Geneva, Vienna and Nairobi, their rooms and where each figure comes from."""

import json

from scheduler.venues.cli import DEFAULT_DATA

from .helpers import book, meeting

DATA = json.loads(DEFAULT_DATA.read_text(encoding="utf-8"))
VENUES = {venue["code"]: venue for venue in DATA["venues"]}
WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday"]
SLOTS = [{"name": "morning", "start": "10:00", "end": "13:00"}, {"name": "afternoon", "start": "15:00", "end": "18:00"}]


# --- the data file ---------------------------------------------------------------------


def test_the_data_file_has_the_four_duty_stations_with_their_zones():
    assert {code: venue["timezone"] for code, venue in VENUES.items()} == {
        "UNHQ": "America/New_York",
        "UNOG": "Europe/Zurich",
        "UNOV": "Europe/Vienna",
        "UNON": "Africa/Nairobi",
    }
    assert "Palais des Nations" in VENUES["UNOG"]["name"]
    assert "Vienna International Centre" in VENUES["UNOV"]["name"]


def test_every_figure_says_where_it_comes_from():
    for code, venue in VENUES.items():
        for key in ("interpretation_teams", "slots"):
            assert venue.get(f"{key}_source", "").strip(), (code, key)
        for room in venue["rooms"]:
            assert room["capacity_source"].startswith(("published", "estimate")), room["code"]
    for code in ("UNOG", "UNOV", "UNON"):
        assert VENUES[code]["slots_source"].startswith("estimate"), code
    assert "DST" in VENUES["UNON"]["timezone_source"] or "daylight" in VENUES["UNON"]["timezone_source"]


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
    assert [v["code"] for v in client.get("/api/v1/venues").json] == ["UNHQ", "UNOG", "UNON", "UNOV"]
    counts = {}
    for code in VENUES:
        response = client.get("/api/v1/rooms", query_string={"venue": code})
        counts[code] = json.loads(response.headers["X-Pagination"])["total"]
    assert counts == {"UNHQ": 17, "UNOG": 8, "UNOV": 11, "UNON": 4}
    assert counts == {code: len(venue["rooms"]) for code, venue in VENUES.items()}
    total = client.get("/api/v1/rooms", query_string={"page_size": 500})
    assert json.loads(total.headers["X-Pagination"])["total"] == 40
    unhq = client.get("/api/v1/venues/UNHQ/holidays")
    assert json.loads(unhq.headers["X-Pagination"])["total"] == 18


def test_seeded_stations_have_their_slots_working_days_and_zones(client):
    for code, zone in (("UNOG", "Europe/Zurich"), ("UNOV", "Europe/Vienna"), ("UNON", "Africa/Nairobi")):
        venue = client.get(f"/api/v1/venues/{code}").json
        assert (venue["timezone"], venue["slots"], venue["working_days"]) == (zone, SLOTS, WEEK), code
        rooms = client.get("/api/v1/rooms", query_string={"venue": code}).json
        assert rooms and all(room["timezone"] == zone and room["venue"] == code for room in rooms)
    xx = client.get("/api/v1/rooms/UNOG-XX").json
    assert (xx["capacity"], xx["name"]) == (754, "Room XX (Human Rights and Alliance of Civilizations Room)")


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
