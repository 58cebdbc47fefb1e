"""Missions: requests, invitations, private feeds, rate limits; and that nothing of a closed
meeting reaches anyone who may not see it."""

import json

import pytest

from scheduler.extensions import limiter

from .conftest import bearer, make_token
from .feed_readers import read_everywhere
from .helpers import FIRST_INFORMAL_MEETING, TRAFFICKING_PROCESS, book, meeting


@pytest.fixture
def other_mission(app):
    return bearer(make_token(app, "mission", "Permanent Mission of Qatar", mission="QAT"))


def subscribe(client, headers, **filters) -> dict:
    response = client.post("/api/v1/subscriptions", json={"name": "All I may see", **filters}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def feed_path(subscription: dict) -> str:
    return subscription["feed_url"].replace("http://localhost", "")


# --- missions -------------------------------------------------------------------------


def test_officers_manage_missions(client, officer, mission):
    created = client.post(
        "/api/v1/missions", json={"code": "NOR", "name": "Permanent Mission of Norway"}, headers=officer
    )
    assert created.status_code == 201 and created.json == {
        "code": "NOR",
        "name": "Permanent Mission of Norway",
        "emails": [],  # shown to the officer who made it
        "daily_programme": False,
    }
    assert client.post("/api/v1/missions", json={"code": "NOR", "name": "Again"}, headers=officer).status_code == 409
    assert client.post("/api/v1/missions", json={"code": "FRA", "name": "France"}, headers=mission).status_code == 403
    assert client.patch("/api/v1/missions/nor", json={"name": "Norway"}, headers=officer).json["name"] == "Norway"
    assert [m["code"] for m in client.get("/api/v1/missions").json] == ["BEL", "NOR"]
    assert client.get("/api/v1/missions/XXX").status_code == 404


# --- requests -------------------------------------------------------------------------


def test_a_request_holds_no_room_and_says_what_it_would_meet(client, officer, mission):
    first = book(client, officer)
    request = client.post(
        "/api/v1/meetings",
        json=meeting(title="Our side event", start="2017-06-19T11:00", status="confirmed"),
        headers=mission,
    )
    assert request.status_code == 201, request.json
    body = request.json
    assert (body["status"], body["requested_by"]) == ("requested", "BEL")
    assert body["conflicts"][0]["meeting_id"] == first["id"]
    assert body["alternatives"]["rooms"] and body["alternatives"]["times"]
    free = client.post(
        "/api/v1/meetings",
        json=meeting(title="Free", start="2017-06-20T10:00", end="2017-06-20T12:00"),
        headers=mission,
    )
    assert free.status_code == 201, free.json
    assert free.json["conflicts"] == [] and free.json["alternatives"] is None
    # It holds nothing: an officer can still book the time the request asked for.
    book(client, officer, title="Officer's", start="2017-06-20T10:00", end="2017-06-20T12:00")


def test_the_request_cycle_with_history(client, officer, mission, other_mission):
    request = book(
        client,
        mission,
        title="Bilateral",
        kind="bilateral",
        visibility="closed",
        start="2017-06-20T10:00",
        end="2017-06-20T11:00",
    )
    url = f"/api/v1/meetings/{request['id']}"
    assert client.get(url, headers=mission).status_code == 200  # its own request, though closed
    assert client.get(url, headers=other_mission).status_code == 404
    assert client.get(url).status_code == 404
    pending = client.get("/api/v1/meetings?status=requested", headers=officer).json
    assert [m["id"] for m in pending] == [request["id"]]
    assert client.post(f"{url}/approve", json={}, headers=mission).status_code == 403
    assert client.post(f"{url}/withdraw", json={}, headers=other_mission).status_code == 404

    approved = client.post(f"{url}/approve", json={"status": "confirmed"}, headers=officer)
    assert approved.status_code == 200 and approved.json["status"] == "confirmed"
    assert client.post(f"{url}/approve", json={}, headers=officer).status_code == 409  # no longer pending
    assert client.get(url, headers=mission).status_code == 200  # the mission still sees its meeting
    history = client.get(f"{url}/history", headers=officer).json
    assert [(e["action"], e["actor"]) for e in history] == [
        ("created", "Permanent Mission of Belgium (mission)"),
        ("approved", "Meetings Management Section (officer)"),
    ]

    second = book(client, mission, title="Another", start="2017-06-21T10:00", end="2017-06-21T11:00")
    withdrawn = client.post(f"/api/v1/meetings/{second['id']}/withdraw", json={}, headers=mission)
    assert (withdrawn.json["status"], withdrawn.json["status_reason"]) == ("withdrawn", "Withdrawn by the mission")
    third = book(client, mission, title="Third", start="2017-06-22T10:00", end="2017-06-22T11:00")
    rejected = client.post(
        f"/api/v1/meetings/{third['id']}/reject", json={"reason": "Room under repair"}, headers=officer
    )
    assert rejected.json["status_reason"] == "Room under repair"
    assert [e["action"] for e in client.get(f"/api/v1/meetings/{third['id']}/history", headers=mission).json] == [
        "created",
        "rejected",
    ]


def test_the_first_story_with_access(client, officer, mission, other_mission):
    """The co-facilitators' meeting is visible to all missions, not in the public feed; a
    mission's private feed shows it; a mission's request for ECOSOC at 11:00 is answered with
    the conflict and alternatives; an officer's approval after the room is taken gives 409."""
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    request = book(
        client,
        other_mission,
        title="Qatar's briefing",
        kind="briefing",
        room="ECOSOC",
        start="2017-06-16T10:00",
        end="2017-06-16T11:00",
    )
    first = book(client, officer, **FIRST_INFORMAL_MEETING)
    for headers in (mission, other_mission):
        assert client.get(f"/api/v1/meetings/{first['id']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/meetings/{first['id']}").status_code == 404

    later = book(
        client,
        mission,
        title="Belgium's consultations",
        room="ECOSOC",
        start="2017-06-16T11:00",
        end="2017-06-16T12:00",
    )
    assert later["conflicts"][0]["title"] == "First informal meeting"
    assert later["alternatives"]["times"][0]["start"] == "2017-06-16T12:00:00-04:00"

    refused = client.post(f"/api/v1/meetings/{request['id']}/approve", json={}, headers=officer)
    assert refused.status_code == 409 and refused.json["conflicts"][0]["meeting_id"] == first["id"]
    assert client.get(f"/api/v1/meetings/{request['id']}", headers=officer).json["status"] == "requested"


def test_private_feed_shows_what_the_mission_may_see(app, client, officer, mission, monkeypatch):
    monkeypatch.setitem(app.config, "FEED_PAST_DAYS", 365 * 20)
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    first = book(client, officer, **FIRST_INFORMAL_MEETING)
    public = book(client, officer, title="Public", start="2017-06-19T10:00")
    assert b"First informal meeting" not in client.get("/feeds/all.ics").data
    subscription = subscribe(client, mission)
    assert subscription["webcal_url"].startswith("webcal://localhost/feeds/subscriptions/")
    secret = feed_path(subscription).rsplit("/", 1)[1][: -len(".ics")]
    assert len(secret) >= 22 and len(subscription["feed_url"]) < 256  # 256 random bits, a short URL
    response = client.get(feed_path(subscription))
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private")
    events = read_everywhere(response.data)["ical.js"]
    assert sorted(events) == sorted(f"meeting-{m['id']}@scheduler.invalid" for m in (first, public))

    narrowed = subscribe(client, mission, processes=["trafficking-in-persons-declaration"])
    assert list(read_everywhere(client.get(feed_path(narrowed)).data)["vobject"]) == [
        f"meeting-{first['id']}@scheduler.invalid"
    ]
    listed = client.get("/api/v1/subscriptions", headers=mission).json
    assert [s["id"] for s in listed] == [subscription["id"], narrowed["id"]]
    assert all(s["feed_url"] is None for s in listed)  # the secret is shown once only

    assert client.delete(f"/api/v1/subscriptions/{subscription['id']}", headers=mission).status_code == 204
    assert client.get(feed_path(subscription)).status_code == 404
    assert client.get("/feeds/subscriptions/not-a-real-token.ics").status_code == 404


def test_subscriptions_belong_to_missions_and_name_real_things(client, officer, mission, other_mission):
    assert client.post("/api/v1/subscriptions", json={"name": "x"}, headers=officer).status_code == 403
    assert client.post("/api/v1/subscriptions", json={"name": "x"}).status_code == 401
    bad = client.post(
        "/api/v1/subscriptions", json={"name": "x", "rooms": ["NOWHERE"], "kinds": ["party"]}, headers=mission
    )
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]) == {"rooms", "kinds"}
    mine = subscribe(client, mission)
    assert client.delete(f"/api/v1/subscriptions/{mine['id']}", headers=other_mission).status_code == 404
    assert client.get("/api/v1/subscriptions", headers=other_mission).json == []


# --- closed meetings never leak -------------------------------------------------------

SECRET_TITLE = "Closed consultations on the secret draft"
SECRET_ORGANIZER = "H.E. Ms. Secret Organizer"
SECRET_DESCRIPTION = "The confidential agenda"


def test_nothing_of_a_closed_meeting_reaches_those_not_invited(
    app, client, officer, admin, viewer, mission, other_mission, monkeypatch
):
    """Every read path × every kind of caller: the closed meeting's title, organizers and
    description appear only for staff and the invited mission."""
    monkeypatch.setitem(app.config, "FEED_PAST_DAYS", 365 * 20)
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    closed = book(
        client,
        officer,
        title=SECRET_TITLE,
        organizers=[SECRET_ORGANIZER],
        description=SECRET_DESCRIPTION,
        visibility="closed",
        invited_missions=["QAT"],
        process="trafficking-in-persons-declaration",
        body="General Assembly",
        start="2017-06-19T10:00",
        end="2017-06-19T12:00",
    )
    client.patch(f"/api/v1/meetings/{closed['id']}", json={"title": SECRET_TITLE + " (rev. 1)"}, headers=officer)
    secrets_of_it = (SECRET_TITLE, SECRET_ORGANIZER, SECRET_DESCRIPTION)
    subscriptions = {
        name: feed_path(subscribe(client, headers))
        for name, headers in (("invited", other_mission), ("not invited", mission))
    }
    callers = {
        "anonymous": {},
        "viewer": viewer,
        "mission not invited": mission,
        "mission invited": other_mission,
        "officer": officer,
        "admin": admin,
    }
    may_see = {"viewer", "mission invited", "officer", "admin"}

    for name, headers in callers.items():

        def text_of(response):
            return response.get_data(as_text=True)

        answers = [
            client.get("/api/v1/meetings", headers=headers),
            client.get(f"/api/v1/meetings/{closed['id']}", headers=headers),
            client.get(f"/api/v1/meetings/{closed['id']}/history", headers=headers),
            client.get("/api/v1/meetings?status=confirmed&room=ECOSOC", headers=headers),
        ]
        if name in ("mission not invited", "mission invited"):
            # A request of the same room and time: the collision is named only to those who may see it.
            answers.append(client.post("/api/v1/meetings", json=meeting(start="2017-06-19T11:00"), headers=headers))
            answers.append(
                client.post("/api/v1/meetings/check", json=meeting(start="2017-06-19T11:00"), headers=headers)
            )
        seen = " ".join(text_of(response) for response in answers)
        for secret in secrets_of_it:
            assert (secret in seen) == (name in may_see), (name, secret)
        if name == "mission not invited":
            assert '"title": "Reserved"' in seen or '"title":"Reserved"' in seen

    for feed in (
        "/feeds/all.ics",
        "/feeds/rooms/ECOSOC.ics",
        "/feeds/bodies/general-assembly.ics",
        "/feeds/processes/trafficking-in-persons-declaration.ics",
        "/feeds/rooms/ECOSOC.vfb",
        subscriptions["not invited"],
    ):
        body = client.get(feed).get_data(as_text=True).replace("\r\n ", "")
        assert not any(secret[:30] in body for secret in secrets_of_it), feed
    invited_feed = client.get(subscriptions["invited"]).get_data(as_text=True).replace("\r\n ", "")
    assert SECRET_TITLE[:30] in invited_feed


# --- abuse limits ---------------------------------------------------------------------


@pytest.fixture
def low_limits(app, monkeypatch):
    """The limits are read per request: lowered here, counted afresh."""
    monkeypatch.setitem(app.config, "RATELIMIT_FEED_MISSES", "3 per minute")
    monkeypatch.setitem(app.config, "RATELIMIT_WRITES", "2 per minute")
    limiter.reset()
    yield
    limiter.reset()


def test_guessing_feed_tokens_is_rate_limited(low_limits, client, mission):
    subscription = subscribe(client, mission)
    statuses = [client.get(feed_path(subscription)).status_code for _ in range(5)]  # hits do not count
    statuses += [client.get(f"/feeds/subscriptions/guess-{n}.ics").status_code for n in range(4)]
    assert statuses == [200] * 5 + [404, 404, 404, 429]  # then this address's misses are refused for a while
    refused = client.get("/feeds/subscriptions/guess-5.ics")
    assert refused.status_code == 429 and refused.json["code"] == 429 and refused.headers["Retry-After"]
    # A valid token is still served: bogus addresses from a shared calendar service lock out no real feed.
    assert client.get(feed_path(subscription)).status_code == 200


def test_a_token_is_one_writer_however_its_header_is_spelled(low_limits, client, officer):
    token = officer["Authorization"].removeprefix("Bearer ")
    spellings = [f"Bearer  {token}", f"bearer {token}", f"BEARER {token}", f" Bearer {token} "]
    codes = [
        client.post(
            "/api/v1/missions", json={"code": f"S{n}", "name": f"Mission {n}"}, headers={"Authorization": spelling}
        ).status_code
        for n, spelling in enumerate(spellings)
    ]
    assert codes == [201, 201, 429, 429]


def test_writes_are_rate_limited_per_token(low_limits, client, officer, admin):
    codes = [
        client.post("/api/v1/missions", json={"code": f"M{n}", "name": f"Mission {n}"}, headers=officer).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]
    assert client.get("/api/v1/missions").status_code == 200  # reads are not limited
    other_token = client.post("/api/v1/missions", json={"code": "M9", "name": "Mission 9"}, headers=admin)
    assert other_token.status_code == 201  # counted per token


def test_security_headers(client):
    response = client.get("/api/v1/rooms")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 57  # the eight seeded duty stations' rooms


# --- found in review ------------------------------------------------------------------


def test_a_request_never_approved_stays_between_staff_and_its_mission(client, officer, mission, other_mission):
    rejected = book(
        client,
        mission,
        title="SECRET-BILATERAL",
        body="Pending Body Of BEL",
        start="2030-01-07T10:00",
        end="2030-01-07T11:00",
    )
    withdrawn = book(client, mission, title="SECRET-TOO", start="2030-01-08T10:00", end="2030-01-08T11:00")
    client.post(f"/api/v1/meetings/{rejected['id']}/reject", json={"reason": "No room"}, headers=officer)
    client.post(f"/api/v1/meetings/{withdrawn['id']}/withdraw", json={}, headers=mission)
    for headers in ({}, other_mission):
        for item in (rejected, withdrawn):
            assert client.get(f"/api/v1/meetings/{item['id']}", headers=headers).status_code == 404
        assert "SECRET" not in client.get("/api/v1/meetings", headers=headers).get_data(as_text=True)
    assert b"SECRET" not in client.get("/feeds/all.ics").data
    assert "Pending Body" not in client.get("/api/v1/bodies").get_data(as_text=True)
    assert client.get("/feeds/bodies/pending-body-of-bel.ics").status_code == 404
    assert client.get(f"/api/v1/meetings/{rejected['id']}", headers=mission).status_code == 200
    assert (
        client.patch(
            f"/api/v1/meetings/{book(client, mission)['id']}", json={"status": "confirmed"}, headers=officer
        ).status_code
        == 409
    )  # decided with approve or reject only


def test_organizers_of_meetings_a_mission_may_not_see_are_not_confirmed(client, officer, mission):
    book(client, officer, visibility="closed", organizers=["Ambassador Zed"])
    answer = client.post(
        "/api/v1/meetings/check", headers=mission, json=meeting(room="CR-1", organizers=["AMBASSADOR ZED", "nobody"])
    )
    assert [w["code"] for w in answer.json["warnings"]] == ["in_the_past"]  # 2017, and no organizer confirmed


def test_a_late_invitee_does_not_see_what_the_meeting_was_before(client, officer, mission):
    closed = book(client, officer, title="OLD-TITLE", description="OLD-DESC-secret", visibility="closed")
    url = f"/api/v1/meetings/{closed['id']}"
    client.patch(url, json={"title": "NEW", "description": "clean"}, headers=officer)
    client.patch(url, json={"invited_missions": ["BEL"]}, headers=officer)
    history = client.get(f"{url}/history", headers=mission).json
    assert [entry["action"] for entry in history] == ["updated"]
    assert "OLD" not in str(history)


def test_admins_see_and_revoke_any_mission_subscription(client, admin, mission):
    theirs = subscribe(client, mission)
    assert [s["id"] for s in client.get("/api/v1/subscriptions", headers=admin).json] == [theirs["id"]]
    assert client.delete(f"/api/v1/subscriptions/{theirs['id']}", headers=admin).status_code == 204
    assert client.get(feed_path(theirs)).status_code == 404


def test_a_request_never_approved_never_enters_its_missions_feed(client, officer, mission):
    feed = feed_path(subscribe(client, mission))
    rejected = book(client, mission, title="Rejected talks", start="2030-01-07T10:00", end="2030-01-07T11:00")
    withdrawn = book(client, mission, title="Withdrawn talks", start="2030-01-08T10:00", end="2030-01-08T11:00")
    approved = book(client, mission, title="Granted talks", start="2030-01-09T10:00", end="2030-01-09T11:00")
    client.post(f"/api/v1/meetings/{rejected['id']}/reject", json={"reason": "No room"}, headers=officer)
    client.post(f"/api/v1/meetings/{withdrawn['id']}/withdraw", json={}, headers=mission)
    client.post(f"/api/v1/meetings/{approved['id']}/approve", json={}, headers=officer)
    client.post(f"/api/v1/meetings/{approved['id']}/cancel", json={"reason": "Called off"}, headers=officer)
    for reader, events in read_everywhere(client.get(feed).data).items():
        summaries = sorted(event["summary"] for event in events.values())
        assert summaries == ["Cancelled: Granted talks"], (reader, summaries)
    # Each named as what became of it, the same in every list (the page: tests/test_web.py).
    outcomes = client.get("/api/v1/meetings?status=rejected,withdrawn,cancelled", headers=mission).json
    assert [(m["title"], m["status"]) for m in outcomes] == [
        ("Rejected talks", "rejected"),
        ("Withdrawn talks", "withdrawn"),
        ("Granted talks", "cancelled"),
    ]
