"""Rooms and their blocks over HTTP."""

import json

import pytest

from .helpers import meeting

SEEDED_CODES = [  # in natural order: CR-2 before CR-10, as the pages list them
    *(f"CR-{n}" for n in range(1, 13)),
    "ECOSOC",
    "GA-HALL",
    "SC-CHAMBER",
    "SC-CONSULT",
    "TC-CHAMBER",
]


def links(code: str) -> dict:
    """The feed URLs every room carries (the test client's host is localhost)."""
    return {
        "feed_url": f"http://localhost/feeds/rooms/{code}.ics",
        "webcal_url": f"webcal://localhost/feeds/rooms/{code}.ics",
        "freebusy_url": f"http://localhost/feeds/rooms/{code}.vfb",
    }


ECOSOC = {
    "code": "ECOSOC",
    "name": "Economic and Social Council Chamber",
    "venue": "UNHQ",
    "timezone": "America/New_York",
    "capacity": 350,
    "features": ["interpretation", "webcast"],
    "setup_minutes": 0,
    "teardown_minutes": 0,
    "active": True,
    **links("ECOSOC"),
}

NEW_ROOM = {
    "code": "CR-13",
    "name": "Conference Room 13",
    "venue": "UNHQ",
    "capacity": 40,
    "features": ["webcast"],
    "setup_minutes": 15,
    "teardown_minutes": 30,
}

MAINTENANCE = {"start": "2017-06-19T08:00", "end": "2017-06-19T20:00", "reason": "Maintenance of the booths"}


def field_errors(response) -> dict:
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422
    return response.json["errors"]["json"]


def codes(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [room["code"] for room in response.json]


# --- listing ---------------------------------------------------------------------------


def test_list_rooms_by_code(client):
    response = client.get("/api/v1/rooms?venue=UNHQ")  # the other seeded duty stations: test_duty_stations.py
    assert codes(response) == SEEDED_CODES
    assert next(r for r in response.json if r["code"] == "ECOSOC") == ECOSOC
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 17,
        "total_pages": 1,
        "first_page": 1,
        "last_page": 1,
        "page": 1,
    }


def test_filter_by_min_capacity(client):
    assert codes(client.get("/api/v1/rooms?venue=UNHQ&min_capacity=300")) == ["ECOSOC", "GA-HALL", "TC-CHAMBER"]
    assert codes(client.get("/api/v1/rooms?venue=UNHQ&min_capacity=350")) == ["ECOSOC", "GA-HALL"]  # inclusive
    assert codes(client.get("/api/v1/rooms?venue=UNHQ&min_capacity=100000")) == []


def test_filter_by_features_needs_all_of_them(client):
    interpreted = codes(client.get("/api/v1/rooms?venue=UNHQ&feature=interpretation"))
    assert interpreted == [
        "CR-1",
        "CR-2",
        "CR-3",
        "CR-4",
        "CR-5",
        "CR-6",
        "CR-7",
        "CR-8",
        "ECOSOC",
        "GA-HALL",
        "SC-CHAMBER",
        "SC-CONSULT",
        "TC-CHAMBER",
    ]
    both = codes(client.get("/api/v1/rooms?venue=UNHQ&feature=interpretation&feature=webcast"))
    assert both == ["CR-1", "CR-2", "CR-3", "CR-4", "ECOSOC", "GA-HALL", "SC-CHAMBER", "TC-CHAMBER"]
    assert codes(client.get("/api/v1/rooms?venue=UNHQ&feature=webcast&min_capacity=300")) == [
        "ECOSOC",
        "GA-HALL",
        "TC-CHAMBER",
    ]
    assert codes(client.get("/api/v1/rooms?venue=UNHQ&feature=hologram")) == []


def test_filter_by_venue_in_any_case(client, admin, officer):
    client.post("/api/v1/venues", json={"code": "GVA", "name": "Geneva", "timezone": "Europe/Zurich"}, headers=admin)
    response = client.post("/api/v1/rooms", json={**NEW_ROOM, "code": "XVII", "venue": "GVA"}, headers=officer)
    assert response.status_code == 201, response.json
    assert response.json["timezone"] == "Europe/Zurich"
    assert codes(client.get("/api/v1/rooms?venue=GVA")) == ["XVII"]
    assert codes(client.get("/api/v1/rooms?venue=gva")) == ["XVII"]
    assert codes(client.get("/api/v1/rooms?venue=UNHQ")) == SEEDED_CODES
    assert codes(client.get("/api/v1/rooms?venue=NOWHERE")) == []


def test_filter_by_active(client, officer):
    assert client.patch("/api/v1/rooms/CR-9", json={"active": False}, headers=officer).status_code == 200
    assert codes(client.get("/api/v1/rooms?active=false")) == ["CR-9"]
    active = codes(client.get("/api/v1/rooms?venue=UNHQ&active=true"))
    assert "CR-9" not in active and len(active) == 16


@pytest.mark.parametrize(
    "query, field",
    [
        ("min_capacity=many", "min_capacity"),
        ("min_capacity=-1", "min_capacity"),
        ("active=perhaps", "active"),
        ("feature=Web%20Cast", "feature"),
    ],
)
def test_bad_filters_are_422(client, query, field):
    response = client.get(f"/api/v1/rooms?{query}")
    assert response.status_code == 422
    assert field in response.json["errors"]["query"]


def test_pagination(client):
    first = client.get("/api/v1/rooms?venue=UNHQ&page=1&page_size=5")
    assert codes(first) == SEEDED_CODES[:5]
    assert json.loads(first.headers["X-Pagination"]) == {
        "total": 17,
        "total_pages": 4,
        "first_page": 1,
        "last_page": 4,
        "page": 1,
        "next_page": 2,
    }
    last = client.get("/api/v1/rooms?venue=UNHQ&page=4&page_size=5")
    assert codes(last) == SEEDED_CODES[15:]
    assert json.loads(last.headers["X-Pagination"])["previous_page"] == 3
    # Filters are applied before pagination, and the total counts the filtered rooms.
    filtered = client.get("/api/v1/rooms?venue=UNHQ&feature=webcast&page=2&page_size=3")
    assert codes(filtered) == ["CR-4", "ECOSOC", "GA-HALL"]
    assert json.loads(filtered.headers["X-Pagination"])["total"] == 8
    beyond = client.get("/api/v1/rooms?venue=UNHQ&page=9&page_size=5")
    assert beyond.status_code in (200, 404)
    if beyond.status_code == 200:
        assert beyond.json == []


@pytest.mark.parametrize("query", ["page=0", "page_size=0", "page_size=501", "page=x"])
def test_bad_pagination_is_422(client, query):
    response = client.get(f"/api/v1/rooms?{query}")
    assert response.status_code == 422
    assert response.json["code"] == 422


# --- reading one -----------------------------------------------------------------------


def test_get_room_by_code_in_any_case(client):
    for code in ("ECOSOC", "ecosoc", "EcoSoc"):
        response = client.get(f"/api/v1/rooms/{code}")
        assert response.status_code == 200, code
        assert response.json == ECOSOC


def test_unknown_room_is_404(client, officer):
    response = client.get("/api/v1/rooms/CR-99")
    assert response.status_code == 404
    assert response.json["code"] == 404 and "CR-99" in response.json["message"]
    assert client.patch("/api/v1/rooms/CR-99", json={"capacity": 5}, headers=officer).status_code == 404
    assert client.get("/api/v1/rooms/CR-99/blocks").status_code == 404
    assert client.post("/api/v1/rooms/CR-99/blocks", json=MAINTENANCE, headers=officer).status_code == 404


# --- creating --------------------------------------------------------------------------


def test_officer_and_admin_add_rooms(client, officer, admin):
    response = client.post("/api/v1/rooms", json=NEW_ROOM, headers=officer)
    assert response.status_code == 201, response.json
    expected = {**NEW_ROOM, "timezone": "America/New_York", "active": True, **links("CR-13")}
    assert response.json == expected
    assert client.get("/api/v1/rooms/CR-13").json == expected

    response = client.post(
        "/api/v1/rooms",
        json={"code": "CR-14", "name": "Conference Room 14", "venue": "UNHQ", "capacity": 20},
        headers=admin,
    )
    assert response.status_code == 201, response.json
    assert response.json == {
        "code": "CR-14",
        "name": "Conference Room 14",
        "venue": "UNHQ",
        "timezone": "America/New_York",
        "capacity": 20,
        "features": [],
        "setup_minutes": 0,
        "teardown_minutes": 0,
        "active": True,
        **links("CR-14"),
    }


def test_viewer_and_mission_may_not_add_rooms(client, viewer, mission):
    for headers in (viewer, mission):
        response = client.post("/api/v1/rooms", json=NEW_ROOM, headers=headers)
        assert response.status_code == 403
        assert response.json["code"] == 403
    response = client.post("/api/v1/rooms", json=NEW_ROOM)
    assert response.status_code == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert client.get("/api/v1/rooms/CR-13").status_code == 404


def test_duplicate_room_code_is_409(client, officer):
    response = client.post("/api/v1/rooms", json={**NEW_ROOM, "code": "ECOSOC"}, headers=officer)
    assert response.status_code == 409
    assert response.json["code"] == 409 and "ECOSOC" in response.json["message"]
    assert client.get("/api/v1/rooms/ECOSOC").json == ECOSOC


def test_room_in_unknown_venue_is_422_naming_venue(client, officer):
    errors = field_errors(client.post("/api/v1/rooms", json={**NEW_ROOM, "venue": "NOWHERE"}, headers=officer))
    assert list(errors) == ["venue"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"capacity": "5"}, "capacity"),
        ({"capacity": 5.5}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": None}, "capacity"),
        ({"setup_minutes": "15"}, "setup_minutes"),
        ({"setup_minutes": -1}, "setup_minutes"),
        ({"setup_minutes": 241}, "setup_minutes"),
        ({"teardown_minutes": 241}, "teardown_minutes"),
        ({"active": "false"}, "active"),
        ({"active": 0}, "active"),
        ({"features": "webcast"}, "features"),
        ({"features": ["Webcast"]}, "features"),
        ({"features": ["webcast", "webcast"]}, "features"),
        ({"code": "cr-13"}, "code"),
        ({"code": "CR 13"}, "code"),
        ({"code": "X" * 33}, "code"),
        ({"name": ""}, "name"),
        ({"name": "N" * 201}, "name"),
        ({"seats": 40}, "seats"),
        ({"timezone": "UTC"}, "timezone"),
    ],
)
def test_invalid_room_is_422_naming_the_field(client, officer, change, field):
    errors = field_errors(client.post("/api/v1/rooms", json={**NEW_ROOM, **change}, headers=officer))
    assert list(errors) == [field]
    assert client.get("/api/v1/rooms/CR-13").status_code == 404


def test_buffers_up_to_four_hours_are_accepted(client, officer):
    response = client.post(
        "/api/v1/rooms", json={**NEW_ROOM, "setup_minutes": 240, "teardown_minutes": 240}, headers=officer
    )
    assert response.status_code == 201, response.json
    assert (response.json["setup_minutes"], response.json["teardown_minutes"]) == (240, 240)


def test_missing_required_room_fields_are_named(client, officer):
    errors = field_errors(client.post("/api/v1/rooms", json={}, headers=officer))
    assert set(errors) == {"code", "name", "venue", "capacity"}


# --- changing --------------------------------------------------------------------------


def test_patch_changes_only_what_is_given(client, officer):
    response = client.patch(
        "/api/v1/rooms/ecosoc", json={"capacity": 400, "features": ["interpretation"]}, headers=officer
    )
    assert response.status_code == 200, response.json
    expected = {**ECOSOC, "capacity": 400, "features": ["interpretation"]}
    assert response.json == expected
    assert client.get("/api/v1/rooms/ECOSOC").json == expected


@pytest.mark.parametrize(
    "change, field",
    [
        ({"code": "ECOSOC-2"}, "code"),
        ({"capacity": "400"}, "capacity"),
        ({"teardown_minutes": 500}, "teardown_minutes"),
        ({"venue": "NOWHERE"}, "venue"),
        ({"active": None}, "active"),
    ],
)
def test_invalid_patch_is_422_and_changes_nothing(client, officer, change, field):
    errors = field_errors(client.patch("/api/v1/rooms/ECOSOC", json=change, headers=officer))
    assert list(errors) == [field]
    assert client.get("/api/v1/rooms/ECOSOC").json == ECOSOC


def test_viewer_may_not_change_rooms(client, viewer):
    response = client.patch("/api/v1/rooms/ECOSOC", json={"active": False}, headers=viewer)
    assert response.status_code == 403
    assert client.get("/api/v1/rooms/ECOSOC").json["active"] is True


def test_inactive_room_refuses_bookings(client, officer):
    response = client.patch("/api/v1/rooms/ECOSOC", json={"active": False}, headers=officer)
    assert response.status_code == 200
    assert response.json == {**ECOSOC, "active": False}

    response = client.post("/api/v1/meetings", json=meeting(), headers=officer)
    assert response.status_code == 409
    body = response.json
    assert body["code"] == 409 and "ECOSOC" in body["message"]
    assert [c["type"] for c in body["conflicts"]] == ["room_inactive"]
    assert body["conflicts"][0]["room"] == "ECOSOC"
    # No later time in a room out of use; other rooms are offered.
    assert body["alternatives"]["times"] == []
    offered = [alt["room"] for alt in body["alternatives"]["rooms"]]
    assert offered and "ECOSOC" not in offered
    assert client.get("/api/v1/meetings?room=ECOSOC", headers=officer).json == []

    # Back in use, it can be booked again.
    assert client.patch("/api/v1/rooms/ECOSOC", json={"active": True}, headers=officer).status_code == 200
    assert client.post("/api/v1/meetings", json=meeting(), headers=officer).status_code == 201


def test_inactive_room_is_not_offered_as_an_alternative(client, officer):
    assert client.post("/api/v1/meetings", json=meeting(), headers=officer).status_code == 201
    before = client.post("/api/v1/meetings", json=meeting(title="Clash"), headers=officer).json
    first_offered = before["alternatives"]["rooms"][0]["room"]
    assert client.patch(f"/api/v1/rooms/{first_offered}", json={"active": False}, headers=officer).status_code == 200
    after = client.post("/api/v1/meetings", json=meeting(title="Clash"), headers=officer).json
    assert first_offered not in [alt["room"] for alt in after["alternatives"]["rooms"]]


def test_buffers_hold_the_room_around_a_meeting(client, officer):
    assert (
        client.patch(
            "/api/v1/rooms/CR-1", json={"setup_minutes": 30, "teardown_minutes": 30}, headers=officer
        ).status_code
        == 200
    )
    first = client.post("/api/v1/meetings", json=meeting(room="CR-1"), headers=officer)
    assert first.status_code == 201
    # 12:00 + 30 min teardown and 30 min setup: 13:00 is the first free start.
    response = client.post(
        "/api/v1/meetings", json=meeting(room="CR-1", start="2017-06-19T12:30", end="2017-06-19T13:00"), headers=officer
    )
    assert response.status_code == 409
    assert response.json["conflicts"][0]["meeting_id"] == first.json["id"]
    response = client.post(
        "/api/v1/meetings", json=meeting(room="CR-1", start="2017-06-19T13:00", end="2017-06-19T14:00"), headers=officer
    )
    assert response.status_code == 201, response.json


# --- blocks ----------------------------------------------------------------------------


def test_create_list_and_delete_a_block(client, officer):
    response = client.post("/api/v1/rooms/ecosoc/blocks", json=MAINTENANCE, headers=officer)
    assert response.status_code == 201, response.json
    block = response.json
    assert block == {
        "id": block["id"],
        "room": "ECOSOC",
        "start": "2017-06-19T08:00:00-04:00",
        "end": "2017-06-19T20:00:00-04:00",
        "timezone": "America/New_York",
        "reason": "Maintenance of the booths",
        "created_by": "Meetings Management Section (officer)",
    }
    assert client.get("/api/v1/rooms/ECOSOC/blocks", headers=officer).json == [block]
    assert client.get("/api/v1/rooms/ECOSOC/blocks").json == [{**block, "created_by": "The Secretariat"}]
    assert client.get("/api/v1/rooms/CR-1/blocks").json == []

    response = client.delete(f"/api/v1/rooms/ECOSOC/blocks/{block['id']}", headers=officer)
    assert response.status_code == 204
    assert response.data == b""
    assert client.get("/api/v1/rooms/ECOSOC/blocks").json == []
    assert client.delete(f"/api/v1/rooms/ECOSOC/blocks/{block['id']}", headers=officer).status_code == 404


def test_blocks_are_listed_by_start(client, officer):
    later = {"start": "2017-07-01T00:00", "end": "2017-07-05T00:00", "reason": "Closure"}
    client.post("/api/v1/rooms/ECOSOC/blocks", json=later, headers=officer)
    client.post("/api/v1/rooms/ECOSOC/blocks", json=MAINTENANCE, headers=officer)
    listing = client.get("/api/v1/rooms/ECOSOC/blocks").json
    assert [b["reason"] for b in listing] == ["Maintenance of the booths", "Closure"]
    assert listing[1]["start"] == "2017-07-01T00:00:00-04:00"


def test_block_with_offsets_is_shown_in_venue_time(client, officer):
    response = client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        json={"start": "2017-06-19T12:00:00Z", "end": "2017-06-19T16:00:00+02:00", "reason": "Cleaning"},
        headers=officer,
    )
    assert response.status_code == 201, response.json
    assert (response.json["start"], response.json["end"]) == ("2017-06-19T08:00:00-04:00", "2017-06-19T10:00:00-04:00")


def test_blocks_are_written_by_officers_and_admins_only(client, officer, viewer, mission):
    for headers in (viewer, mission):
        assert client.post("/api/v1/rooms/ECOSOC/blocks", json=MAINTENANCE, headers=headers).status_code == 403
    assert client.post("/api/v1/rooms/ECOSOC/blocks", json=MAINTENANCE).status_code == 401
    block = client.post("/api/v1/rooms/ECOSOC/blocks", json=MAINTENANCE, headers=officer).json
    for headers in (viewer, mission):
        response = client.delete(f"/api/v1/rooms/ECOSOC/blocks/{block['id']}", headers=headers)
        assert response.status_code == 403
    assert client.delete(f"/api/v1/rooms/ECOSOC/blocks/{block['id']}").status_code == 401
    assert len(client.get("/api/v1/rooms/ECOSOC/blocks").json) == 1


def test_block_over_a_meeting_is_409_naming_it(client, officer):
    booked = client.post("/api/v1/meetings", json=meeting(title="Informal consultations"), headers=officer).json
    response = client.post("/api/v1/rooms/ECOSOC/blocks", json=MAINTENANCE, headers=officer)
    assert response.status_code == 409
    body = response.json
    assert body["code"] == 409 and "ECOSOC" in body["message"]
    [conflict] = body["conflicts"]
    assert conflict["type"] == "meeting"
    assert conflict["meeting_id"] == booked["id"]
    assert conflict["title"] == "Informal consultations"
    assert conflict["start"] == "2017-06-19T10:00:00-04:00" and conflict["end"] == "2017-06-19T12:00:00-04:00"
    assert client.get("/api/v1/rooms/ECOSOC/blocks").json == []


def test_block_may_touch_a_meeting_and_ignores_released_ones(client, officer):
    booked = client.post("/api/v1/meetings", json=meeting(), headers=officer).json
    # Right after the meeting ends (half-open intervals).
    after = {"start": "2017-06-19T12:00", "end": "2017-06-19T20:00", "reason": "Maintenance"}
    assert client.post("/api/v1/rooms/ECOSOC/blocks", json=after, headers=officer).status_code == 201
    # A cancelled meeting does not hold the room.
    client.post(f"/api/v1/meetings/{booked['id']}/cancel", json={"reason": "Postponed sine die"}, headers=officer)
    before = {"start": "2017-06-19T08:00", "end": "2017-06-19T12:00", "reason": "Maintenance"}
    response = client.post("/api/v1/rooms/ECOSOC/blocks", json=before, headers=officer)
    assert response.status_code == 201, response.json


def test_block_over_buffers_of_a_meeting_is_409(client, officer):
    client.patch("/api/v1/rooms/ECOSOC", json={"teardown_minutes": 30}, headers=officer)
    booked = client.post("/api/v1/meetings", json=meeting(), headers=officer).json
    response = client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        json={"start": "2017-06-19T12:15", "end": "2017-06-19T14:00", "reason": "Cleaning"},
        headers=officer,
    )
    assert response.status_code == 409
    assert [c["meeting_id"] for c in response.json["conflicts"]] == [booked["id"]]


def test_booking_inside_a_block_is_409(client, officer):
    block = client.post("/api/v1/rooms/ECOSOC/blocks", json=MAINTENANCE, headers=officer).json
    response = client.post("/api/v1/meetings", json=meeting(), headers=officer)
    assert response.status_code == 409
    body = response.json
    [conflict] = body["conflicts"]
    assert conflict["type"] == "block"
    assert conflict["block_id"] == block["id"]
    assert conflict["reason"] == "Maintenance of the booths"
    assert conflict["start"] == "2017-06-19T08:00:00-04:00" and conflict["end"] == "2017-06-19T20:00:00-04:00"
    assert "ECOSOC" not in [alt["room"] for alt in body["alternatives"]["rooms"]]
    # The next free time in the room is after the block: the next working day's morning.
    assert body["alternatives"]["times"][0]["start"] == "2017-06-20T10:00:00-04:00"

    # Other rooms are not blocked, and once the block is gone ECOSOC is free again.
    assert client.post("/api/v1/meetings", json=meeting(room="CR-1"), headers=officer).status_code == 201
    client.delete(f"/api/v1/rooms/ECOSOC/blocks/{block['id']}", headers=officer)
    assert client.post("/api/v1/meetings", json=meeting(), headers=officer).status_code == 201


def test_booking_right_after_a_block_is_allowed(client, officer):
    client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        json={"start": "2017-06-19T08:00", "end": "2017-06-19T10:00", "reason": "Cleaning"},
        headers=officer,
    )
    response = client.post("/api/v1/meetings", json=meeting(), headers=officer)
    assert response.status_code == 201, response.json


def test_moving_a_meeting_into_a_block_is_409(client, officer):
    booked = client.post(
        "/api/v1/meetings", json=meeting(start="2017-06-20T10:00", end="2017-06-20T12:00"), headers=officer
    ).json
    client.post("/api/v1/rooms/ECOSOC/blocks", json=MAINTENANCE, headers=officer)
    response = client.patch(
        f"/api/v1/meetings/{booked['id']}",
        json={"start": "2017-06-19T10:00", "end": "2017-06-19T12:00"},
        headers=officer,
    )
    assert response.status_code == 409
    assert [c["type"] for c in response.json["conflicts"]] == ["block"]


@pytest.mark.parametrize(
    "times, field",
    [
        # New York's clocks went from 02:00 to 03:00 on 12 March 2017: 02:30 did not exist.
        ({"start": "2017-03-12T02:30", "end": "2017-03-12T06:00"}, "start"),
        ({"start": "2017-03-12T00:00", "end": "2017-03-12T02:30"}, "end"),
        # ...and from 02:00 back to 01:00 on 5 November 2017: 01:30 happened twice.
        ({"start": "2017-11-05T01:30", "end": "2017-11-05T06:00"}, "start"),
    ],
)
def test_block_at_a_local_time_that_dst_makes_unclear_is_422(client, officer, times, field):
    errors = field_errors(
        client.post("/api/v1/rooms/ECOSOC/blocks", json={**times, "reason": "Works"}, headers=officer)
    )
    assert list(errors) == [field]
    assert "America/New_York" in errors[field][0]
    assert client.get("/api/v1/rooms/ECOSOC/blocks").json == []


def test_block_across_a_dst_change_uses_each_days_offset(client, officer):
    response = client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        json={"start": "2017-03-11T08:00", "end": "2017-03-13T08:00", "reason": "Works"},
        headers=officer,
    )
    assert response.status_code == 201, response.json
    assert response.json["start"] == "2017-03-11T08:00:00-05:00"
    assert response.json["end"] == "2017-03-13T08:00:00-04:00"
    # An ambiguous local time is fine when the offset says which one is meant.
    response = client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        json={"start": "2017-11-05T01:30-05:00", "end": "2017-11-05T06:00", "reason": "Works"},
        headers=officer,
    )
    assert response.status_code == 201, response.json
    assert response.json["start"] == "2017-11-05T01:30:00-05:00"


@pytest.mark.parametrize(
    "block, field",
    [
        ({"start": "2017-06-19T20:00", "end": "2017-06-19T08:00", "reason": "Backwards"}, "end"),
        ({"start": "2017-06-19T08:00", "end": "2017-06-19T08:00", "reason": "Empty"}, "end"),
        ({"start": "19 June 2017", "end": "2017-06-19T08:00", "reason": "Prose"}, "start"),
        ({"start": "2017-06-19T08:00", "end": "2017-06-19T25:00", "reason": "No such hour"}, "end"),
        ({"start": "2017-06-19T08:00", "end": "2017-06-19T20:00"}, "reason"),
        ({"start": "2017-06-19T08:00", "end": "2017-06-19T20:00", "reason": ""}, "reason"),
        ({"start": 1497859200, "end": "2017-06-19T20:00", "reason": "Epoch"}, "start"),
        ({**MAINTENANCE, "room": "ECOSOC"}, "room"),
    ],
)
def test_invalid_block_is_422_naming_the_field(client, officer, block, field):
    errors = field_errors(client.post("/api/v1/rooms/ECOSOC/blocks", json=block, headers=officer))
    assert list(errors) == [field]
    assert client.get("/api/v1/rooms/ECOSOC/blocks").json == []


def test_delete_unknown_block_is_404(client, officer):
    response = client.delete("/api/v1/rooms/ECOSOC/blocks/999999", headers=officer)
    assert response.status_code == 404
    assert response.json["code"] == 404 and "999999" in response.json["message"]
    assert client.delete("/api/v1/rooms/NOWHERE/blocks/1", headers=officer).status_code == 404


def test_a_block_is_deleted_only_through_its_own_room(client, officer):
    block = client.post("/api/v1/rooms/ECOSOC/blocks", json=MAINTENANCE, headers=officer).json
    response = client.delete(f"/api/v1/rooms/CR-1/blocks/{block['id']}", headers=officer)
    assert response.status_code == 404
    assert len(client.get("/api/v1/rooms/ECOSOC/blocks").json) == 1


@pytest.mark.parametrize(
    "block",
    [
        {"start": "9999-12-31T22:00-05:00", "end": "9999-12-31T23:00-05:00", "reason": "Far future"},
        {"start": "0001-01-01T00:00", "end": "0001-01-01T03:00", "reason": "Year one"},
    ],
)
def test_block_at_the_edge_of_the_calendar_is_422(client, officer, block):
    # Not a 500: converting such times to UTC would leave the range of Python's datetime.
    errors = field_errors(client.post("/api/v1/rooms/ECOSOC/blocks", json=block, headers=officer))
    assert set(errors) == {"start", "end"}
    assert client.get("/api/v1/rooms/ECOSOC/blocks").json == []


def test_blocks_and_venues_lists_paginate(client, officer):
    for day in (19, 20, 21):
        response = client.post(
            "/api/v1/rooms/CR-1/blocks",
            headers=officer,
            json={"start": f"2017-06-{day}T08:00", "end": f"2017-06-{day}T09:00", "reason": "Cleaning"},
        )
        assert response.status_code == 201
    page = client.get("/api/v1/rooms/CR-1/blocks?page=2&page_size=2")
    assert [b["start"][:10] for b in page.json] == ["2017-06-21"]
    assert json.loads(page.headers["X-Pagination"])["total"] == 3
    venues = client.get("/api/v1/venues?page_size=1")
    assert [v["code"] for v in venues.json] == ["ECA"]  # by code
    assert json.loads(venues.headers["X-Pagination"])["total"] == 8  # ECA, ECLAC, ESCAP, ESCWA, UNHQ, UNOG, UNON, UNOV
