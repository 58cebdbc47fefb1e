"""The web pages through HTTP, on both databases: Journal, sign-in, console, requests, mission pages.

The browser tests (tests/e2e) drive the same pages in Chromium; these check what a browser
test would be slow to: every refusal, the CSRF and session rules, who sees what.
"""

import re
from html import unescape

import pytest

from scheduler.extensions import limiter

from .conftest import make_token
from .helpers import FIRST_INFORMAL_MEETING, TRAFFICKING_PROCESS, book

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    return CSRF_FIELD.search(html).group(1)


def text_of(html: str) -> str:
    """The page's visible text, roughly: tags dropped, spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def field_errors(html: str) -> dict:
    return {
        name: unescape(message)
        for name, message in re.findall(r'class="field-error" id="([\w-]+)-error">([^<]+)<', html)
    }


def sign_in(client, token: str, expect=303):
    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"token": token, "csrf_token": csrf_of(page.text)})
    assert response.status_code == expect, response.text
    return response


def meeting_form(client, url="/console/meetings/new", confirmed=True, **values) -> dict:
    """The booking form as a browser sends it: the page's fields, then what the person typed. A new booking's
    form is checked first (its warnings shown before anything is booked); `confirmed` sends it as the
    "Book it anyway" button does, `confirmed=False` as the first submission."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "title": "Briefing",
        "kind": "briefing",
        "room": "ECOSOC",
        "date": "2017-06-19",
        "start": "10:00",
        "end": "12:00",
        "slot": "",
        "status": "confirmed",
        "visibility": "public",
        "body": "",
        "process": "",
        "expected_participants": "",
        "organizers": "",
        "description": "",
        "notes": "",
        "invited_missions": "",
        "languages_given": "1",
        "webcast_given": "1",
    }
    if confirmed and url.endswith("/new"):
        form["confirmed"] = "1"
    form.update(values)
    return form


@pytest.fixture
def signed_in_officer(client, officer_token):
    sign_in(client, officer_token)
    return client


# --- the Journal ----------------------------------------------------------------------


def test_journal_shows_the_public_meetings_of_the_day_marked_not_the_closed_or_missions_ones(client, officer):
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    book(
        client,
        officer,
        **{**FIRST_INFORMAL_MEETING, "visibility": "public", "languages": ["en", "fr"], "webcast": True},
    )
    book(
        client,
        officer,
        title="Closed consultations",
        room="CR-4",
        start="2017-06-16T15:00",
        end="2017-06-16T18:00",
        visibility="closed",
    )
    book(
        client,
        officer,
        title="Missions-only briefing",
        room="CR-4",
        start="2017-06-16T10:00",
        end="2017-06-16T11:00",
        visibility="missions",
    )
    cancelled = book(
        client,
        officer,
        title="Cancelled briefing",
        room="CR-1",
        start="2017-06-16T15:00",
        end="2017-06-16T16:00",
        body="Security Council",
    )
    client.post(
        f"/api/v1/meetings/{cancelled['id']}/cancel", json={"reason": "The briefing is called off"}, headers=officer
    )
    book(client, officer, title="Next day", start="2017-06-17T10:00", end="2017-06-17T11:00")

    page = client.get("/journal/2017-06-16?venue=UNHQ")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Friday, 16 June 2017" in text
    assert "First informal meeting" in text and "10:00–12:00 EDT" in text
    assert "Interpretation: EN, FR" in text and "Webcast" in text
    assert "Cancelled briefing Cancelled" in text and "The briefing is called off" in text
    for hidden in ("Closed consultations", "Missions-only briefing", "Next day"):
        assert hidden not in text
    # Grouped by part of the day, then by body.
    assert text.index("Morning (10:00–13:00)") < text.index("General Assembly") < text.index("First informal")
    assert text.index("Afternoon (15:00–18:00)") < text.index("Security Council") < text.index("Cancelled briefing")
    # Neighbouring days and subscriptions.
    assert 'href="/journal/2017-06-15?venue=UNHQ"' in page.text and 'href="/journal/2017-06-17?venue=UNHQ"' in page.text
    for path in (
        "all.ics",
        "rooms/ECOSOC.ics",
        "bodies/general-assembly.ics",
        f"processes/{TRAFFICKING_PROCESS['slug']}.ics",
    ):
        assert f'href="http://localhost/feeds/{path}"' in page.text
        assert f'href="webcal://localhost/feeds/{path}"' in page.text


def test_journal_is_public_even_to_a_signed_in_officer_and_has_an_empty_state(client, officer, officer_token):
    book(
        client,
        officer,
        title="Closed consultations",
        start="2017-06-16T15:00",
        end="2017-06-16T18:00",
        visibility="closed",
    )
    sign_in(client, officer_token)
    text = text_of(client.get("/journal/2017-06-16").text)
    assert "Closed consultations" not in text
    assert "No public meetings are scheduled at United Nations Headquarters on Friday, 16 June 2017" in text


def test_journal_days_in_other_zones_and_bad_days(client, officer):
    book(
        client, officer, title="Geneva consultations", room="UNOG-XX", start="2017-03-26T10:00", end="2017-03-26T12:00"
    )  # the day Geneva's clocks go forward
    text = text_of(client.get("/journal/2017-03-26?venue=UNOG").text)
    assert "Geneva consultations" in text and "10:00–12:00 CEST" in text and "Europe/Zurich" in text
    for bad in ("2017-02-30", "2017-6-16", "tomorrow", "0000-01-01", "20170616"):
        response = client.get(f"/journal/{bad}")
        assert response.status_code == 404 and response.mimetype == "text/html", bad
    assert client.get("/journal/2017-06-16?venue=NOPE").status_code == 404
    picked = client.get("/journal?date=2017-06-16&venue=UNOG")
    assert picked.status_code == 302 and picked.headers["Location"] == "/journal/2017-06-16?venue=UNOG"


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert client.get("/static/web/site.css").status_code == 200


# --- signing in -----------------------------------------------------------------------


def test_sign_in_sets_a_protected_session_cookie_and_sign_out_ends_it(client, officer_token):
    assert client.get("/console").headers["Location"] == "/sign-in?next=/console"
    response = sign_in(client, officer_token)
    assert response.headers["Location"] == "/console"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert officer_token not in cookie
    assert client.get("/console", follow_redirects=True).status_code == 200
    page = client.get("/console", follow_redirects=True)
    assert page.headers["Cache-Control"] == "no-store"
    client.post("/sign-out", data={"csrf_token": csrf_of(page.text)})
    assert client.get("/console").status_code == 302


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app, officer_token):
    browser, thief = app.test_client(), app.test_client()
    sign_in(browser, officer_token)
    copied = browser.get_cookie("scheduler_session").value
    thief.set_cookie("scheduler_session", copied)
    assert thief.get("/console/day/2017-06-16").status_code == 200  # the copy works while the session lasts
    page = browser.get("/console/day/2017-06-16")
    browser.post("/sign-out", data={"csrf_token": csrf_of(page.text)})
    ended = thief.get("/console/day/2017-06-16")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/sign-in")
    sign_in(browser, officer_token)  # signing in again makes a new session
    assert browser.get("/console/day/2017-06-16").status_code == 200
    # ... and ends the one before: a copy of it opens nothing, though nobody signed out.
    thief.set_cookie("scheduler_session", browser.get_cookie("scheduler_session").value)
    sign_in(browser, officer_token)
    assert thief.get("/console/day/2017-06-16").status_code == 302


def test_sign_in_refuses_a_wrong_token_and_never_redirects_elsewhere(client, officer_token):
    response = sign_in(client, "not-a-token", expect=401)
    assert "The token is unknown, expired or revoked" in response.text
    page = client.get("/sign-in?next=//evil.example/x")
    response = client.post(
        "/sign-in", data={"token": officer_token, "csrf_token": csrf_of(page.text), "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/console"
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"token": officer_token, "csrf_token": csrf_of(page.text), "next": "/console/requests"}
    )
    assert response.headers["Location"] == "/console/requests"


def test_forms_without_the_csrf_token_are_refused_and_change_nothing(client, signed_in_officer):
    form = meeting_form(client)
    del form["csrf_token"]
    response = client.post("/console/meetings/new", data=form)
    assert response.status_code == 400 and "reload the page" in response.text
    assert client.get("/api/v1/meetings").json == []
    assert client.post("/sign-in", data={"token": "x"}).status_code == 400


def test_a_revoked_token_ends_its_web_session(client, admin, officer_token):
    sign_in(client, officer_token)
    tokens = client.get("/api/v1/tokens", headers=admin).json
    token_id = next(token["id"] for token in tokens if token["role"] == "officer")
    client.post(f"/api/v1/tokens/{token_id}/revoke", headers=admin)
    assert client.get("/console").status_code == 302


def test_roles_reach_only_their_pages(app, client):
    sign_in(client, make_token(app, "viewer", "Viewer"))
    assert client.get("/console", follow_redirects=True).status_code == 200
    assert client.get("/console/meetings/new").status_code == 403
    assert client.get("/mission").status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf_of(client.get("/").text)})
    sign_in(client, make_token(app, "mission", "Belgium", mission="BEL"))
    assert client.get("/console/day/2017-06-16").status_code == 403
    assert client.get("/mission").status_code == 200


# --- the console ----------------------------------------------------------------------


def test_book_from_the_console_then_a_refusal_offers_alternatives_that_book_in_one_click(client, signed_in_officer):
    form = meeting_form(
        client,
        **{k: v for k, v in FIRST_INFORMAL_MEETING.items() if k in ("title", "kind", "room")},
        date="2017-06-16",
        start="10:00",
        end="12:00",
        visibility="missions",
    )
    response = client.post("/console/meetings/new", data=form)
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/day/2017-06-16?venue=UNHQ&meeting=1"
    grid = client.get(response.headers["Location"])
    assert "Booked: First informal meeting, Economic and Social Council Chamber" in text_of(grid.text)
    assert 'class="busy meeting status-confirmed visibility-missions highlight"' in grid.text

    second = meeting_form(client, title="Second meeting", date="2017-06-16", start="11:00", end="12:00")
    refused = client.post("/console/meetings/new", data=second)
    assert refused.status_code == 409
    text = text_of(refused.text)
    assert "Room ECOSOC is not available for that time" in text
    assert "First informal meeting (confirmed), 10:00–12:00 in ECOSOC" in text
    choices = re.findall(
        r'<form method="post" action="/console/meetings/new" class="inline">(.*?)</form>', refused.text, re.S
    )
    assert choices, "no alternatives offered"
    taken = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', choices[0]))
    assert taken["room"] != "ECOSOC" and taken["title"] == "Second meeting"
    booked = client.post("/console/meetings/new", data=taken)
    assert booked.status_code == 303
    meetings = client.get("/api/v1/meetings", headers={}).json
    assert {(m["title"], m["room"]) for m in meetings} >= {("Second meeting", taken["room"])}


def test_form_errors_are_the_apis_messages_at_their_fields_and_keep_what_was_typed(client, signed_in_officer):
    form = meeting_form(
        client,
        title="",
        kind="picnic",
        start="25:00",
        expected_participants="many",
        languages="xx",
        description="Kept as typed",
    )
    response = client.post("/console/meetings/new", data=form)
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert errors["title"] == "Give a title"
    assert errors["kind"].startswith("Must be one of: plenary")
    assert errors["start"] == "hour must be in 0..23"
    assert errors["expected_participants"] == "Not a valid integer."
    assert errors["languages"].startswith("Must be one of")
    assert ">Kept as typed</textarea>" in response.text
    # A time in New York's spring-forward gap: the service's message, at the field.
    gap = client.post("/console/meetings/new", data=meeting_form(client, date="2017-03-12", start="02:30", end="04:00"))
    assert gap.status_code == 422 and "does not exist" in field_errors(gap.text)["start"]
    missing_day = client.post("/console/meetings/new", data=meeting_form(client, date=""))
    assert field_errors(missing_day.text)["date"] == "Give the day of the meeting"
    unknown_room = client.post("/console/meetings/new", data=meeting_form(client, room="NOPE"))
    assert field_errors(unknown_room.text)["room"] == "No room 'NOPE'"
    assert client.get("/api/v1/meetings").json == []


def test_book_by_standard_slot(client, signed_in_officer):
    response = client.post("/console/meetings/new", data=meeting_form(client, slot="afternoon", start="", end=""))
    assert response.status_code == 303
    assert client.get("/api/v1/meetings").json[0]["start"] == "2017-06-19T15:00:00-04:00"


def test_day_and_week_grids_show_meetings_and_blocks(client, officer, signed_in_officer):
    book(client, officer, title="Morning plenary", room="GA-HALL", start="2017-06-19T10:00", end="2017-06-19T13:00")
    book(
        client,
        officer,
        title="Tentative talks",
        room="CR-4",
        start="2017-06-21T15:00",
        end="2017-06-21T16:30",
        status="tentative",
    )
    client.post(
        "/api/v1/rooms/CR-1/blocks",
        json={"start": "2017-06-19T08:00", "end": "2017-06-19T20:00", "reason": "Sound system repairs"},
        headers=officer,
    )
    day = client.get("/console/day/2017-06-19?venue=UNHQ")
    text = text_of(day.text)
    assert "Morning plenary" in text and "10:00–13:00" in text and "Blocked: Sound system repairs" in text
    assert "Tentative talks" not in text
    # 10:00 to 13:00 spans twelve quarter hours.
    assert re.search(r'<td colspan="12" class="busy meeting status-confirmed', day.text)
    week = text_of(client.get("/console/week/2017-06-21?venue=UNHQ").text)
    assert "Mon 19 Jun" in week and "Sun 25 Jun" in week
    assert "10:00–13:00 Morning plenary" in week and "15:00–16:30 Tentative talks" in week
    empty = text_of(client.get("/console/day/2017-06-18?venue=UNHQ").text)
    assert "No meetings or blocks in these rooms on this day." in empty


def test_move_and_cancel_from_the_meeting_page_with_stale_forms_refused(client, officer, signed_in_officer):
    first = book(client, officer, title="Briefing A", start="2017-06-19T10:00", end="2017-06-19T11:00")
    book(client, officer, title="Briefing B", room="CR-4", start="2017-06-19T15:00", end="2017-06-19T16:00")
    url = f"/console/meetings/{first['id']}"
    form = meeting_form(client, url=url, title="Briefing A", room="CR-4", start="15:30", end="16:30", version="1")
    refused = client.post(url, data=form)
    assert refused.status_code == 409 and "Briefing B (confirmed)" in text_of(refused.text)
    moved = client.post(url, data=dict(form, room="CR-4", start="16:30", end="17:30"))
    assert moved.status_code == 303
    after = client.get(f"/api/v1/meetings/{first['id']}").json
    assert (after["room"], after["start"]) == ("CR-4", "2017-06-19T16:30:00-04:00")
    stale = client.post(url, data=dict(form, title="Old form", start="17:30", end="18:00"))
    assert stale.status_code == 412 and "Someone changed this meeting after you opened it" in stale.text
    page = client.get(url)
    no_reason = client.post(
        f"{url}/cancel", data={"csrf_token": csrf_of(page.text), "reason": "", "version": str(after["version"])}
    )
    assert no_reason.status_code == 422 and "reason" in field_errors(no_reason.text)
    cancelled = client.post(
        f"{url}/cancel",
        data={"csrf_token": csrf_of(page.text), "reason": "Postponed sine die", "version": str(after["version"])},
    )
    assert cancelled.status_code == 303
    assert client.get(f"/api/v1/meetings/{first['id']}").json["status"] == "cancelled"
    history = text_of(client.get(url).text)
    assert "cancelled “Postponed sine die”" in history and "Room: ECOSOC → CR-4" in history
    assert "Start: Mon 19 Jun 2017, 10:00 EDT → Mon 19 Jun 2017, 16:30 EDT" in history


# --- missions and the requests queue --------------------------------------------------


def test_mission_requests_a_room_and_an_officer_approves_it_from_the_queue(app, client, officer_token):
    mission_client = app.test_client()
    sign_in(mission_client, make_token(app, "mission", "Permanent Mission of Belgium", mission="BEL"))
    form = meeting_form(
        mission_client,
        url="/mission/requests/new",
        title="Belgian side event",
        kind="side_event",
        room="CR-4",
        visibility="missions",
    )
    for staff_only in ("status", "notes", "invited_missions"):
        form.pop(staff_only)
    response = mission_client.post("/mission/requests/new", data=form)
    assert response.status_code == 303
    home = text_of(mission_client.get("/mission").text)
    assert "Belgian side event" in home and "Waiting for an officer" in home

    sign_in(client, officer_token)
    queue = client.get("/console/requests")
    assert "BEL asks for Conference Room 4" in text_of(queue.text)
    meeting_id = int(re.search(r'data-meeting="(\d+)"', queue.text).group(1))
    approved = client.post(
        f"/console/requests/{meeting_id}/approve",
        data={"csrf_token": csrf_of(queue.text), "status": "confirmed", "version": "1"},
    )
    assert approved.status_code == 303
    assert "Approved: Belgian side event" in text_of(client.get("/console/requests").text)
    assert "Confirmed" in text_of(mission_client.get("/mission").text)


def test_a_request_for_a_taken_room_is_flagged_and_cannot_be_approved(app, client, officer, officer_token):
    book(client, officer, title="Taken", room="CR-4")
    mission_client = app.test_client()
    sign_in(mission_client, make_token(app, "mission", "Belgium", mission="BEL"))
    form = meeting_form(mission_client, url="/mission/requests/new", room="CR-4", title="Too late")
    form.pop("status")
    assert mission_client.post("/mission/requests/new", data=form).status_code == 303
    assert "The room is taken at that time" in text_of(mission_client.get("/mission").text)
    sign_in(client, officer_token)
    queue = client.get("/console/requests")
    assert "The room is taken at that time: Taken" in text_of(queue.text)
    meeting_id = int(re.search(r'data-meeting="(\d+)"', queue.text).group(1))
    refused = client.post(
        f"/console/requests/{meeting_id}/approve",
        data={"csrf_token": csrf_of(queue.text), "status": "confirmed"},
        follow_redirects=True,
    )
    assert "Room CR-4 is not available for that time" in text_of(refused.text)
    rejected = client.post(
        f"/console/requests/{meeting_id}/reject",
        data={"csrf_token": csrf_of(queue.text), "reason": "The room is taken"},
        follow_redirects=True,
    )
    assert "Rejected: Too late" in text_of(rejected.text)
    assert "Rejected: The room is taken" in text_of(mission_client.get("/mission").text)


def test_mission_subscribes_sees_the_address_once_and_can_revoke_it(app, client):
    sign_in(client, make_token(app, "mission", "Belgium", mission="BEL"))
    home = client.get("/mission")
    assert "No subscriptions yet" in text_of(home.text)
    unnamed = client.post("/mission/subscriptions", data={"csrf_token": csrf_of(home.text), "name": ""})
    assert unnamed.status_code == 422
    assert field_errors(unnamed.text)["name"] == "Give a name"
    unknown = client.post(
        "/mission/subscriptions", data={"csrf_token": csrf_of(home.text), "name": "Typo", "rooms": "NOPE"}
    )
    assert unknown.status_code == 422 and field_errors(unknown.text)["rooms"] == "No room NOPE"
    assert 'value="Typo"' in unknown.text
    made = client.post(
        "/mission/subscriptions",
        data={"csrf_token": csrf_of(home.text), "name": "ECOSOC", "rooms": "ECOSOC", "kinds": "informal_consultations"},
    )
    assert made.status_code == 303  # post, then redirect: a reload does not subscribe twice
    made = client.get(made.headers["Location"])
    webcal = re.search(
        r'id="webcal-link" type="text" readonly value="(webcal://localhost/feeds/subscriptions/'
        r'[^"]+\.ics)"',
        made.text,
    ).group(1)
    feed_path = webcal.removeprefix("webcal://localhost")
    assert client.get(feed_path).status_code == 200
    again = client.get("/mission")
    assert webcal not in again.text and "rooms: ECOSOC; kinds: informal_consultations" in text_of(again.text)
    assert len(re.findall(r"/mission/subscriptions/\d+/revoke", again.text)) == 1
    subscription_id = re.search(r"/mission/subscriptions/(\d+)/revoke", again.text).group(1)
    client.post(f"/mission/subscriptions/{subscription_id}/revoke", data={"csrf_token": csrf_of(again.text)})
    assert client.get(feed_path).status_code == 404


def test_guessing_tokens_at_sign_in_is_rate_limited(app, client, monkeypatch, officer_token):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN", "3 per minute")
    limiter.reset()
    try:
        statuses = [sign_in(client, f"guess-{n}", expect=401).status_code for n in range(3)]
        refused = sign_in(client, officer_token, expect=429)
        assert statuses == [401] * 3 and "wait a minute" in refused.text and refused.headers["Retry-After"]
    finally:
        limiter.reset()


def test_the_grids_keep_called_off_meetings_struck_through(client, officer, signed_in_officer):
    called_off = book(client, officer, title="Called off", start="2017-06-19T10:00", end="2017-06-19T11:00")
    put_off = book(client, officer, title="Put off", room="CR-4", start="2017-06-19T10:00", end="2017-06-19T11:00")
    client.post(f"/api/v1/meetings/{called_off['id']}/cancel", json={"reason": "No quorum"}, headers=officer)
    client.post(f"/api/v1/meetings/{put_off['id']}/postpone", json={"reason": "Later"}, headers=officer)
    book(client, officer, title="In its place", start="2017-06-19T10:00", end="2017-06-19T11:00")
    for page in ("/console/day/2017-06-19?venue=UNHQ", "/console/week/2017-06-19?venue=UNHQ"):
        html = client.get(page).text
        assert re.search(r"status-cancelled[^>]*>.*?Called off", html, re.S), page
        assert re.search(r"status-postponed[^>]*>.*?Put off", html, re.S), page
        assert "In its place" in html
