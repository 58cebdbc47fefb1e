"""Venue holidays: the iCalendar import command, the API under the venue, the seeded UNHQ
holidays, and the `holiday` warning a booking on one gets."""

import json

from .helpers import meeting

SMALL_CALENDAR = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//holidays//EN",
        "BEGIN:VEVENT",
        "UID:day-of-rest@test",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;VALUE=DATE:20280103",
        "DTEND;VALUE=DATE:20280104",
        "SUMMARY:Day of Rest",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:winter-closure@test",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;VALUE=DATE:20281227",
        "DTEND;VALUE=DATE:20281230",  # exclusive: 27, 28 and 29 December
        "SUMMARY:Winter closure",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:called-off@test",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;VALUE=DATE:20280105",
        "SUMMARY:Called off",
        "STATUS:CANCELLED",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def write(tmp_path, text: str, name: str = "holidays.ics"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def import_holidays(app, path, venue="UNHQ"):
    return app.test_cli_runner().invoke(args=["holidays", "import", str(path), "--venue", venue])


def holidays(client, venue="UNHQ", **query):
    response = client.get(f"/api/v1/venues/{venue}/holidays", query_string=query)
    assert response.status_code == 200, response.json
    return [(h["date"], h["name"]) for h in response.json]


def warnings_of(response, code: str) -> list[dict]:
    return [w for w in response.json["warnings"] if w["code"] == code]


# --- import ---------------------------------------------------------------------------


def test_imported_holidays_are_listed_by_the_api(app, client, tmp_path):
    result = import_holidays(app, write(tmp_path, SMALL_CALENDAR), venue="unog")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "holidays: 4 added to UNOG, 0 already there"
    assert holidays(client, "UNOG") == [
        ("2028-01-03", "Day of Rest"),
        ("2028-12-27", "Winter closure"),
        ("2028-12-28", "Winter closure"),
        ("2028-12-29", "Winter closure"),
    ]
    first = client.get("/api/v1/venues/unog/holidays").json[0]
    assert first == {"venue": "UNOG", "date": "2028-01-03", "name": "Day of Rest"}

    again = import_holidays(app, write(tmp_path, SMALL_CALENDAR), venue="UNOG")
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "holidays: 0 added to UNOG, 4 already there"
    assert len(holidays(client, "UNOG")) == 4


def test_import_never_overwrites_a_holiday_the_venue_has(app, client, officer, tmp_path):
    added = client.post(
        "/api/v1/venues/UNOG/holidays", json={"date": "2028-01-03", "name": "Named by officers"}, headers=officer
    )
    assert added.status_code == 201, added.json
    result = import_holidays(app, write(tmp_path, SMALL_CALENDAR), venue="UNOG")
    assert result.output.strip() == "holidays: 3 added to UNOG, 1 already there"
    assert holidays(client, "UNOG")[0] == ("2028-01-03", "Named by officers")


def test_a_bad_file_is_a_clear_error_and_adds_nothing(app, client, tmp_path):
    timed = SMALL_CALENDAR.replace("DTSTART;VALUE=DATE:20281227", "DTSTART:20281227T100000Z")
    cases = [
        ("not a calendar at all\n", "not an iCalendar file"),
        ("", "not an iCalendar file"),
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no VEVENT"),
        (timed, "event 2 (Winter closure): DTSTART is a time of day"),
        (SMALL_CALENDAR.replace("SUMMARY:Day of Rest\r\n", ""), "event 1: no SUMMARY"),
        (
            SMALL_CALENDAR.replace("DTSTART;VALUE=DATE:20280103", "DTSTART;VALUE=DATE:20281301"),
            "DTSTART is not a valid date",
        ),
        (SMALL_CALENDAR.replace("SUMMARY:Day of Rest", "SUMMARY:Day of Rest\r\nRRULE:FREQ=YEARLY"), "recurring"),
    ]
    for text, message in cases:
        path = write(tmp_path, text)
        result = import_holidays(app, path, venue="UNOG")
        assert result.exit_code == 1, (text, result.output)
        assert message in result.output and str(path) in result.output, result.output
    assert holidays(client, "UNOG") == []


def test_import_names_an_unknown_venue_and_a_missing_file(app, tmp_path):
    result = import_holidays(app, write(tmp_path, SMALL_CALENDAR), venue="NOWHERE")
    assert result.exit_code == 1 and "NOWHERE" in result.output
    result = import_holidays(app, tmp_path / "missing.ics")
    assert result.exit_code == 2 and "missing.ics" in result.output


# --- the API --------------------------------------------------------------------------


def test_officers_add_and_remove_holidays(client, officer, admin):
    url = "/api/v1/venues/UNON/holidays"
    created = client.post(url, json={"date": "2027-10-20", "name": "Mashujaa Day"}, headers=officer)
    assert created.status_code == 201, created.json
    assert created.json == {"venue": "UNON", "date": "2027-10-20", "name": "Mashujaa Day"}
    twice = client.post(url, json={"date": "2027-10-20", "name": "Again"}, headers=admin)
    assert twice.status_code == 409 and "2027-10-20" in twice.json["message"]

    assert client.delete(f"{url}/2027-10-20", headers=officer).status_code == 204
    assert holidays(client, "UNON") == []
    for missing in ("2027-10-20", "not-a-date", "2027-13-01", "20271020"):
        response = client.delete(f"{url}/{missing}", headers=officer)
        assert response.status_code == 404, missing
        assert response.json["code"] == 404


def test_holiday_writes_need_staff(client, viewer, mission):
    url = "/api/v1/venues/UNHQ/holidays"
    body = {"date": "2028-02-01", "name": "Staff day"}
    assert client.post(url, json=body).status_code == 401
    for headers in (viewer, mission):
        assert client.post(url, json=body, headers=headers).status_code == 403
        assert client.delete(f"{url}/2026-12-25", headers=headers).status_code == 403
    assert client.delete(f"{url}/2026-12-25").status_code == 401
    assert ("2026-12-25", "Christmas Day") in holidays(client)


def test_holiday_input_is_validated(client, officer):
    url = "/api/v1/venues/UNHQ/holidays"
    for body, field in [
        ({"name": "No date"}, "date"),
        ({"date": "2028-02-30", "name": "x"}, "date"),
        ({"date": "2028-02-01"}, "name"),
        ({"date": "2028-02-01", "name": ""}, "name"),
        ({"date": "2028-02-01", "name": "x", "extra": 1}, "extra"),
    ]:
        response = client.post(url, json=body, headers=officer)
        assert response.status_code == 422, body
        assert field in response.json["errors"]["json"], body
    assert (
        client.post(
            "/api/v1/venues/NOWHERE/holidays", json={"date": "2028-02-01", "name": "x"}, headers=officer
        ).status_code
        == 404
    )
    assert client.get("/api/v1/venues/NOWHERE/holidays").status_code == 404
    assert client.get(url, query_string={"year": "next"}).status_code == 422


def test_holidays_are_listed_by_year_and_paginated(client):
    assert len(holidays(client, year=2026)) == 9
    assert len(holidays(client, year=2027)) == 9
    assert holidays(client, year=2025) == []
    response = client.get("/api/v1/venues/UNHQ/holidays", query_string={"page_size": 5, "page": 2})
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == 18
    assert len(response.json) == 5 and response.json[0]["date"] == "2026-07-03"


# --- the seeded UNHQ holidays ---------------------------------------------------------


def test_seeded_unhq_holidays_are_weekdays_and_the_usual_nine(client):
    from datetime import date

    for year in (2026, 2027):
        listed = holidays(client, year=year)
        names = [name.removesuffix(" (observed)") for _, name in listed]
        assert sorted(names) == sorted(
            [
                "New Year's Day",
                "Eid al-Fitr",
                "Good Friday",
                "Memorial Day",
                "Eid al-Adha",
                "Independence Day",
                "Labour Day",
                "Thanksgiving Day",
                "Christmas Day",
            ]
        )
        assert all(date.fromisoformat(day).weekday() < 5 for day, _ in listed)
    assert ("2026-11-26", "Thanksgiving Day") in holidays(client, year=2026)
    assert ("2026-07-03", "Independence Day (observed)") in holidays(client, year=2026)
    assert holidays(client, "UNOG") == [] and holidays(client, "UNON") == [] and holidays(client, "UNOV") == []


def test_seed_does_not_bring_back_a_holiday_officers_moved(app, client, officer):
    url = "/api/v1/venues/UNHQ/holidays"
    assert client.delete(f"{url}/2026-03-20", headers=officer).status_code == 204
    assert client.post(url, json={"date": "2026-03-21", "name": "Eid al-Fitr"}, headers=officer).status_code == 201
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "0 holiday(s) added" in result.output
    days = [day for day, name in holidays(client, year=2026) if name == "Eid al-Fitr"]
    assert days == ["2026-03-21"]


def test_seed_adds_the_holidays_of_a_year_the_venue_has_none_for(app, client, officer):
    for day, _ in holidays(client, year=2027):
        assert client.delete(f"/api/v1/venues/UNHQ/holidays/{day}", headers=officer).status_code == 204
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "seed: 0 venue(s), 0 room(s) and 9 holiday(s) added"
    assert len(holidays(client, year=2027)) == 9


# --- the warning ----------------------------------------------------------------------


def test_a_booking_on_a_holiday_is_made_with_the_holiday_warning(client, officer):
    # Thursday 26 November 2026: a working day, and Thanksgiving.
    response = client.post(
        "/api/v1/meetings", headers=officer, json=meeting(start="2026-11-26T10:00", end="2026-11-26T12:00")
    )
    assert response.status_code == 201, response.json
    [warning] = warnings_of(response, "holiday")
    assert warning["date"] == "2026-11-26" and warning["name"] == "Thanksgiving Day"
    assert "Thanksgiving Day" in warning["message"] and "UNHQ" in warning["message"]
    assert warnings_of(response, "non_working_day") == []

    checked = client.post(
        "/api/v1/meetings/check",
        headers=officer,
        json=meeting(room="CR-1", start="2026-11-26T15:00", end="2026-11-26T16:00"),
    )
    assert checked.status_code == 200, checked.json
    assert [w["name"] for w in warnings_of(checked, "holiday")] == ["Thanksgiving Day"]

    ordinary = client.post(
        "/api/v1/meetings", headers=officer, json=meeting(start="2026-11-25T10:00", end="2026-11-25T12:00")
    )
    assert ordinary.status_code == 201 and warnings_of(ordinary, "holiday") == []


def test_the_holiday_is_that_of_the_rooms_venue_in_its_local_date(client, officer, admin):
    # 23:00 in New York on 25 November is already the 26th in Geneva: UNHQ's holiday is not Geneva's,
    # and a Geneva holiday is read on Geneva's calendar.
    assert (
        client.post(
            "/api/v1/venues/UNOG/holidays", json={"date": "2026-11-26", "name": "Geneva day"}, headers=admin
        ).status_code
        == 201
    )
    late = client.post(
        "/api/v1/meetings", headers=officer, json=meeting(start="2026-11-25T22:00", end="2026-11-25T23:00")
    )
    assert late.status_code == 201 and warnings_of(late, "holiday") == []
    geneva = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="UNOG-XX", start="2026-11-26T10:00", end="2026-11-26T12:00"),
    )
    assert [w["name"] for w in warnings_of(geneva, "holiday")] == ["Geneva day"]


def test_alternative_times_skip_holidays(client, officer):
    # Wednesday 25 November 2026 is full; Thursday the 26th is Thanksgiving: the next free slot is Friday's.
    for start, end in (("10:00", "13:00"), ("15:00", "18:00")):
        client.post(
            "/api/v1/meetings", headers=officer, json=meeting(start=f"2026-11-25T{start}", end=f"2026-11-25T{end}")
        )
    refused = client.post(
        "/api/v1/meetings", headers=officer, json=meeting(start="2026-11-25T15:00", end="2026-11-25T17:00")
    )
    assert refused.status_code == 409
    assert refused.json["alternatives"]["times"][0]["start"] == "2026-11-27T10:00:00-05:00"
