"""What a client is told: every field's error at once in plain words with a `message`, JSON insisted on,
plain dates and comma lists where they are natural, pending requests that say what they collide with."""

from .helpers import book, meeting
from .test_web import field_errors, meeting_form, sign_in


def test_every_field_error_at_once_in_plain_words_with_a_message(client, officer):
    answer = client.post("/api/v1/meetings", json={"title": "", "start": "tomorrow"}, headers=officer)
    assert answer.status_code == 422
    assert answer.json["errors"]["json"] == {
        "title": ["Give a title"],
        "kind": ["Give the kind of meeting"],
        "room": ["Give a room"],
        "start": ["Not a date-time: use RFC 3339 (2017-06-16T10:00:00-04:00) or local 2017-06-16T10:00"],
        "end": ["end is needed with start"],
    }
    assert answer.json["message"].startswith("title: Give a title; kind: Give the kind of meeting; room: Give a room")
    too_long = client.post("/api/v1/meetings", json=meeting(title="x" * 501), headers=officer)
    assert too_long.json["errors"]["json"]["title"] == ["Use at most 500 characters"]
    service_level = client.post("/api/v1/meetings", json=meeting(room="NOPE"), headers=officer)
    assert service_level.status_code == 422 and service_level.json["message"] == "room: No room 'NOPE'"


def test_a_form_post_to_the_api_is_told_to_send_json(client, officer):
    answer = client.post("/api/v1/meetings", data={"title": "Briefing"}, headers=officer)
    assert answer.status_code == 415
    assert answer.json["message"] == "Send the body as JSON, with the header Content-Type: application/json"
    assert client.get("/api/v1/meetings", headers=officer).status_code == 200  # reads need no body


def test_the_booking_form_gives_every_error_at_once(client, officer_token):
    sign_in(client, officer_token)
    response = client.post("/console/meetings/new", data=meeting_form(client, title="", date="", room=""))
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert (errors["title"], errors["room"], errors["date"]) == (
        "Give a title",
        "Give a room",
        "Give the day of the meeting",
    )


def test_list_bounds_may_be_plain_dates_of_the_venue(client, officer):
    book(client, officer, title="Late evening", start="2017-06-16T21:00", end="2017-06-16T23:30")
    book(client, officer, title="Next morning", start="2017-06-17T09:00", end="2017-06-17T10:00")
    day = client.get("/api/v1/meetings?from=2017-06-16&to=2017-06-16&venue=UNHQ").json
    assert [m["title"] for m in day] == ["Late evening"]
    assert client.get("/api/v1/meetings?from=2017-02-30").status_code == 422


def test_comma_lists_in_queries_as_in_feeds(client, officer):
    book(client, officer, title="Held", start="2017-06-19T10:00", end="2017-06-19T11:00")
    book(client, officer, title="Pencilled", status="tentative", start="2017-06-19T15:00", end="2017-06-19T16:00")
    both = client.get("/api/v1/meetings?status=tentative,confirmed&kind=briefing,plenary", headers=officer).json
    assert [m["title"] for m in both] == ["Held", "Pencilled"]
    interpreted = client.get("/api/v1/availability?date=2017-06-19&slot=morning&languages=ar,en")
    assert interpreted.status_code == 200, interpreted.json
    assert all("interpretation" in room["features"] for room in interpreted.json["rooms"])
    assert client.get("/api/v1/meetings?status=tentative,nonsense").status_code == 422


def test_pending_requests_say_what_they_collide_with(client, officer, mission):
    request = book(
        client, mission, title="Bilateral", kind="bilateral", start="2017-06-19T10:00", end="2017-06-19T11:00"
    )
    assert client.get("/api/v1/meetings?status=requested", headers=officer).json[0]["conflicts"] == []
    book(client, officer, title="Plenary", start="2017-06-19T09:00", end="2017-06-19T12:00")
    [pending] = client.get("/api/v1/meetings?status=requested", headers=officer).json
    assert [c["title"] for c in pending["conflicts"]] == ["Plenary"]
    alone = client.get(f"/api/v1/meetings/{request['id']}", headers=mission).json
    assert [c["type"] for c in alone["conflicts"]] == ["meeting"]


def test_an_empty_list_value_is_refused_not_ignored(client, officer):
    assert client.get("/api/v1/meetings?status=", headers=officer).status_code == 422
    assert client.get("/api/v1/meetings?kind=briefing,,plenary", headers=officer).status_code == 422


def test_a_missing_time_is_told_with_the_fields_errors(client, officer):
    answer = client.post("/api/v1/meetings", json={"title": "", "kind": "briefing", "room": "ECOSOC"}, headers=officer)
    assert answer.json["errors"]["json"] == {
        "title": ["Give a title"],
        "start": ["Give start and end, or date and slot"],
    }
    malformed = client.post("/api/v1/meetings", json=meeting(start="soon"), headers=officer)
    assert malformed.json["errors"]["json"] == {
        "start": ["Not a date-time: use RFC 3339 (2017-06-16T10:00:00-04:00) or local 2017-06-16T10:00"]
    }
