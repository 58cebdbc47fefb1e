"""A meeting's lifecycle through the API and the pages: which action may follow which status
(scheduler/meetings/lifecycle.py), rescheduling a postponed meeting, a new start alone, a series
cancelled as one."""

from sqlalchemy import update

from scheduler.extensions import db
from scheduler.meetings import service as meetings_service
from scheduler.meetings.models import Meeting

from .helpers import book
from .test_series import create as create_series
from .test_web import csrf_of, meeting_form, sign_in, text_of


def request_of(client, mission, **values) -> dict:
    return book(client, mission, title="Bilateral", kind="bilateral", start="2017-06-20T10:00", end="2017-06-20T11:00")


def test_a_request_becomes_a_meeting_only_by_approval(client, officer, mission):
    request = request_of(client, mission)
    url = f"/api/v1/meetings/{request['id']}"
    for action in ("postpone", "cancel"):
        refused = client.post(f"{url}/{action}", json={"reason": "Not now"}, headers=officer)
        assert refused.status_code == 409, refused.json
        assert "decided with POST .../approve or .../reject" in refused.json["message"]
    assert client.patch(url, json={"status": "confirmed"}, headers=officer).status_code == 409
    assert client.post(f"{url}/withdraw", json={}, headers=officer).status_code == 403
    assert client.get(url, headers=officer).json["status"] == "requested"

    approved = client.post(f"{url}/approve", json={"status": "tentative"}, headers=officer)
    assert approved.status_code == 200 and approved.json["status"] == "tentative"
    assert [e["action"] for e in client.get(f"{url}/history", headers=officer).json] == ["created", "approved"]
    assert client.post(f"{url}/withdraw", json={}, headers=mission).status_code == 409  # a meeting now


def test_new_times_on_a_postponed_meeting_book_it_again(client, officer):
    meeting = book(client, officer, start="2017-06-19T10:00", end="2017-06-19T12:00")
    url = f"/api/v1/meetings/{meeting['id']}"
    client.post(f"{url}/postpone", json={"reason": "Waiting for the draft"}, headers=officer)
    book(client, officer, title="In the way", start="2017-06-21T10:00", end="2017-06-21T11:00")
    collides = client.patch(url, json={"start": "2017-06-21T10:30", "end": "2017-06-21T12:00"}, headers=officer)
    assert collides.status_code == 409
    assert client.get(url).json["status"] == "postponed"

    renamed = client.patch(url, json={"title": "Briefing (revised)"}, headers=officer).json
    assert (renamed["status"], renamed["status_reason"]) == ("postponed", "Waiting for the draft")

    rescheduled = client.patch(url, json={"start": "2017-06-22T15:00", "end": "2017-06-22T17:00"}, headers=officer)
    assert rescheduled.status_code == 200, rescheduled.json
    assert (rescheduled.json["status"], rescheduled.json["status_reason"]) == ("confirmed", "")
    last = client.get(f"{url}/history", headers=officer).json[-1]
    assert last["action"] == "rescheduled"
    assert last["changes"]["status"] == ["postponed", "confirmed"]
    assert last["changes"]["start"][1] == "2017-06-22T15:00:00-04:00"
    taken = client.post(
        "/api/v1/meetings",
        headers=officer,
        json={
            "title": "Late",
            "kind": "briefing",
            "room": "ECOSOC",
            "start": "2017-06-22T16:00",
            "end": "2017-06-22T18:00",
        },
    )
    assert taken.status_code == 409  # the room is held again


def test_a_postponed_meeting_rescheduled_as_tentative(client, officer):
    meeting = book(client, officer)
    url = f"/api/v1/meetings/{meeting['id']}"
    client.post(f"{url}/postpone", json={"reason": "Later"}, headers=officer)
    again = client.patch(url, json={"date": "2017-06-23", "slot": "afternoon", "status": "tentative"}, headers=officer)
    assert again.status_code == 200 and again.json["status"] == "tentative"
    cancelled = client.post(f"{url}/cancel", json={"reason": "Called off"}, headers=officer).json
    assert cancelled["status"] == "cancelled"
    final = client.patch(url, json={"start": "2017-06-26T10:00", "end": "2017-06-26T11:00"}, headers=officer)
    assert final.status_code == 409 and "book a new meeting" in final.json["message"]


def test_a_new_start_alone_keeps_the_meeting_length(client, officer):
    meeting = book(client, officer, start="2017-06-19T10:00", end="2017-06-19T11:30")
    moved = client.patch(f"/api/v1/meetings/{meeting['id']}", json={"start": "2017-06-19T15:00"}, headers=officer)
    assert moved.status_code == 200, moved.json
    assert (moved.json["start"], moved.json["end"]) == ("2017-06-19T15:00:00-04:00", "2017-06-19T16:30:00-04:00")


def test_the_form_moves_a_meeting_by_its_start_and_keeps_its_length(client, officer, officer_token):
    meeting = book(client, officer, start="2017-06-19T10:00", end="2017-06-19T11:30")
    sign_in(client, officer_token)
    url = f"/console/meetings/{meeting['id']}"
    was = {"was_date": "2017-06-19", "was_start": "10:00", "was_end": "11:30"}
    form = meeting_form(client, url=url, start="15:00", end="11:30", version="1", **was)
    assert client.post(url, data=form).status_code == 303
    after = client.get(f"/api/v1/meetings/{meeting['id']}").json
    assert (after["start"], after["end"]) == ("2017-06-19T15:00:00-04:00", "2017-06-19T16:30:00-04:00")


def test_a_meeting_page_offers_only_what_its_status_allows(client, officer, mission, officer_token):
    request = request_of(client, mission)
    booked = book(client, officer, start="2017-06-19T10:00", end="2017-06-19T11:00")
    sign_in(client, officer_token)
    request_page = text_of(client.get(f"/console/meetings/{request['id']}").text)
    assert "Approve" in request_page and "Reject" in request_page
    assert "Cancel the meeting" not in request_page and "Postpone" not in request_page

    page = client.get(f"/console/meetings/{booked['id']}")
    assert f"/console/meetings/{booked['id']}/postpone" in page.text and "Approve" not in text_of(page.text)
    client.post(
        f"/console/meetings/{booked['id']}/postpone",
        data={"csrf_token": csrf_of(page.text), "reason": "Later", "version": "1"},
    )
    postponed = client.get(f"/console/meetings/{booked['id']}").text
    assert "Cancel the meeting" in postponed and f"/console/meetings/{booked['id']}/postpone" not in postponed

    approved = client.post(
        f"/console/requests/{request['id']}/approve",
        data={"csrf_token": csrf_of(page.text), "status": "confirmed", "version": "1"},
    )
    assert approved.status_code == 303
    assert client.get(f"/api/v1/meetings/{request['id']}", headers=officer).json["status"] == "confirmed"


def test_cancelling_a_series_from_an_occurrence_is_all_or_nothing(client, officer, monkeypatch):
    series = create_series(client, officer, **{"from": "2027-03-01", "count": 4}).json
    recorded, record = [], meetings_service._record

    def fails_at_the_third(meeting, *args, **kwargs):
        recorded.append(meeting.id)
        if len(recorded) == 3:
            raise RuntimeError("the database went away")
        return record(meeting, *args, **kwargs)

    monkeypatch.setattr(meetings_service, "_record", fails_at_the_third)
    failed = client.post(f"/api/v1/series/{series['id']}/cancel", json={"reason": "Concluded"}, headers=officer)
    assert failed.status_code == 500 and len(recorded) == 3
    monkeypatch.setattr(meetings_service, "_record", record)
    statuses = [m["status"] for m in client.get(f"/api/v1/series/{series['id']}").json["meetings"]]
    assert statuses == ["confirmed"] * 4


def test_a_status_alone_books_a_postponed_meeting_again_and_clears_its_reason(client, officer):
    meeting = book(client, officer, start="2030-06-19T10:00", end="2030-06-19T11:00")
    url = f"/api/v1/meetings/{meeting['id']}"
    client.post(f"{url}/postpone", json={"reason": "Facilitators unavailable"}, headers=officer)
    again = client.patch(url, json={"status": "tentative"}, headers=officer).json
    assert (again["status"], again["status_reason"]) == ("tentative", "")
    assert client.get(f"{url}/history", headers=officer).json[-1]["action"] == "rescheduled"


def test_a_request_never_approved_stays_a_request_whatever_an_older_release_stored(client, officer, mission, app):
    request = request_of(client, mission)
    with app.app_context():  # as a release before the lifecycle let it happen: a postponed request
        db.session.execute(update(Meeting).where(Meeting.id == request["id"]).values(status="postponed"))
        db.session.commit()  # into the test's transaction, rolled back at its end
    url = f"/api/v1/meetings/{request['id']}"
    assert client.get(url, headers=officer).json["status"] == "postponed"
    refused = client.patch(url, json={"status": "confirmed"}, headers=officer)
    assert refused.status_code == 409 and "decided with POST .../approve" in refused.json["message"]
    approved = client.post(f"{url}/approve", json={}, headers=officer)
    assert approved.status_code == 200 and approved.json["status"] == "confirmed"
