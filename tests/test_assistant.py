"""The scheduling assistant over HTTP: a room's availability, free rooms, and search."""

from .helpers import book


def test_room_availability_shows_busy_time_and_free_slots(client, officer, mission):
    public = book(client, officer, title="Open briefing", start="2017-06-19T10:00", end="2017-06-19T12:00")
    book(client, officer, title="Secret talks", visibility="closed", start="2017-06-20T15:00", end="2017-06-20T16:00")
    client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        headers=officer,
        json={"start": "2017-06-21T08:00", "end": "2017-06-21T20:00", "reason": "Sound system"},
    )
    response = client.get("/api/v1/rooms/ecosoc/availability?from=2017-06-19&to=2017-06-25")
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["room"], body["timezone"], body["from"], body["to"]) == (
        "ECOSOC",
        "America/New_York",
        "2017-06-19",
        "2017-06-25",
    )
    assert [(b["type"], b["start"], b.get("title"), b.get("meeting_id")) for b in body["busy"]] == [
        ("meeting", "2017-06-19T10:00:00-04:00", "Open briefing", public["id"]),
        ("meeting", "2017-06-20T15:00:00-04:00", "Reserved", None),
        ("block", "2017-06-21T08:00:00-04:00", None, None),
    ]
    free = [(s["date"], s["slot"]) for s in body["free_slots"]]
    # Monday morning and Tuesday afternoon taken, Wednesday blocked, the weekend not a working day.
    assert free == [
        ("2017-06-19", "afternoon"),
        ("2017-06-20", "morning"),
        ("2017-06-22", "morning"),
        ("2017-06-22", "afternoon"),
        ("2017-06-23", "morning"),
        ("2017-06-23", "afternoon"),
    ]
    staff = client.get("/api/v1/rooms/ECOSOC/availability?from=2017-06-19&to=2017-06-25", headers=officer).json
    assert staff["busy"][1]["title"] == "Secret talks"
    assert "Secret" not in client.get(
        "/api/v1/rooms/ECOSOC/availability?from=2017-06-19&to=2017-06-25", headers=mission
    ).get_data(as_text=True)


def test_room_availability_bad_input(client):
    assert client.get("/api/v1/rooms/NOWHERE/availability").status_code == 404
    assert client.get("/api/v1/rooms/ECOSOC/availability?from=2017-06-19&to=2017-06-18").status_code == 422
    assert client.get("/api/v1/rooms/ECOSOC/availability?from=2017-01-01&to=2017-12-31").status_code == 422
    assert client.get("/api/v1/rooms/ECOSOC/availability?from=yesterday").status_code == 422
    assert client.get("/api/v1/rooms/ECOSOC/availability").status_code == 200  # this week


def test_free_rooms_for_a_slot_or_a_time(client, officer):
    book(client, officer, room="CR-9", start="2017-06-19T10:00", end="2017-06-19T13:00")
    by_slot = client.get("/api/v1/availability?venue=UNHQ&date=2017-06-19&slot=morning&min_capacity=60")
    assert by_slot.status_code == 200, by_slot.json
    rooms = [r["room"] for r in by_slot.json["rooms"]]
    assert rooms[:3] == ["CR-10", "CR-11", "CR-12"] and "CR-9" not in rooms
    assert by_slot.json["start"] == "2017-06-19T10:00:00-04:00"
    interpreted = client.get(
        "/api/v1/availability?venue=UNHQ&date=2017-06-19&slot=morning&languages=fr&feature=webcast"
    )
    assert all({"interpretation", "webcast"} <= set(r["features"]) for r in interpreted.json["rooms"])
    by_time = client.get("/api/v1/availability?venue=UNHQ&start=2017-06-19T12:30&end=2017-06-19T14:00&min_capacity=61")
    assert "CR-9" not in [r["room"] for r in by_time.json["rooms"]]
    assert by_time.json["rooms"][0]["capacity"] >= 61
    whole_day = client.get("/api/v1/availability?venue=UNHQ&date=2017-06-19&min_capacity=60")
    assert whole_day.json["start"] == "2017-06-19T10:00:00-04:00"
    assert whole_day.json["end"] == "2017-06-19T18:00:00-04:00"
    assert "CR-9" not in [r["room"] for r in whole_day.json["rooms"]]
    assert client.get("/api/v1/availability?venue=UNHQ&slot=morning").status_code == 422
    assert client.get("/api/v1/availability?venue=UNHQ&date=2017-06-19&slot=evening").status_code == 422
    assert client.get("/api/v1/availability?venue=UNHQ&start=2017-06-19T12:00&end=2017-06-19T11:00").status_code == 422


def test_search_ranks_whole_slots_then_smallest_rooms_then_earliest(client, officer):
    for room in ("CR-9", "CR-10", "CR-11", "CR-12"):
        book(client, officer, room=room, start="2017-06-19T10:00", end="2017-06-19T11:00")
    answer = client.post(
        "/api/v1/search",
        headers=officer,
        json={
            "duration_minutes": 90,
            "participants": 55,
            "venue": "UNHQ",
            "earliest": "2017-06-19",
            "latest": "2017-06-20",
            "limit": 6,
        },
    )
    assert answer.status_code == 200, answer.json
    options = answer.json["options"]
    # The four 60-seat rooms are equally small: among them, the earliest time first.
    assert [(o["room"], o["start"]) for o in options] == [
        ("CR-9", "2017-06-19T15:00:00-04:00"),
        ("CR-10", "2017-06-19T15:00:00-04:00"),
        ("CR-11", "2017-06-19T15:00:00-04:00"),
        ("CR-12", "2017-06-19T15:00:00-04:00"),
        ("CR-9", "2017-06-20T10:00:00-04:00"),
        ("CR-10", "2017-06-20T10:00:00-04:00"),
    ]
    assert all(o["whole_slot_start"] for o in options)
    only = client.post(
        "/api/v1/search",
        headers=officer,
        json={
            "duration_minutes": 90,
            "earliest": "2017-06-19",
            "venue": "UNHQ",
            "latest": "2017-06-19",
            "rooms": ["cr-9"],
            "limit": 5,
        },
    ).json
    assert [(o["start"], o["whole_slot_start"]) for o in only["options"]] == [
        ("2017-06-19T15:00:00-04:00", True),
        ("2017-06-19T11:00:00-04:00", False),
    ]
    bad = client.post(
        "/api/v1/search",
        headers=officer,
        json={"duration_minutes": 60, "earliest": "2017-06-20", "venue": "UNHQ", "latest": "2017-06-19"},
    )
    assert bad.status_code == 422
    assert (
        client.post(
            "/api/v1/search",
            headers=officer,
            json={
                "duration_minutes": 60,
                "earliest": "2017-06-19",
                "venue": "UNHQ",
                "latest": "2017-06-19",
                "rooms": ["NOPE"],
            },
        ).status_code
        == 422
    )


def test_availability_in_a_zone_that_jumps_at_midnight(client, admin, officer):
    client.post(
        "/api/v1/venues",
        headers=admin,
        json={
            "code": "HAV",
            "name": "Havana",
            "timezone": "America/Havana",
            "slots": [{"name": "morning", "start": "10:00", "end": "13:00"}],
        },
    )
    client.post(
        "/api/v1/rooms", headers=officer, json={"code": "H1", "name": "Room H1", "venue": "HAV", "capacity": 20}
    )
    for day in ("2027-03-13", "2027-03-14"):
        assert client.get(f"/api/v1/rooms/H1/availability?from={day}&to={day}").status_code == 200


def test_with_several_venues_the_default_venue_is_taken_unless_named(client, officer):
    unnamed = client.get("/api/v1/availability?date=2017-06-19&slot=morning")
    assert unnamed.status_code == 200 and unnamed.json["venue"] == "UNHQ"  # DEFAULT_VENUE
    geneva = client.get("/api/v1/availability?date=2017-06-19&slot=morning&venue=UNOG")
    assert geneva.status_code == 200 and geneva.json["timezone"] == "Europe/Zurich"
    search = client.post(
        "/api/v1/search",
        headers=officer,
        json={"duration_minutes": 60, "earliest": "2017-06-19", "latest": "2017-06-19"},
    )
    assert search.status_code == 200 and search.json["venue"] == "UNHQ" and search.json["options"]
    assert client.get("/api/v1/availability?date=2017-06-19&slot=morning&venue=NOPE").status_code == 422
