"""Venues over HTTP: reading the seeded UNHQ, creating and changing venues (admin only)."""

import pytest

from .helpers import meeting

# A venue the default data does not have (its eight duty stations, ESCAP's Bangkok centre among them, are seeded).
BANGKOK = {
    "code": "BKK",
    "name": "Another venue in Bangkok",
    "timezone": "Asia/Bangkok",
    "slots": [
        {"name": "morning", "start": "10:00", "end": "13:00"},
        {"name": "afternoon", "start": "15:00", "end": "18:00"},
    ],
    "working_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
    "interpretation_teams": 6,
    "desk_email": "meetings@escap.example.org",
    "programme_hour": 17,
}

UNHQ = {
    "code": "UNHQ",
    "name": "United Nations Headquarters",
    "timezone": "America/New_York",
    "slots": [
        {"name": "morning", "start": "10:00", "end": "13:00"},
        {"name": "afternoon", "start": "15:00", "end": "18:00"},
    ],
    "working_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
    "interpretation_teams": 4,
    "desk_email": None,
    "programme_hour": 18,
}


def field_errors(response) -> dict:
    """The per-field messages of a 422."""
    assert response.status_code == 422, response.json
    body = response.json
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    return body["errors"]["json"]


# --- reading ---------------------------------------------------------------------------


def test_list_venues_shows_the_seeded_headquarters(client):
    response = client.get("/api/v1/venues")
    assert response.status_code == 200
    codes = [v["code"] for v in response.json]
    assert codes == ["ECA", "ECLAC", "ESCAP", "ESCWA", "UNHQ", "UNOG", "UNON", "UNOV"]  # the default duty stations
    assert response.json[codes.index("UNHQ")] == UNHQ


def test_get_venue_by_code_in_any_case(client):
    for code in ("UNHQ", "unhq", "UnHq"):
        response = client.get(f"/api/v1/venues/{code}")
        assert response.status_code == 200, code
        assert response.json == UNHQ


def test_unknown_venue_is_404_in_the_error_format(client, admin):
    response = client.get("/api/v1/venues/NOWHERE")
    assert response.status_code == 404
    assert response.json["code"] == 404 and response.json["status"] == "Not Found"
    assert "NOWHERE" in response.json["message"]

    response = client.patch("/api/v1/venues/NOWHERE", json={"name": "Nowhere"}, headers=admin)
    assert response.status_code == 404


# --- creating --------------------------------------------------------------------------


def test_admin_creates_a_venue(client, admin):
    response = client.post("/api/v1/venues", json=BANGKOK, headers=admin)
    assert response.status_code == 201, response.json
    assert response.json == BANGKOK
    assert client.get("/api/v1/venues/BKK").json == BANGKOK
    codes = [v["code"] for v in client.get("/api/v1/venues").json]
    assert codes == ["BKK", "ECA", "ECLAC", "ESCAP", "ESCWA", "UNHQ", "UNOG", "UNON", "UNOV"]


def test_venue_defaults(client, admin):
    response = client.post(
        "/api/v1/venues",
        json={"code": "ADD", "name": "Another venue in Addis Ababa", "timezone": "Africa/Addis_Ababa"},
        headers=admin,
    )
    assert response.status_code == 201, response.json
    assert response.json["slots"] == []
    assert response.json["working_days"] == ["monday", "tuesday", "wednesday", "thursday", "friday"]
    assert response.json["interpretation_teams"] == 4


def test_slots_are_listed_in_order_of_time(client, admin):
    venue = {**BANGKOK, "slots": list(reversed(BANGKOK["slots"]))}
    response = client.post("/api/v1/venues", json=venue, headers=admin)
    assert response.status_code == 201
    assert [s["name"] for s in response.json["slots"]] == ["morning", "afternoon"]


def test_only_admins_create_venues(client, officer, viewer, mission):
    for headers in (officer, viewer, mission):
        response = client.post("/api/v1/venues", json=BANGKOK, headers=headers)
        assert response.status_code == 403, headers
        assert response.json["code"] == 403 and "admin" in response.json["message"]
    assert client.get("/api/v1/venues/BKK").status_code == 404


def test_creating_a_venue_needs_a_token(client):
    response = client.post("/api/v1/venues", json=BANGKOK)
    assert response.status_code == 401
    assert response.json["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")

    response = client.post("/api/v1/venues", json=BANGKOK, headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/venues/BKK").status_code == 404


def test_invalid_time_zone_is_422_naming_timezone(client, admin):
    for zone in ("Mars/Olympus_Mons", "EST5EDT-nonsense", "", "america/new_york", "../../etc/passwd"):
        errors = field_errors(client.post("/api/v1/venues", json={**BANGKOK, "timezone": zone}, headers=admin))
        assert list(errors) == ["timezone"], zone
    assert client.get("/api/v1/venues/BKK").status_code == 404


@pytest.mark.parametrize(
    "slots",
    [
        [{"name": "morning", "start": "10:00", "end": "13:00"}, {"name": "midday", "start": "12:00", "end": "14:00"}],
        [{"name": "afternoon", "start": "15:00", "end": "18:00"}, {"name": "long", "start": "09:00", "end": "19:00"}],
        [{"name": "morning", "start": "10:00", "end": "13:00"}, {"name": "again", "start": "10:00", "end": "13:00"}],
    ],
)
def test_overlapping_slots_are_422(client, admin, slots):
    errors = field_errors(client.post("/api/v1/venues", json={**BANGKOK, "slots": slots}, headers=admin))
    assert "slots" in errors
    assert "overlap" in str(errors["slots"])


def test_adjacent_slots_do_not_overlap(client, admin):
    slots = [
        {"name": "morning", "start": "10:00", "end": "13:00"},
        {"name": "afternoon", "start": "13:00", "end": "18:00"},
    ]
    response = client.post("/api/v1/venues", json={**BANGKOK, "slots": slots}, headers=admin)
    assert response.status_code == 201, response.json
    assert response.json["slots"] == slots


@pytest.mark.parametrize("start, end", [("13:00", "10:00"), ("10:00", "10:00")])
def test_inverted_or_empty_slot_is_422(client, admin, start, end):
    slots = [{"name": "morning", "start": start, "end": end}]
    errors = field_errors(client.post("/api/v1/venues", json={**BANGKOK, "slots": slots}, headers=admin))
    assert errors["slots"] == {"0": {"end": ["The slot must end after it starts"]}}


@pytest.mark.parametrize(
    "slot, field",
    [
        ({"name": "morning", "start": "10", "end": "13:00"}, "start"),
        ({"name": "morning", "start": "10:00", "end": "25:00"}, "end"),
        ({"name": "morning", "start": "10:00"}, "end"),
        ({"name": "Morning", "start": "10:00", "end": "13:00"}, "name"),
        ({"name": "morning", "start": "10:00", "end": "13:00", "colour": "red"}, "colour"),
    ],
)
def test_malformed_slot_is_422_naming_its_field(client, admin, slot, field):
    errors = field_errors(client.post("/api/v1/venues", json={**BANGKOK, "slots": [slot]}, headers=admin))
    assert field in errors["slots"]["0"]


def test_duplicate_slot_names_are_422(client, admin):
    slots = [
        {"name": "session", "start": "10:00", "end": "13:00"},
        {"name": "session", "start": "15:00", "end": "18:00"},
    ]
    errors = field_errors(client.post("/api/v1/venues", json={**BANGKOK, "slots": slots}, headers=admin))
    assert errors["slots"] == ["Slot names must be distinct"]


def test_duplicate_venue_code_is_409(client, admin):
    response = client.post("/api/v1/venues", json={**BANGKOK, "code": "UNHQ", "name": "Another"}, headers=admin)
    assert response.status_code == 409
    assert response.json["code"] == 409 and "UNHQ" in response.json["message"]
    assert client.get("/api/v1/venues/UNHQ").json["name"] == "United Nations Headquarters"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"region": "Europe"}, "region"),
        ({"code": "unog"}, "code"),
        ({"code": "U N O G"}, "code"),
        ({"name": ""}, "name"),
        ({"working_days": ["monday", "funday"]}, "working_days"),
        ({"working_days": ["monday", "monday"]}, "working_days"),
        ({"interpretation_teams": "6"}, "interpretation_teams"),
        ({"interpretation_teams": -1}, "interpretation_teams"),
        ({"slots": "morning"}, "slots"),
    ],
)
def test_invalid_venue_is_422_naming_the_field(client, admin, change, field):
    errors = field_errors(client.post("/api/v1/venues", json={**BANGKOK, **change}, headers=admin))
    assert list(errors) == [field]


def test_missing_required_fields_are_named(client, admin):
    errors = field_errors(client.post("/api/v1/venues", json={}, headers=admin))
    assert set(errors) == {"code", "name", "timezone"}


def test_body_that_is_not_an_object_is_refused_without_500(client, admin):
    for payload in ([BANGKOK], "ESCAP", None, 5):
        response = client.post("/api/v1/venues", json=payload, headers=admin)
        assert response.status_code in (400, 422), payload
        assert response.json["code"] == response.status_code
    response = client.post("/api/v1/venues", data="{not json", headers={**admin, "Content-Type": "application/json"})
    assert response.status_code in (400, 422)


# --- changing --------------------------------------------------------------------------


def test_patch_slots_replaces_them(client, admin):
    slots = [
        {"name": "morning", "start": "09:30", "end": "12:30"},
        {"name": "afternoon", "start": "14:30", "end": "17:30"},
        {"name": "evening", "start": "18:30", "end": "21:00"},
    ]
    response = client.patch("/api/v1/venues/UNHQ", json={"slots": slots}, headers=admin)
    assert response.status_code == 200, response.json
    assert response.json == {**UNHQ, "slots": slots}
    assert client.get("/api/v1/venues/UNHQ").json["slots"] == slots


def test_patch_slots_to_fewer_and_renamed(client, admin):
    slots = [{"name": "day", "start": "10:00", "end": "18:00"}]
    response = client.patch("/api/v1/venues/unhq", json={"slots": slots}, headers=admin)
    assert response.status_code == 200, response.json
    assert client.get("/api/v1/venues/UNHQ").json["slots"] == slots


def test_patch_slots_with_the_same_names_twice(client, admin):
    # The unique (venue, slot name) index must not trip when slots are replaced by slots of the same names.
    for _ in range(2):
        response = client.patch("/api/v1/venues/UNHQ", json={"slots": UNHQ["slots"]}, headers=admin)
        assert response.status_code == 200, response.json
    assert client.get("/api/v1/venues/UNHQ").json == UNHQ


def test_patch_working_days_and_teams_leaves_the_rest(client, admin):
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    response = client.patch(
        "/api/v1/venues/UNHQ", json={"working_days": days, "interpretation_teams": 2}, headers=admin
    )
    assert response.status_code == 200, response.json
    assert response.json == {**UNHQ, "working_days": days, "interpretation_teams": 2}


def test_patch_time_zone(client, admin):
    response = client.patch("/api/v1/venues/UNHQ", json={"timezone": "America/Chicago"}, headers=admin)
    assert response.status_code == 200
    assert response.json == {**UNHQ, "timezone": "America/Chicago"}  # defaults are not applied to a PATCH
    assert client.get("/api/v1/rooms/ECOSOC").json["timezone"] == "America/Chicago"


def test_invalid_patch_changes_nothing(client, admin):
    overlapping = [
        {"name": "morning", "start": "10:00", "end": "13:00"},
        {"name": "noon", "start": "12:00", "end": "14:00"},
    ]
    cases = [
        ({"slots": overlapping}, "slots"),
        ({"timezone": "Nowhere/Town"}, "timezone"),
        ({"code": "UNNY"}, "code"),
        ({"working_days": ["someday"]}, "working_days"),
        ({"slots": [{"name": "morning", "start": "12:00", "end": "10:00"}]}, "slots"),
    ]
    for change, field in cases:
        errors = field_errors(client.patch("/api/v1/venues/UNHQ", json=change, headers=admin))
        assert field in errors, change
    assert client.get("/api/v1/venues/UNHQ").json == UNHQ


def test_patch_slot_missing_its_times_is_422(client, admin):
    # A PATCH may leave out venue fields, but a slot it gives must be whole.
    response = client.patch("/api/v1/venues/UNHQ", json={"slots": [{"name": "morning"}]}, headers=admin)
    errors = field_errors(response)
    assert set(errors["slots"]["0"]) == {"start", "end"}
    assert client.get("/api/v1/venues/UNHQ").json == UNHQ


def test_only_admins_change_venues(client, officer, viewer, mission):
    for headers in (officer, viewer, mission):
        response = client.patch("/api/v1/venues/UNHQ", json={"interpretation_teams": 9}, headers=headers)
        assert response.status_code == 403
    assert client.patch("/api/v1/venues/UNHQ", json={"interpretation_teams": 9}).status_code == 401
    assert client.get("/api/v1/venues/UNHQ").json["interpretation_teams"] == 4


def test_changed_slots_are_used_for_bookings(client, admin, officer):
    slots = [{"name": "morning", "start": "09:00", "end": "12:00"}]
    assert client.patch("/api/v1/venues/UNHQ", json={"slots": slots}, headers=admin).status_code == 200
    response = client.post(
        "/api/v1/meetings", json=meeting(start=None, end=None, date="2017-06-19", slot="morning"), headers=officer
    )
    assert response.status_code == 201, response.json
    assert (response.json["start"], response.json["end"]) == ("2017-06-19T09:00:00-04:00", "2017-06-19T12:00:00-04:00")
    response = client.post(
        "/api/v1/meetings", json=meeting(start=None, end=None, date="2017-06-20", slot="afternoon"), headers=officer
    )
    assert response.status_code == 422
    assert "slot" in response.json["errors"]["json"]


def test_working_days_decide_the_non_working_day_warning(client, admin, officer):
    saturday = meeting(start="2017-06-17T10:00", end="2017-06-17T12:00")
    response = client.post("/api/v1/meetings", json=saturday, headers=officer)
    assert response.status_code == 201
    assert "non_working_day" in [w["code"] for w in response.json["warnings"]]

    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    assert client.patch("/api/v1/venues/UNHQ", json={"working_days": days}, headers=admin).status_code == 200
    response = client.post("/api/v1/meetings", json={**saturday, "room": "CR-1"}, headers=officer)
    assert response.status_code == 201
    assert "non_working_day" not in [w["code"] for w in response.json["warnings"]]
