"""The first story of PRODUCT.md, over HTTP, on both databases."""

from .helpers import FIRST_INFORMAL_MEETING, TRAFFICKING_PROCESS


def test_the_letter_as_data(client, officer):
    response = client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    assert response.status_code == 201, response.json

    response = client.post("/api/v1/meetings", json=FIRST_INFORMAL_MEETING, headers=officer)
    assert response.status_code == 201, response.json
    first = response.json
    assert first["start"] == "2017-06-16T10:00:00-04:00"
    assert first["end"] == "2017-06-16T12:00:00-04:00"
    assert first["start_utc"] == "2017-06-16T14:00:00+00:00"
    assert first["end_utc"] == "2017-06-16T16:00:00+00:00"
    assert first["timezone"] == "America/New_York"
    assert first["body"] == "General Assembly"  # taken from the process
    assert first["process"] == "trafficking-in-persons-declaration"
    assert first["sequence"] == 0

    second = {
        **FIRST_INFORMAL_MEETING,
        "title": "Another meeting",
        "start": "2017-06-16T11:00",
        "end": "2017-06-16T12:00",
        "process": None,
    }
    del second["process"]
    response = client.post("/api/v1/meetings", json=second, headers=officer)
    assert response.status_code == 409
    body = response.json
    assert body["code"] == 409 and body["status"] == "Conflict" and "ECOSOC" in body["message"]
    [collision] = body["conflicts"]
    assert collision["type"] == "meeting"
    assert collision["meeting_id"] == first["id"]
    assert collision["title"] == "First informal meeting"
    assert collision["start"] == "2017-06-16T10:00:00-04:00"
    # Other rooms free at 11:00, and the next free hour in ECOSOC: 12:00, right after the first meeting.
    rooms = [alt["room"] for alt in body["alternatives"]["rooms"]]
    assert rooms and "ECOSOC" not in rooms
    assert body["alternatives"]["times"][0] == {
        "room": "ECOSOC",
        "start": "2017-06-16T12:00:00-04:00",
        "end": "2017-06-16T13:00:00-04:00",
        "slot": "morning",
    }

    # Nothing was booked by the refusal.
    listing = client.get("/api/v1/meetings?room=ECOSOC", headers=officer).json
    assert [m["title"] for m in listing] == ["First informal meeting"]


def test_alternative_room_can_be_taken(client, officer):
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    client.post("/api/v1/meetings", json=FIRST_INFORMAL_MEETING, headers=officer)
    clash = {**FIRST_INFORMAL_MEETING, "title": "Side event", "kind": "side_event", "expected_participants": 100}
    refused = client.post("/api/v1/meetings", json=clash, headers=officer).json
    alternative = refused["alternatives"]["rooms"][0]
    assert alternative["capacity"] >= 100
    taken = client.post("/api/v1/meetings", json={**clash, "room": alternative["room"]}, headers=officer)
    assert taken.status_code == 201
    later = refused["alternatives"]["times"][0]
    moved = client.post(
        "/api/v1/meetings", json={**clash, "start": later["start"], "end": later["end"]}, headers=officer
    )
    assert moved.status_code == 201, moved.json
