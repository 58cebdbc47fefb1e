"""Meetings over HTTP: times and zones, changes with If-Match, cancel and postpone, history, lists."""

import pytest

from .helpers import TRAFFICKING_PROCESS, book, meeting


def field_errors(response) -> dict:
    assert response.status_code == 422, response.json
    return response.json["errors"]["json"]


# --- times ----------------------------------------------------------------------------


def test_offset_input_is_kept_as_that_moment_and_shown_in_venue_time(client, officer):
    created = book(client, officer, start="2017-06-19T14:00:00Z", end="2017-06-19T11:00:00-05:00")
    assert created["start"] == "2017-06-19T10:00:00-04:00"
    assert created["end"] == "2017-06-19T12:00:00-04:00"
    assert created["start_utc"] == "2017-06-19T14:00:00+00:00"


def test_local_input_is_read_in_the_venue_zone_winter_and_summer(client, officer):
    winter = book(client, officer, start="2017-01-16T10:00", end="2017-01-16T12:00")
    assert winter["start"] == "2017-01-16T10:00:00-05:00"
    assert winter["start_utc"] == "2017-01-16T15:00:00+00:00"
    summer = book(client, officer, start="2017-07-17T10:00", end="2017-07-17T12:00")
    assert summer["start_utc"] == "2017-07-17T14:00:00+00:00"


def test_a_local_time_in_the_spring_gap_is_refused_naming_the_field(client, officer):
    errors = field_errors(
        client.post("/api/v1/meetings", headers=officer, json=meeting(start="2017-03-12T02:30", end="2017-03-12T04:00"))
    )
    assert "does not exist" in errors["start"][0]
    assert "end" not in errors


def test_an_ambiguous_local_time_in_the_autumn_fold_is_refused_but_an_offset_settles_it(client, officer):
    errors = field_errors(
        client.post("/api/v1/meetings", headers=officer, json=meeting(start="2017-11-05T00:30", end="2017-11-05T01:30"))
    )
    assert "happens twice" in errors["end"][0]
    created = book(client, officer, start="2017-11-05T00:30", end="2017-11-05T01:30-05:00")
    assert created["end_utc"] == "2017-11-05T06:30:00+00:00"


def test_date_and_slot(client, officer):
    created = book(client, officer, start=None, end=None, date="2017-06-16", slot="afternoon")
    assert (created["start"], created["end"]) == ("2017-06-16T15:00:00-04:00", "2017-06-16T18:00:00-04:00")
    assert [w["code"] for w in created["warnings"]] == ["in_the_past"]  # 2017


@pytest.mark.parametrize(
    "body, field",
    [
        ({"start": None, "end": None, "date": "2017-06-16", "slot": "evening"}, "slot"),
        ({"start": None, "end": None, "date": "2017-06-16"}, "slot"),
        ({"date": "2017-06-16", "slot": "morning"}, "date"),
        ({"end": None}, "end"),
        ({"start": None, "end": None}, "start"),
        ({"start": "2017-06-19T12:00", "end": "2017-06-19T10:00"}, "end"),
        ({"start": "2017-06-19T12:00", "end": "2017-06-19T12:00"}, "end"),
        ({"start": "2017-06-19T10:00", "end": "2017-06-20T10:01"}, "end"),
        ({"start": "16/06/2017 10:00"}, "start"),
        ({"start": "2017-06-19T10:00+25:00"}, "start"),
        ({"start": 1497621600}, "start"),
        ({"room": "NOWHERE"}, "room"),
        ({"process": "no-such-process"}, "process"),
        ({"kind": "party"}, "kind"),
        ({"expected_participants": "5"}, "expected_participants"),
        ({"languages": ["en", "en"]}, "languages"),
        ({"languages": ["de"]}, "languages"),
        ({"status": "cancelled"}, "status"),
        ({"colour": "blue"}, "colour"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_books_nothing(client, officer, body, field):
    errors = field_errors(client.post("/api/v1/meetings", headers=officer, json=meeting(**body)))
    assert field in errors
    assert client.get("/api/v1/meetings", headers=officer).json == []


def test_not_json_is_refused_cleanly(client, officer):
    response = client.post("/api/v1/meetings", data="title=x", headers={**officer, "Content-Type": "text/plain"})
    assert 400 <= response.status_code < 500
    response = client.post("/api/v1/meetings", data="{", headers={**officer, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500 and response.json["code"] == response.status_code


# --- access ---------------------------------------------------------------------------


def test_writes_need_an_officer_token(client, viewer):
    assert client.post("/api/v1/meetings", json=meeting()).status_code == 401
    assert client.post("/api/v1/meetings", json=meeting(), headers=viewer).status_code == 403
    assert client.post("/api/v1/meetings", json=meeting(), headers={"Authorization": "Bearer nope"}).status_code == 401


def test_anonymous_callers_see_public_meetings_only(client, officer):
    public = book(client, officer, visibility="public")
    hidden = book(client, officer, visibility="missions", start="2017-06-19T15:00", end="2017-06-19T16:00")
    closed = book(client, officer, visibility="closed", start="2017-06-19T16:00", end="2017-06-19T17:00")
    assert [m["id"] for m in client.get("/api/v1/meetings").json] == [public["id"]]
    assert client.get(f"/api/v1/meetings/{hidden['id']}").status_code == 404
    assert client.get(f"/api/v1/meetings/{closed['id']}/history").status_code == 404
    assert client.get(f"/api/v1/meetings/{public['id']}").json["notes"] is None
    staff = client.get("/api/v1/meetings", headers=officer).json
    assert [m["id"] for m in staff] == [public["id"], hidden["id"], closed["id"]]


# --- changes --------------------------------------------------------------------------


def test_patch_honours_if_match(client, officer):
    created = book(client, officer)
    response = client.get(f"/api/v1/meetings/{created['id']}", headers=officer)
    etag = response.headers["ETag"]
    changed = client.patch(
        f"/api/v1/meetings/{created['id']}",
        json={"title": "Briefing by the Secretariat"},
        headers={**officer, "If-Match": etag},
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    stale = client.patch(
        f"/api/v1/meetings/{created['id']}", json={"title": "Lost update"}, headers={**officer, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert (
        client.get(f"/api/v1/meetings/{created['id']}", headers=officer).json["title"] == "Briefing by the Secretariat"
    )
    anything = client.patch(
        f"/api/v1/meetings/{created['id']}", json={"title": "Final"}, headers={**officer, "If-Match": "*"}
    )
    assert anything.status_code == 200


def test_visible_changes_bump_the_sequence_and_every_change_the_version(client, officer):
    created = book(client, officer)
    url = f"/api/v1/meetings/{created['id']}"
    noted = client.patch(url, json={"notes": "Coffee at 09:45"}, headers=officer).json
    assert (noted["sequence"], noted["version"]) == (0, 2)
    moved = client.patch(url, json={"start": "2017-06-19T11:00", "end": "2017-06-19T13:00"}, headers=officer).json
    assert (moved["sequence"], moved["version"]) == (1, 3)
    same = client.patch(url, json={"start": "2017-06-19T11:00"}, headers=officer).json
    assert (same["sequence"], same["version"]) == (1, 3)
    renamed = client.patch(url, json={"title": "Renamed"}, headers=officer).json
    assert renamed["sequence"] == 2


def test_moving_onto_a_held_room_is_refused_and_changes_nothing(client, officer):
    first = book(client, officer)
    second = book(client, officer, start="2017-06-19T15:00", end="2017-06-19T17:00")
    response = client.patch(
        f"/api/v1/meetings/{second['id']}",
        json={"start": "2017-06-19T11:00", "end": "2017-06-19T13:00"},
        headers=officer,
    )
    assert response.status_code == 409
    assert response.json["conflicts"][0]["meeting_id"] == first["id"]
    unchanged = client.get(f"/api/v1/meetings/{second['id']}", headers=officer).json
    assert unchanged["start"] == "2017-06-19T15:00:00-04:00" and unchanged["version"] == 1
    other_room = client.patch(
        f"/api/v1/meetings/{second['id']}",
        json={"room": "CR-1", "start": "2017-06-19T11:00", "end": "2017-06-19T13:00"},
        headers=officer,
    )
    assert other_room.status_code == 200 and other_room.json["room"] == "CR-1"


def test_a_meeting_can_be_moved_within_its_own_time(client, officer):
    created = book(client, officer)
    response = client.patch(f"/api/v1/meetings/{created['id']}", json={"end": "2017-06-19T12:30"}, headers=officer)
    assert response.status_code == 200 and response.json["end"] == "2017-06-19T12:30:00-04:00"


def test_cancel_releases_the_room_and_keeps_the_meeting(client, officer):
    created = book(client, officer)
    url = f"/api/v1/meetings/{created['id']}"
    assert "reason" in field_errors(client.post(f"{url}/cancel", json={}, headers=officer))
    cancelled = client.post(f"{url}/cancel", json={"reason": "The co-facilitators withdrew"}, headers=officer)
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["status_reason"] == "The co-facilitators withdrew"
    assert cancelled.json["sequence"] == 1
    book(client, officer, title="In its place")
    assert client.patch(url, json={"title": "Back"}, headers=officer).status_code == 409
    statuses = [m["status"] for m in client.get("/api/v1/meetings", headers=officer).json]
    assert sorted(statuses) == ["cancelled", "confirmed"]


def test_postpone_releases_the_room_until_rescheduled(client, officer):
    created = book(client, officer)
    url = f"/api/v1/meetings/{created['id']}"
    postponed = client.post(f"{url}/postpone", json={"reason": "Awaiting the draft"}, headers=officer)
    assert postponed.json["status"] == "postponed"
    book(client, officer, title="Took the slot")
    refused = client.patch(url, json={"status": "confirmed"}, headers=officer)
    assert refused.status_code == 409
    rebooked = client.patch(url, json={"status": "confirmed", "date": "2017-06-20", "slot": "morning"}, headers=officer)
    assert rebooked.status_code == 200, rebooked.json
    assert (rebooked.json["status"], rebooked.json["start"]) == ("confirmed", "2017-06-20T10:00:00-04:00")


def test_history_records_who_changed_what(client, officer, admin):
    created = book(client, officer)
    url = f"/api/v1/meetings/{created['id']}"
    client.patch(url, json={"title": "Renamed", "notes": "internal"}, headers=admin)
    client.post(f"{url}/cancel", json={"reason": "No quorum"}, headers=officer)
    history = client.get(f"{url}/history", headers=officer).json
    assert [entry["action"] for entry in history] == ["created", "updated", "cancelled"]
    assert history[0]["actor"] == "Meetings Management Section (officer)"
    assert history[0]["changes"]["start"] == [None, "2017-06-19T10:00:00-04:00"]
    assert history[1]["actor"] == "Administrator (admin)"
    assert history[1]["changes"] == {"title": ["Briefing", "Renamed"], "notes": ["", "internal"]}
    assert history[2]["changes"] == {"status": ["confirmed", "cancelled"]} and history[2]["reason"] == "No quorum"
    public_history = client.get(f"{url}/history").json
    assert all("notes" not in entry["changes"] for entry in public_history)


def test_unknown_meetings_are_404(client, officer):
    assert client.get("/api/v1/meetings/999").status_code == 404
    assert client.patch("/api/v1/meetings/999", json={"title": "x"}, headers=officer).status_code == 404
    assert client.post("/api/v1/meetings/999/cancel", json={"reason": "x"}, headers=officer).status_code == 404


# --- lists ----------------------------------------------------------------------------


def test_lists_filter_and_paginate(client, officer):
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    a = book(client, officer, title="A", process="trafficking-in-persons-declaration", kind="informal_consultations")
    b = book(client, officer, title="B", room="CR-4", body="Economic and Social Council", kind="plenary")
    c = book(client, officer, title="C", start="2017-06-21T10:00", end="2017-06-21T11:00")
    client.post(f"/api/v1/meetings/{c['id']}/cancel", json={"reason": "x"}, headers=officer)

    def ids(query):
        response = client.get(f"/api/v1/meetings?{query}", headers=officer)
        assert response.status_code == 200, response.json
        return [m["id"] for m in response.json]

    assert ids("room=ECOSOC") == [a["id"], c["id"]]
    assert ids("room=ecosoc") == [a["id"], c["id"]]
    assert ids("body=General Assembly") == [a["id"]]
    assert ids("body=economic-and-social-council") == [b["id"]]
    assert ids("process=trafficking-in-persons-declaration") == [a["id"]]
    assert ids("status=cancelled") == [c["id"]]
    assert ids("status=confirmed&status=cancelled") == [a["id"], b["id"], c["id"]]
    assert ids("kind=plenary") == [b["id"]]
    assert ids("from=2017-06-20T00:00&venue=UNHQ") == [c["id"]]
    assert ids("to=2017-06-19T23:59:59-04:00") == [a["id"], b["id"]]
    assert ids("from=2017-06-19T11:30:00Z&to=2017-06-19T14:30:00Z") == [a["id"], b["id"]]
    assert ids("from=2017-06-19T15:00:00Z") == [a["id"], b["id"], c["id"]]
    assert ids("from=2017-06-19T16:00:00Z") == [c["id"]]

    page = client.get("/api/v1/meetings?page_size=2&page=2", headers=officer)
    assert [m["id"] for m in page.json] == [c["id"]]
    assert '"total": 3' in page.headers["X-Pagination"]
    assert client.get("/api/v1/meetings?status=gone").status_code == 422
    assert client.get("/api/v1/meetings?from=yesterday").status_code == 422


def test_a_long_body_name_in_any_script_is_stored_and_found(client, officer):
    body = "中" * 100
    created = book(client, officer, body=body)
    assert created["body"] == body
    found = client.get("/api/v1/meetings", query_string={"body": body}, headers=officer).json
    assert [m["id"] for m in found] == [created["id"]]


def test_a_bad_token_is_refused_even_on_public_reads(client):
    response = client.get("/api/v1/rooms", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_history_hides_what_a_meeting_was_while_the_caller_could_not_see_it(client, officer, mission):
    created = book(client, officer, title="Secret talks", visibility="closed")
    url = f"/api/v1/meetings/{created['id']}"
    client.patch(url, json={"title": "Talks (renamed while closed)"}, headers=officer)
    client.patch(url, json={"title": "Open consultations", "visibility": "public"}, headers=officer)
    client.patch(url, json={"start": "2017-06-19T11:00"}, headers=officer)

    for headers in ({}, mission):
        history = client.get(f"{url}/history", headers=headers).json
        assert [entry["action"] for entry in history] == ["updated", "updated"]
        assert history[0]["changes"]["title"] == [None, "Open consultations"]
        assert history[0]["changes"]["visibility"] == [None, "public"]
        assert history[1]["changes"]["start"] == ["2017-06-19T10:00:00-04:00", "2017-06-19T11:00:00-04:00"]
        assert "Secret talks" not in str(history) and "renamed while closed" not in str(history)
    assert len(client.get(f"{url}/history", headers=officer).json) == 4


def test_local_list_bounds_are_read_in_the_default_venues_zone_unless_another_is_named(client, officer, admin):
    # The default data has several venues: DEFAULT_VENUE (UNHQ) gives the zone.
    book(client, officer, start="2017-06-16T19:30", end="2017-06-16T21:00")  # 01:30 the next day in Geneva
    in_new_york = client.get("/api/v1/meetings?from=2017-06-16T00:00&to=2017-06-17T00:00").json
    assert len(in_new_york) == 1
    assert client.get("/api/v1/meetings?from=2017-06-17T00:00&venue=UNHQ").json == []
    assert client.get("/api/v1/meetings?from=2017-06-16T00:00&venue=UNOG").status_code == 200
    assert client.get("/api/v1/meetings?from=2017-06-16T00:00-04:00").status_code == 200
    assert client.get("/api/v1/meetings", query_string={"body": " "}).status_code == 422
