"""Hard and soft conflicts, alternatives, and POST /meetings/check."""

from .helpers import book, meeting


def warning_codes(response) -> list[str]:
    """The warnings' codes, but in_the_past: these bookings are in 2017 (tested on its own below)."""
    return [w["code"] for w in response.json["warnings"] if w["code"] != "in_the_past"]


# --- hard: intervals and buffers ------------------------------------------------------


def test_back_to_back_meetings_do_not_overlap_without_buffers(client, officer):
    book(client, officer, start="2017-06-19T10:00", end="2017-06-19T12:00")
    book(client, officer, start="2017-06-19T12:00", end="2017-06-19T13:00")
    book(client, officer, start="2017-06-19T09:00", end="2017-06-19T10:00")


def test_buffers_are_part_of_the_held_interval(client, officer):
    assert (
        client.patch(
            "/api/v1/rooms/ECOSOC", json={"setup_minutes": 30, "teardown_minutes": 15}, headers=officer
        ).status_code
        == 200
    )
    first = book(client, officer, start="2017-06-19T10:00", end="2017-06-19T12:00")
    refused = client.post(
        "/api/v1/meetings", json=meeting(start="2017-06-19T12:30", end="2017-06-19T12:45"), headers=officer
    )
    assert refused.status_code == 409
    [collision] = refused.json["conflicts"]
    assert collision["meeting_id"] == first["id"]
    assert (collision["held_start"], collision["held_end"]) == (
        "2017-06-19T09:30:00-04:00",
        "2017-06-19T12:15:00-04:00",
    )
    # 12:15 teardown end + 30 minutes of setup: the first free start is 12:45.
    assert refused.json["alternatives"]["times"][0]["start"] == "2017-06-19T12:45:00-04:00"
    book(client, officer, start="2017-06-19T12:45", end="2017-06-19T13:00")


def test_a_booking_in_a_blocked_room_is_refused(client, officer):
    block = client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        headers=officer,
        json={"start": "2017-06-19T08:00", "end": "2017-06-19T14:00", "reason": "Sound system maintenance"},
    )
    assert block.status_code == 201, block.json
    refused = client.post("/api/v1/meetings", json=meeting(), headers=officer)
    assert refused.status_code == 409
    [collision] = refused.json["conflicts"]
    assert collision["type"] == "block" and collision["reason"] == "Sound system maintenance"
    assert refused.json["alternatives"]["times"][0]["start"] == "2017-06-19T15:00:00-04:00"


def test_an_inactive_room_cannot_be_booked_and_offers_other_rooms(client, officer):
    client.patch("/api/v1/rooms/ECOSOC", json={"active": False}, headers=officer)
    refused = client.post("/api/v1/meetings", json=meeting(expected_participants=320), headers=officer)
    assert refused.status_code == 409
    assert refused.json["conflicts"][0]["type"] == "room_inactive"
    assert refused.json["alternatives"]["times"] == []
    rooms = refused.json["alternatives"]["rooms"]
    assert [r["room"] for r in rooms] == ["GA-HALL"]  # the only other room seating 320


# --- alternatives ---------------------------------------------------------------------


def test_alternative_rooms_fit_and_come_smallest_first(client, officer):
    book(client, officer)
    book(client, officer, room="CR-5")  # 120 seats, with interpretation: taken
    refused = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(title="Clash", expected_participants=100, languages=["en", "fr"]),
    )
    rooms = refused.json["alternatives"]["rooms"]
    capacities = [r["capacity"] for r in rooms]
    assert capacities == sorted(capacities) and min(capacities) >= 100
    assert all("interpretation" in r["features"] for r in rooms)
    assert "CR-5" not in [r["room"] for r in rooms]
    assert rooms[0]["room"] == "CR-6"


def test_alternative_times_skip_weekends_and_full_slots(client, officer):
    # Friday 16 June 2017: both slots taken; the next working day is Monday 19 June.
    book(client, officer, start="2017-06-16T10:00", end="2017-06-16T13:00")
    book(client, officer, start="2017-06-16T15:00", end="2017-06-16T18:00")
    refused = client.post(
        "/api/v1/meetings", headers=officer, json=meeting(start="2017-06-16T15:00", end="2017-06-16T17:00")
    )
    times = refused.json["alternatives"]["times"]
    assert [t["start"] for t in times] == [
        "2017-06-19T10:00:00-04:00",
        "2017-06-19T15:00:00-04:00",
        "2017-06-20T10:00:00-04:00",
    ]
    assert all(t["end"][11:16] in ("12:00", "17:00") for t in times)


# --- soft -----------------------------------------------------------------------------


def test_capacity_warning(client, officer):
    response = client.post("/api/v1/meetings", json=meeting(room="CR-9", expected_participants=61), headers=officer)
    assert response.status_code == 201
    assert warning_codes(response) == ["capacity"]
    assert response.json["warnings"][0]["capacity"] == 60


def test_organizer_warning_across_rooms(client, officer):
    first = book(client, officer, organizers=["H.E. Mr. Marc Pecsteen de Buytswerve"])
    response = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(
            room="CR-1", start="2017-06-19T11:00", organizers=["h.e. mr. marc pecsteen de buytswerve", "Someone"]
        ),
    )
    assert response.status_code == 201
    warning, _in_the_past = response.json["warnings"]
    assert warning["code"] == "organizer_busy" and warning["meeting_id"] == first["id"]


def test_interpretation_warnings(client, officer, admin):
    no_booths = client.post("/api/v1/meetings", json=meeting(room="CR-9", languages=["fr"]), headers=officer)
    assert warning_codes(no_booths) == ["no_interpretation"]

    assert client.patch("/api/v1/venues/UNHQ", json={"interpretation_teams": 1}, headers=admin).status_code == 200
    first = book(
        client, officer, room="CR-1", languages=["en", "fr"], date="2017-06-20", slot="morning", start=None, end=None
    )
    assert [w["code"] for w in first["warnings"]] == ["in_the_past"]
    second = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="CR-2", languages=["ar"], start="2017-06-20T11:00", end="2017-06-20T12:00"),
    )
    assert warning_codes(second) == ["interpretation_teams"]
    uninterpreted = client.post(
        "/api/v1/meetings", headers=officer, json=meeting(room="CR-3", start="2017-06-20T11:00", end="2017-06-20T12:00")
    )
    assert warning_codes(uninterpreted) == []


def test_outside_standard_hours_and_weekend_warnings(client, officer):
    evening = client.post(
        "/api/v1/meetings", json=meeting(start="2017-06-19T18:00", end="2017-06-19T20:00"), headers=officer
    )
    assert warning_codes(evening) == ["outside_standard_hours"]
    saturday = client.post(
        "/api/v1/meetings", json=meeting(date="2017-06-17", slot="morning", start=None, end=None), headers=officer
    )
    assert warning_codes(saturday) == ["non_working_day"]
    assert saturday.json["warnings"][0]["date"] == "2017-06-17"


# --- check ----------------------------------------------------------------------------


def test_check_answers_without_booking(client, officer):
    free = client.post("/api/v1/meetings/check", json=meeting(room="CR-9", expected_participants=70), headers=officer)
    assert free.status_code == 200
    assert free.json["bookable"] is True and free.json["conflicts"] == []
    assert warning_codes(free) == ["capacity"]

    first = book(client, officer)
    taken = client.post("/api/v1/meetings/check", json=meeting(start="2017-06-19T11:00"), headers=officer)
    assert taken.status_code == 200
    assert taken.json["bookable"] is False
    assert taken.json["conflicts"][0]["meeting_id"] == first["id"]
    assert taken.json["alternatives"]["rooms"]
    assert len(client.get("/api/v1/meetings", headers=officer).json) == 1
    assert client.post("/api/v1/meetings/check", json=meeting(room="NOPE"), headers=officer).status_code == 422


def test_changing_buffers_does_not_break_existing_bookings(client, officer):
    first = book(client, officer, start="2017-06-19T10:00", end="2017-06-19T12:00")
    book(client, officer, start="2017-06-19T12:00", end="2017-06-19T13:00")
    client.patch("/api/v1/rooms/ECOSOC", json={"teardown_minutes": 30}, headers=officer)
    renamed = client.patch(f"/api/v1/meetings/{first['id']}", json={"title": "Renamed"}, headers=officer)
    assert renamed.status_code == 200, renamed.json
    moved = client.patch(
        f"/api/v1/meetings/{first['id']}",
        json={"start": "2017-06-19T09:30", "end": "2017-06-19T11:45"},
        headers=officer,
    )
    assert moved.status_code == 409  # 11:45 + 30 minutes of teardown reaches into the 12:00 meeting


def test_slots_whose_edges_fall_in_a_dst_change_never_break_a_booking(client, officer, admin):
    """A venue with a night slot across New York's DST changes: the warnings and alternatives
    read such slot edges leniently, while a client's {date, slot} there is refused with 422."""
    created = client.post(
        "/api/v1/venues",
        headers=admin,
        json={
            "code": "NIGHT",
            "name": "Night venue",
            "timezone": "America/New_York",
            "working_days": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
            "slots": [{"name": "night", "start": "01:00", "end": "04:00"}],
        },
    )
    assert created.status_code == 201, created.json
    room = {"code": "NIGHT-1", "name": "Night room", "venue": "NIGHT", "capacity": 50, "features": ["interpretation"]}
    assert client.post("/api/v1/rooms", json=room, headers=officer).status_code == 201

    first = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="NIGHT-1", start="2018-11-04T03:00", end="2018-11-04T03:30", languages=["en"]),
    )
    assert first.status_code == 201, first.json
    clash = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="NIGHT-1", start="2018-11-04T03:00", end="2018-11-04T03:30"),
    )
    assert clash.status_code == 409
    assert clash.json["alternatives"]["times"][0]["start"] == "2018-11-04T03:30:00-05:00"
    spring = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="NIGHT-1", start="2018-03-11T03:00", end="2018-03-11T03:30", languages=["en"]),
    )
    assert spring.status_code == 201, spring.json
    ambiguous = client.post(
        "/api/v1/meetings",
        headers=officer,
        json=meeting(room="NIGHT-1", start=None, end=None, date="2018-11-04", slot="night"),
    )
    assert ambiguous.status_code == 422 and "date" in ambiguous.json["errors"]["json"]


def test_a_postponed_meeting_confirmed_again_takes_the_rooms_current_buffers(client, officer):
    first = book(client, officer, start="2017-06-19T10:00", end="2017-06-19T12:00")
    client.post(f"/api/v1/meetings/{first['id']}/postpone", json={"reason": "later"}, headers=officer)
    client.patch("/api/v1/rooms/ECOSOC", json={"teardown_minutes": 30}, headers=officer)
    confirmed = client.patch(f"/api/v1/meetings/{first['id']}", json={"status": "confirmed"}, headers=officer)
    assert confirmed.status_code == 200
    refused = client.post(
        "/api/v1/meetings", json=meeting(start="2017-06-19T12:15", end="2017-06-19T13:00"), headers=officer
    )
    assert refused.status_code == 409  # the first meeting now holds the room until 12:30


def test_a_booking_in_the_past_is_warned_of_once(client, officer):
    future = client.post(
        "/api/v1/meetings", json=meeting(start="2040-06-19T10:00", end="2040-06-19T12:00"), headers=officer
    )
    assert future.status_code == 201 and future.json["warnings"] == []
    past = book(client, officer)
    assert [w["code"] for w in past["warnings"]] == ["in_the_past"]
    url = f"/api/v1/meetings/{past['id']}"
    assert client.patch(url, json={"title": "Renamed"}, headers=officer).json["warnings"] == []
    moved = client.patch(url, json={"start": "2017-06-20T10:00"}, headers=officer).json
    assert [w["code"] for w in moved["warnings"]] == ["in_the_past"]
    checked = client.post(
        "/api/v1/meetings/check", json=meeting(start="2017-06-21T10:00", end="2017-06-21T11:00"), headers=officer
    )
    assert "in_the_past" in [w["code"] for w in checked.json["warnings"]]
