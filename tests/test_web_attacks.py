"""Hostile and clumsy input at every web page, on both databases.

The rule: nothing a browser or a hostile client can send gets a 500; every bad input gets a clear
4xx (an HTML page, or the form again with messages at its fields) and loses or changes nothing.
What changed is checked through the API, not through the page that answered.
"""

import re
from html import unescape

import pytest
from werkzeug.datastructures import MultiDict

from .conftest import make_token
from .helpers import book
from .test_web import csrf_of, field_errors, meeting_form, sign_in, text_of

SCRIPT = '<script>alert("pwned")</script>'
QUOTE_BREAKER = '"><img src=x onerror=alert(1)>'


# --- helpers ----------------------------------------------------------------------------


@pytest.fixture
def officer_client(app, client):
    sign_in(client, make_token(app, "officer", "Meetings Management Section"))
    return client


def web_client(app, role, name=None, mission=None):
    """Another browser, signed in with a token of its own."""
    other = app.test_client()
    sign_in(other, make_token(app, role, name or f"web {role}", mission=mission))
    return other


def meetings(client, officer) -> list[dict]:
    """Every meeting as staff see it: what the 'nothing changed' checks compare."""
    return client.get("/api/v1/meetings?page_size=500", headers=officer).json


def meeting(client, officer, meeting_id) -> dict:
    return client.get(f"/api/v1/meetings/{meeting_id}", headers=officer).json


def browser_form(html: str, action: str) -> MultiDict:
    """The meeting form at `action` as a browser submits it: text and hidden inputs, ticked boxes,
    each select's selected option (or its first, when none is selected), textareas."""
    form = re.search(
        rf'<form method="post" action="{re.escape(action)}" class="meeting-form"[^>]*>(.*?)</form>', html, re.S
    ).group(1)
    data = MultiDict()
    for tag in re.finditer(r"<input ([^>]*)>", form):
        attrs = {name: unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag.group(1))}
        if attrs.get("type") == "checkbox":
            if re.search(r"\schecked\b", tag.group(1)):
                data.add(attrs["name"], attrs.get("value", "on"))
        else:
            data.add(attrs["name"], attrs.get("value", ""))
    for select in re.finditer(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        options = re.findall(r'<option value="([^"]*)"( selected)?>', select.group(2))
        chosen = [value for value, selected in options if selected] or [options[0][0]]
        data.add(select.group(1), unescape(chosen[0]))
    for area in re.finditer(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data.add(area.group(1), unescape(area.group(2)))
    return data


def mission_request(mission_client, **values) -> None:
    form = meeting_form(mission_client, url="/mission/requests/new", room="CR-4", **values)
    for staff_only in ("status", "notes", "invited_missions"):
        form.pop(staff_only)
    assert mission_client.post("/mission/requests/new", data=form).status_code == 303


def is_html_error(response, status) -> bool:
    return response.status_code == status and response.mimetype == "text/html"


# --- the Journal and days in URLs --------------------------------------------------------

BAD_DAYS = [
    "2017-02-30",
    "2017-13-01",
    "2017-00-10",
    "0000-01-01",
    "0001-01-01",
    "1899-12-31",
    "3000-01-01",
    "10000-01-01",
    "9999-12-31",
    "2017-06-16T10:00",
    "2017-06-16%20",
    "%202017-06-16",
    "-2017-06-16",
    "+2017-06-16",
    "２０１７-06-16",
    "%FF",
    "%00",
    "2017-6-16",
    "16-06-2017",
    "today",
    "2017_06_16",
    "9" * 300,
]


def test_journal_refuses_days_that_do_not_exist_or_that_the_calendar_does_not_hold(client):
    for bad in BAD_DAYS:
        response = client.get(f"/journal/{bad}")
        assert is_html_error(response, 404), bad
        assert "is not a day" in text_of(response.text), bad
    # The calendar's edges are days; their neighbours' links lead to a clear 404, not a crash.
    for edge in ("1900-01-01", "2999-12-31"):
        assert client.get(f"/journal/{edge}").status_code == 200
    # ISO 8601 week dates are 10 characters too: Python reads them as the day they name.
    assert "Friday, 16 June 2017" in text_of(client.get("/journal/2017-W24-5").text)


def test_console_grids_refuse_bad_days_like_the_journal(officer_client):
    for bad in BAD_DAYS:
        for grid in ("day", "week"):
            assert is_html_error(officer_client.get(f"/console/{grid}/{bad}"), 404), (grid, bad)
    for edge in ("1900-01-01", "2999-12-31"):
        assert officer_client.get(f"/console/day/{edge}").status_code == 200
        assert officer_client.get(f"/console/week/{edge}").status_code == 200


def test_odd_venues_in_the_query_are_a_404_page_that_escapes_them(officer_client):
    for url in (
        "/",
        "/journal/2017-06-16",
        "/console",
        "/console/day/2017-06-16",
        "/console/week/2017-06-16",
        "/journal",
    ):
        for venue in ("NOPE", SCRIPT, "x" * 5000, "%FF", "UNHQ%20X", "%E2%80%AEUNHQ"):
            response = officer_client.get(f"{url}?venue={venue}")
            assert is_html_error(response, 404), (url, venue)
            assert "No venue" in response.text and "<script>" not in response.text
    # Case and blanks are forgiven; a repeated argument takes the first.
    assert "Palais des Nations" in officer_client.get("/journal/2017-06-16?venue=unog").text
    assert officer_client.get("/journal/2017-06-16?venue=").status_code == 200
    assert "Palais des Nations" in officer_client.get("/journal/2017-06-16?venue=UNOG&venue=UNHQ").text


def test_a_venue_with_a_nul_character_is_not_found_on_either_database(client, request, backend):
    response = client.get("/journal/2017-06-16?venue=%00")
    assert is_html_error(response, 404)


def test_the_day_picker_sends_a_good_day_on_and_an_empty_one_to_today(client):
    picked = client.get("/journal?date=%202017-06-16%20&venue=unog")
    assert picked.status_code == 302 and picked.headers["Location"] == "/journal/2017-06-16?venue=UNOG"
    today = client.get("/journal?date=")
    assert today.status_code == 302 and re.fullmatch(
        r"/journal/\d{4}-\d{2}-\d{2}\?venue=UNHQ", today.headers["Location"]
    )
    assert is_html_error(client.get("/journal?date=2017-06-16&venue=NOPE"), 404)
    # Whatever else is typed is not a day: a page saying so, and no redirect anywhere.
    for typed in ("//evil.example", "https://evil.example/", "..%2F..%2Fconsole", "%0D%0ASet-Cookie:x=1"):
        response = client.get(f"/journal?date={typed}")
        assert is_html_error(response, 404) and "Location" not in response.headers, typed
        assert "Set-Cookie" not in response.headers


def test_the_day_picker_answers_a_typed_non_date_with_an_html_page(client):
    response = client.get("/journal?date=16/06/2017", follow_redirects=True)
    assert response.status_code == 404 and response.mimetype == "text/html"


# --- methods and addresses that are not pages ---------------------------------------------


def test_head_and_options_on_pages_and_other_methods_refused(officer_client):
    head = officer_client.head("/journal/2017-06-16")
    assert head.status_code == 200 and head.data == b"" and int(head.headers["Content-Length"]) > 0
    assert officer_client.head("/console/day/2017-06-16").status_code == 200
    options = officer_client.options("/journal/2017-06-16")
    assert options.status_code == 200 and set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    for method in ("PUT", "DELETE", "PATCH"):
        for url in ("/", "/journal/2017-06-16", "/console/meetings/new", "/sign-in", "/mission/subscriptions"):
            response = officer_client.open(url, method=method)
            assert response.status_code == 405 and "Allow" in response.headers, (method, url)
    assert officer_client.get("/sign-out").status_code == 405


def test_routing_errors_on_page_addresses_are_html_pages(officer_client):
    for url in (
        "/console/meetings/abc",
        "/console/meetings/1/delete",
        "/console/requests/1/maybe",
        "/journal/2017/06/16",
        "/mission/subscriptions/x/revoke",
    ):
        assert officer_client.get(url).mimetype == "text/html", url
    assert officer_client.put("/journal/2017-06-16").mimetype == "text/html"
    assert officer_client.get("/sign-out").mimetype == "text/html"


def test_a_head_without_a_body_books_nothing(officer_client, officer):
    """Without a form body, HEAD of the booking form writes nothing."""
    assert officer_client.head("/console/meetings/new").status_code in (200, 422)
    assert meetings(officer_client, officer) == []


def test_head_of_the_booking_form_answers_like_get(officer_client):
    assert officer_client.head("/console/meetings/new").status_code == 200
    assert officer_client.head("/mission/requests/new").status_code in (200, 403)


def test_head_with_a_form_body_books_nothing(app, officer_client, officer):
    form = meeting_form(officer_client)
    del form["csrf_token"]
    officer_client.open("/console/meetings/new", method="HEAD", data=form)
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    request_form = meeting_form(belgium, url="/mission/requests/new", room="CR-4")
    del request_form["csrf_token"]
    belgium.open("/mission/requests/new", method="HEAD", data=request_form)
    assert meetings(officer_client, officer) == []


# --- signing in and out -------------------------------------------------------------------

HOSTILE_NEXT = [
    "//evil.example/",
    "///evil.example",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "",
    "//",
    "/\\/evil.example",
    "%2F%2Fevil.example",
]


def test_sign_in_never_sends_anyone_off_the_site(app, client):
    token = make_token(app, "officer", "Officer")
    for target in HOSTILE_NEXT:
        fresh = app.test_client()
        page = fresh.get("/sign-in", query_string={"next": target})
        assert 'name="next"' not in page.text or target == "", target
        response = fresh.post("/sign-in", data={"token": token, "csrf_token": csrf_of(page.text), "next": target})
        assert response.status_code == 303 and response.headers["Location"] == "/console", target
    # A path on this site is kept, even one that looks like another site once decoded.
    fresh = app.test_client()
    page = fresh.get("/sign-in")
    response = fresh.post(
        "/sign-in", data={"token": token, "csrf_token": csrf_of(page.text), "next": "/%2F%2Fevil.example"}
    )
    assert response.headers["Location"] == "/%2F%2Fevil.example"


def test_sign_in_page_escapes_its_next_and_refuses_odd_tokens(client):
    page = client.get("/sign-in", query_string={"next": f"/console?x={QUOTE_BREAKER}"})
    assert QUOTE_BREAKER not in page.text and 'name="next"' not in page.text  # not a plain path: dropped
    csrf = csrf_of(page.text)
    for token in ("", "   ", "x" * 100_000, "\x00", "é" * 50, "Bearer x", SCRIPT):
        response = client.post("/sign-in", data={"token": token, "csrf_token": csrf})
        assert is_html_error(response, 401) and "unknown, expired or revoked" in response.text
        assert SCRIPT not in response.text
    duplicated = client.post("/sign-in", data=MultiDict([("token", "nope"), ("token", "nope2"), ("csrf_token", csrf)]))
    assert duplicated.status_code == 401
    # Still anonymous after all that.
    assert client.get("/console").status_code == 302


def test_a_line_break_in_next_does_not_break_signing_in(app, client):
    token = make_token(app, "officer", "Officer")
    page = client.get("/sign-in?next=/console/requests%0D%0A")
    assert 'name="next"' not in page.text  # a line break is no part of a path here: dropped
    response = client.post(
        "/sign-in",
        data={"token": token, "csrf_token": csrf_of(page.text), "next": "/console/requests\r\nSet-Cookie: x=1"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/console"


def test_csrf_tokens_of_another_session_or_none_are_refused_on_every_form(app, officer_client, officer):
    booked = book(officer_client, officer, title="Untouched", start="2017-06-19T10:00", end="2017-06-19T11:00")
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    mission_request(belgium, title="Belgian request")
    belgium.post("/mission/subscriptions", data={"csrf_token": csrf_of(belgium.get("/mission").text), "name": "Mine"})
    before = meetings(officer_client, officer)
    foreign = csrf_of(app.test_client().get("/sign-in").text)  # a real token, of somebody else's session
    officer_posts = {
        "/console/meetings/new": meeting_form(officer_client, title="Forged"),
        f"/console/meetings/{booked['id']}": {"title": "Forged", "version": "1"},
        f"/console/meetings/{booked['id']}/cancel": {"reason": "Forged"},
        f"/console/meetings/{booked['id']}/postpone": {"reason": "Forged"},
        "/console/requests/2/approve": {"status": "confirmed"},
        "/console/requests/2/reject": {"reason": "Forged"},
    }
    mission_posts = {
        "/mission/requests/new": meeting_form(belgium, url="/mission/requests/new", title="Forged"),
        "/mission/requests/2/withdraw": {},
        "/mission/subscriptions": {"name": "Forged"},
        "/mission/subscriptions/1/revoke": {},
    }
    for browser, posts in ((officer_client, officer_posts), (belgium, mission_posts)):
        for url, data in posts.items():
            for csrf in (None, foreign, "", "garbage", csrf_of(browser.get("/").text) + "x"):
                form = {key: value for key, value in data.items() if key != "csrf_token"}
                if csrf is not None:
                    form["csrf_token"] = csrf
                response = browser.post(url, data=form)
                assert is_html_error(response, 400) and "reload the page" in response.text, (url, csrf)
    assert meetings(officer_client, officer) == before
    assert "Mine" in text_of(belgium.get("/mission").text)


def test_sign_out_needs_the_forms_csrf_token_and_keeps_the_session_without_it(app, officer_client):
    other = csrf_of(app.test_client().get("/sign-in").text)
    for data in ({}, {"csrf_token": other}):
        response = officer_client.post("/sign-out", data=data)
        assert is_html_error(response, 400)
        assert officer_client.get("/console").status_code == 302  # still signed in: on to today's grid
        assert officer_client.get("/console").headers["Location"].startswith("/console/day/")
    page = officer_client.get("/")
    assert officer_client.post("/sign-out", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert officer_client.get("/console").headers["Location"].startswith("/sign-in")
    # The old page's token died with the session.
    assert officer_client.post("/sign-out", data={"csrf_token": csrf_of(page.text)}).status_code == 400


def test_an_old_session_form_is_refused_after_signing_in_as_someone_else(app, officer_client, officer):
    stale = meeting_form(officer_client, title="From the old session")
    sign_in(officer_client, make_token(app, "admin", "Administrator"))
    assert officer_client.post("/console/meetings/new", data=stale).status_code == 400
    assert meetings(officer_client, officer) == []


# --- who may post what ------------------------------------------------------------------------


def test_anonymous_viewers_and_missions_cannot_write_through_the_console(app, client, officer):
    booked = book(client, officer, title="Kept", start="2017-06-19T10:00", end="2017-06-19T11:00")
    before = meetings(client, officer)
    anonymous = app.test_client()
    page = anonymous.get("/sign-in")
    response = anonymous.post(
        "/console/meetings/new", data={**meeting_form(anonymous, url="/sign-in"), "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
    viewer = web_client(app, "viewer", "Viewer")
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    for browser, forbidden in (
        (
            viewer,
            [
                "/console/meetings/new",
                f"/console/meetings/{booked['id']}",
                f"/console/meetings/{booked['id']}/cancel",
                f"/console/requests/{booked['id']}/approve",
                f"/console/requests/{booked['id']}/reject",
                "/mission/subscriptions",
                "/mission/requests/new",
            ],
        ),
        (
            belgium,
            [
                "/console/meetings/new",
                f"/console/meetings/{booked['id']}",
                f"/console/meetings/{booked['id']}/postpone",
                f"/console/requests/{booked['id']}/approve",
            ],
        ),
    ):
        csrf = csrf_of(browser.get("/").text)
        for url in forbidden:
            response = browser.post(url, data={"csrf_token": csrf, "reason": "x", "title": "Changed", "name": "x"})
            assert is_html_error(response, 403), url
    assert meetings(client, officer) == before
    # Missions may not read the console; staff may not use the mission pages.
    assert belgium.get(f"/console/meetings/{booked['id']}").status_code == 403
    assert viewer.get("/mission").status_code == 403


# --- the booking form ------------------------------------------------------------------------

BAD_BOOKINGS = [
    # (form values, {field: part of its message})
    ({"date": "2017-02-30"}, {"start": "day is out of range for month"}),
    ({"date": "0000-01-01"}, {"start": "year 0 is out of range"}),
    ({"date": "10000-01-01"}, {"start": "Not a date-time"}),
    ({"date": "1899-12-31"}, {"start": "Give a year from 1900 to 2999"}),
    ({"date": "3000-01-01"}, {"start": "Give a year from 1900 to 2999"}),
    ({"date": "19/06/2017"}, {"start": "Not a date-time"}),
    ({"date": ""}, {"date": "Give the day of the meeting"}),
    ({"date": "2017-03-12", "start": "02:00", "end": "03:30"}, {"start": "does not exist in America/New_York"}),
    ({"date": "2017-11-05", "start": "01:00", "end": "03:00"}, {"start": "happens twice in America/New_York"}),
    ({"start": "12:00", "end": "10:00"}, {"end": "The meeting must end after it starts"}),
    ({"start": "10:00", "end": "10:00"}, {"end": "The meeting must end after it starts"}),
    ({"start": "24:00"}, {"start": "hour must be in 0..23"}),
    ({"start": "", "end": ""}, {"start": "Not a date-time"}),
    ({"start": "10h00"}, {"start": "Not a date-time"}),
    ({"slot": "evening", "start": "", "end": ""}, {"slot": "UNHQ has no slot 'evening' (slots: morning, afternoon)"}),
    ({"slot": "Morning"}, {"slot": "has no slot 'Morning'"}),
    ({"slot": "morning", "date": ""}, {"date": "Not a valid date."}),
    ({"slot": "morning", "date": "2017-02-30"}, {"date": "Not a valid date."}),
    ({"slot": "morning", "date": "1899-12-31"}, {"date": "Must be greater than or equal to 1900-01-01"}),
    ({"slot": "x" * 33}, {"slot": "Use at most 32 characters"}),
    ({"title": ""}, {"title": "Give a title"}),
    ({"title": "x" * 501}, {"title": "Use at most 500 characters"}),
    ({"body": "x" * 201}, {"body": "Use at most 200 characters"}),
    ({"description": "x" * 20_001}, {"description": "Use at most 20000 characters"}),
    ({"notes": "x" * 20_001}, {"notes": "Use at most 20000 characters"}),
    ({"kind": "picnic"}, {"kind": "Must be one of: plenary"}),
    ({"kind": ""}, {"kind": "Must be one of: plenary"}),
    ({"status": "cancelled"}, {"status": "Must be one of: tentative, confirmed."}),
    ({"visibility": "secret"}, {"visibility": "Must be one of: public, missions, closed."}),
    ({"room": "NOPE"}, {"room": "No room 'NOPE'"}),
    ({"room": ""}, {"room": "Give a room"}),
    ({"room": "R" * 33}, {"room": "Use at most 32 characters"}),
    ({"process": "no-such-process"}, {"process": "No process 'no-such-process'"}),
    ({"process": "p" * 101}, {"process": "Use at most 100 characters"}),
    ({"expected_participants": "0"}, {"expected_participants": "greater than or equal to 1"}),
    ({"expected_participants": "100001"}, {"expected_participants": "less than or equal to 100000"}),
    ({"expected_participants": "99999999999999999999999999"}, {"expected_participants": "less than or equal to"}),
    ({"expected_participants": "-5"}, {"expected_participants": "Not a valid integer."}),
    ({"expected_participants": "1e3"}, {"expected_participants": "Not a valid integer."}),
    ({"expected_participants": "12.5"}, {"expected_participants": "Not a valid integer."}),
    ({"expected_participants": "many"}, {"expected_participants": "Not a valid integer."}),
    ({"languages": ["en", "en"]}, {"languages": "Each language once"}),
    ({"languages": ["en", "tlh"]}, {"languages": "Must be one of: ar, zh, en, fr, ru, es."}),
    ({"organizers": "\n".join(f"Mission {n}" for n in range(21))}, {"organizers": "Use at most 20 items"}),
    ({"organizers": "x" * 201}, {"organizers": "Use at most 200 characters"}),
    ({"invited_missions": "ZZZ"}, {"invited_missions": "No mission ZZZ"}),
    ({"invited_missions": SCRIPT}, {"invited_missions": "Use up to 16 capital letters"}),
    ({"invited_missions": " ".join(f"M{n}" for n in range(251))}, {"invited_missions": "Use at most 250 items"}),
]


def test_every_bad_booking_gets_the_form_back_with_the_message_at_its_field_and_books_nothing(officer_client, officer):
    for values, expected in BAD_BOOKINGS:
        form = meeting_form(officer_client, **values)
        response = officer_client.post("/console/meetings/new", data=form)
        assert response.status_code == 422 and response.mimetype == "text/html", values
        errors = field_errors(response.text)
        for field, message in expected.items():
            assert message in errors.get(field, ""), (values, errors)
        assert "The form has errors" in response.text
        # What was typed comes back (escaped), so nothing is lost.
        if "title" in values and values["title"]:
            assert f'value="{values["title"]}"' in response.text
    assert meetings(officer_client, officer) == []


def test_a_status_the_form_does_not_offer_is_refused(officer_client, officer):
    """'requested' hides the Status select, so its message has no field to stand at; the form is still refused."""
    for status in ("requested", "REQUESTED", "confirmed ", "postponed"):
        response = officer_client.post("/console/meetings/new", data=meeting_form(officer_client, status=status))
        assert response.status_code == 422 and "The form has errors" in response.text, status
    assert meetings(officer_client, officer) == []


def test_a_form_with_no_fields_at_all_or_unknown_ones(officer_client, officer):
    csrf = csrf_of(officer_client.get("/console/meetings/new").text)
    bare = officer_client.post("/console/meetings/new", data={"csrf_token": csrf})
    assert bare.status_code == 422
    assert field_errors(bare.text) == {
        "title": "Give a title",
        "kind": "Give the kind of meeting",
        "room": "Give a room",
        "start": "Give start and end, or date and slot",
    }
    # Fields the form does not have are ignored, not stored, not a crash.
    extra = meeting_form(officer_client, requested_by="FRA", id="77", version="9", sequence="99", approved_at="x")
    assert officer_client.post("/console/meetings/new", data=extra).status_code == 303
    booked = meetings(officer_client, officer)
    assert len(booked) == 1 and booked[0]["id"] != 77 and booked[0]["requested_by"] is None
    assert booked[0]["version"] == 1 and booked[0]["sequence"] == 0


def test_duplicated_fields_take_the_first_value(officer_client, officer):
    form = MultiDict(meeting_form(officer_client))
    form.setlist("title", ["First title", "Second title"])
    form.setlist("room", ["CR-4", "ECOSOC"])
    assert officer_client.post("/console/meetings/new", data=form).status_code == 303
    [booked] = meetings(officer_client, officer)
    assert (booked["title"], booked["room"]) == ("First title", "CR-4")


def test_odd_but_valid_input_is_read_as_meant(officer_client, officer):
    cases = [
        (
            {"title": "  Spaces kept  ", "expected_participants": " 7 ", "room": "cr-1", "invited_missions": ""},
            {"expected_participants": 7, "room": "CR-1", "title": "  Spaces kept  "},
        ),
        (
            {
                "title": "Slot wins over times",
                "slot": "afternoon",
                "start": "garbage",
                "end": "garbage",
                "room": "CR-2",
            },
            {"start": "2017-06-19T15:00:00-04:00"},
        ),
        (
            {"title": "Zone given", "start": "10:00-05:00", "end": "11:00-05:00", "room": "CR-3"},
            {"start": "2017-06-19T11:00:00-04:00"},
        ),
        (
            {"title": "Arabic-Indic digits", "expected_participants": "\u0663", "room": "CR-5"},
            {"expected_participants": 3},
        ),
        (
            {"title": "Line\r\nbreaks", "organizers": "  A  \r\n\r\n B ", "room": "CR-6"},
            {"title": "Line\nbreaks", "organizers": ["A", "B"]},
        ),
    ]
    for values, expected in cases:
        response = officer_client.post("/console/meetings/new", data=meeting_form(officer_client, **values))
        assert response.status_code == 303, (values, field_errors(response.text))
    by_title = {m["title"]: m for m in meetings(officer_client, officer)}
    for values, expected in cases:
        stored = by_title[expected.get("title", values["title"])]
        for key, value in expected.items():
            assert stored[key] == value, (key, stored[key])


@pytest.mark.parametrize(
    "typed", ["\u00b2", "\u2462", "9" * 5000], ids=["superscript-two", "circled-three", "5000-digits"]
)
def test_expected_participants_that_only_look_like_digits(officer_client, officer, typed):
    response = officer_client.post(
        "/console/meetings/new", data=meeting_form(officer_client, expected_participants=typed)
    )
    assert response.status_code == 422 and "expected_participants" in field_errors(response.text)
    assert meetings(officer_client, officer) == []


def test_nul_characters_in_text_are_a_field_error(officer_client, officer):
    response = officer_client.post("/console/meetings/new", data=meeting_form(officer_client, title="Brief\x00ing"))
    assert response.status_code == 422 and "title" in field_errors(response.text)
    assert meetings(officer_client, officer) == []


def test_blank_titles_and_reasons_are_refused(officer_client, officer):
    response = officer_client.post("/console/meetings/new", data=meeting_form(officer_client, title="   "))
    assert response.status_code == 422 and "title" in field_errors(response.text)


def test_bytes_that_are_not_utf8_do_not_crash_the_form(officer_client, officer):
    csrf = csrf_of(officer_client.get("/console/meetings/new").text)
    body = (
        f"csrf_token={csrf}&title=%FF%FEab&kind=briefing&room=ECOSOC&date=2017-06-19&start=10:00&end=11:00"
        "&body=%C3%28&confirmed=1"
    ).encode()
    response = officer_client.post("/console/meetings/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303
    [booked] = meetings(officer_client, officer)
    assert booked["title"] == "%FF%FEab"  # werkzeug keeps undecodable bytes as their %-escapes
    assert is_html_error(officer_client.get("/journal/%C3%28"), 404)


def test_the_form_prefilled_from_the_query_escapes_it(officer_client):
    page = officer_client.get(
        "/console/meetings/new",
        query_string={"title": QUOTE_BREAKER, "room": SCRIPT, "date": "not a date", "languages": "xx"},
    )
    assert page.status_code == 200
    assert QUOTE_BREAKER not in page.text and SCRIPT not in page.text
    assert 'value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page.text


# --- scripts in what people typed ----------------------------------------------------------


def test_script_in_titles_bodies_and_reasons_is_escaped_on_every_page(app, officer_client, officer):
    hostile = dict(title=SCRIPT, body=f"Body {SCRIPT}", organizers=[SCRIPT], description=SCRIPT)
    shown = book(officer_client, officer, start="2017-06-19T10:00", end="2017-06-19T11:00", **hostile)
    cancelled = book(officer_client, officer, room="CR-4", start="2017-06-19T15:00", end="2017-06-19T16:00", **hostile)
    officer_client.post(f"/api/v1/meetings/{cancelled['id']}/cancel", json={"reason": SCRIPT}, headers=officer)
    officer_client.patch(f"/api/v1/meetings/{shown['id']}", json={"title": f"{SCRIPT} again"}, headers=officer)
    officer_client.post(
        "/api/v1/rooms/CR-1/blocks",
        json={"start": "2017-06-19T08:00", "end": "2017-06-19T20:00", "reason": SCRIPT},
        headers=officer,
    )
    belgium = web_client(app, "mission", SCRIPT, mission="BEL")
    mission_request(belgium, title=SCRIPT, date="2017-06-20")
    refused = officer_client.post(
        "/console/meetings/new", data=meeting_form(officer_client, title=QUOTE_BREAKER, start="10:30", end="11:30")
    )
    assert refused.status_code == 409
    pages = {
        "journal": officer_client.get("/journal/2017-06-19"),
        "day grid": officer_client.get("/console/day/2017-06-19"),
        "week grid": officer_client.get("/console/week/2017-06-19"),
        "meeting and history": officer_client.get(f"/console/meetings/{shown['id']}"),
        "cancelled meeting": officer_client.get(f"/console/meetings/{cancelled['id']}"),
        "requests queue": officer_client.get("/console/requests"),
        "mission page": belgium.get("/mission"),
        "refusal": refused,
        "flash": officer_client.post(
            "/console/meetings/new", data=meeting_form(officer_client, title=SCRIPT, room="CR-2"), follow_redirects=True
        ),
    }
    for name, page in pages.items():
        assert page.status_code in (200, 409), name
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, name
        assert "&lt;script&gt;alert" in page.text or "&lt;img src=x" in page.text, name
    # The refusal's one-click alternatives carry the title as typed, and book it exactly.
    choice = re.search(
        r'<form method="post" action="/console/meetings/new" class="inline">(.*?)</form>', refused.text, re.S
    ).group(1)
    fields = {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', choice)
    }
    assert officer_client.post("/console/meetings/new", data=fields).status_code == 303
    assert QUOTE_BREAKER in {m["title"] for m in meetings(officer_client, officer)}


# --- meeting ids and versions ----------------------------------------------------------------


def test_meetings_that_do_not_exist_are_a_404_page_on_every_route(officer_client, officer):
    booked = book(officer_client, officer, title="Kept", start="2017-06-19T10:00", end="2017-06-19T11:00")
    before = meetings(officer_client, officer)
    csrf = csrf_of(officer_client.get("/").text)
    assert is_html_error(officer_client.get("/console/meetings/424242"), 404)
    assert is_html_error(officer_client.get("/console/meetings/0"), 404)
    for url in (
        "/console/meetings/424242",
        "/console/meetings/424242/cancel",
        "/console/meetings/424242/postpone",
        "/console/requests/424242/approve",
        "/console/requests/424242/reject",
    ):
        response = officer_client.post(url, data={"csrf_token": csrf, "reason": "x", "title": "x"})
        assert is_html_error(response, 404) and "No meeting 424242" in response.text, url
    # Leading zeros name the same meeting; the grid ignores a highlight that is not a number.
    assert officer_client.get(f"/console/meetings/000{booked['id']}").status_code == 200
    for highlight in ("abc", "99999999999999999999999", "-1", ""):
        day = officer_client.get(f"/console/day/2017-06-19?meeting={highlight}")
        assert day.status_code == 200 and " highlight" not in day.text, highlight
    assert meetings(officer_client, officer) == before


@pytest.mark.parametrize("meeting_id", [2**31, 99999999999, 2**63, 10**20])
def test_meeting_ids_beyond_the_databases_integers_are_a_4xx_page_and_change_nothing(
    app, officer_client, officer, meeting_id
):
    book(officer_client, officer, title="Kept", start="2017-06-19T10:00", end="2017-06-19T11:00")
    before = meetings(officer_client, officer)
    csrf = csrf_of(officer_client.get("/").text)
    responses = [officer_client.get(f"/console/meetings/{meeting_id}")]
    for url in (
        f"/console/meetings/{meeting_id}",
        f"/console/meetings/{meeting_id}/cancel",
        f"/console/requests/{meeting_id}/approve",
        f"/console/requests/{meeting_id}/reject",
    ):
        responses.append(officer_client.post(url, data={"csrf_token": csrf, "reason": "x", "title": "x"}))
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    mission_csrf = csrf_of(belgium.get("/mission").text)
    responses.append(belgium.post(f"/mission/subscriptions/{meeting_id}/revoke", data={"csrf_token": mission_csrf}))
    withdrawn = belgium.post(
        f"/mission/requests/{meeting_id}/withdraw", data={"csrf_token": mission_csrf}, follow_redirects=True
    )
    assert withdrawn.status_code == 200 and f"No meeting {meeting_id}" in withdrawn.text
    for response in responses:
        assert response.status_code in (400, 404) and response.mimetype == "text/html"
    assert meetings(officer_client, officer) == before


@pytest.mark.parametrize("meeting_id", [2**31, 99999999999])
def test_meeting_ids_beyond_32_bits_are_not_found_on_postgresql_too(officer_client, request, backend, meeting_id):
    response = officer_client.get(f"/console/meetings/{meeting_id}")
    assert is_html_error(response, 404) and f"No meeting {meeting_id}" in response.text


def test_versions_that_are_not_the_current_one_are_refused_and_change_nothing(officer_client, officer):
    booked = book(officer_client, officer, title="Original", start="2017-06-19T10:00", end="2017-06-19T11:00")
    url = f"/console/meetings/{booked['id']}"
    for version in ("abc", "0", "-1", "2", "1.0", "9" * 400, " 1x", "1,2", "*"):
        form = meeting_form(officer_client, url=url, title="Changed", version=version)
        response = officer_client.post(url, data=form)
        assert response.status_code == 412 and "Someone changed this meeting after you opened it" in response.text, (
            version
        )
        for action in ("cancel", "postpone"):
            refused = officer_client.post(
                f"{url}/{action}", data={"csrf_token": form["csrf_token"], "reason": "x", "version": version}
            )
            assert refused.status_code == 412, (action, version)
    after = meeting(officer_client, officer, booked["id"])
    assert (after["title"], after["status"], after["version"]) == ("Original", "confirmed", 1)
    # A form without a version is applied to the meeting as it is (no precondition).
    form = meeting_form(officer_client, url=url, title="Changed")
    assert officer_client.post(url, data=form).status_code == 303
    assert meeting(officer_client, officer, booked["id"])["title"] == "Changed"


def test_an_edit_refused_as_stale_can_only_be_saved_after_reloading(officer_client, officer):
    booked = book(officer_client, officer, title="Original", start="2017-06-19T10:00", end="2017-06-19T11:00")
    url = f"/console/meetings/{booked['id']}"
    mine = browser_form(officer_client.get(url).text, url)
    officer_client.patch(url.replace("/console", "/api/v1"), json={"description": "Someone else"}, headers=officer)
    mine["title"] = "Mine"
    stale = officer_client.post(url, data=mine)
    assert stale.status_code == 412
    again = browser_form(stale.text, url)  # the page shows the meeting as it is now, to change again
    assert again["title"] == "Original" and again["version"] == "2"
    assert again["description"] == "Someone else"
    again["title"] = "Mine"
    assert officer_client.post(url, data=again).status_code == 303
    after = meeting(officer_client, officer, booked["id"])
    assert (after["title"], after["description"]) == ("Mine", "Someone else")  # nobody's change lost


# --- changing, cancelling, postponing ----------------------------------------------------


def test_cancelling_twice_postponing_a_cancelled_meeting_and_editing_it(officer_client, officer):
    booked = book(officer_client, officer, title="Once", start="2017-06-19T10:00", end="2017-06-19T11:00")
    url = f"/console/meetings/{booked['id']}"
    csrf = csrf_of(officer_client.get(url).text)
    for reason, message in (("", "Give a reason"), ("x" * 2001, "Use at most 2000 characters")):
        refused = officer_client.post(f"{url}/cancel", data={"csrf_token": csrf, "reason": reason, "version": "1"})
        assert refused.status_code == 422 and message in field_errors(refused.text)["reason"]
    assert meeting(officer_client, officer, booked["id"])["status"] == "confirmed"
    first = officer_client.post(f"{url}/cancel", data={"csrf_token": csrf, "reason": "Called off", "version": "1"})
    assert first.status_code == 303
    # The same form sent twice (a double click): the second is stale, and says so.
    double = officer_client.post(f"{url}/cancel", data={"csrf_token": csrf, "reason": "Called off", "version": "1"})
    assert double.status_code == 412
    # Without a version, cancelling a cancelled meeting changes nothing.
    again = officer_client.post(f"{url}/cancel", data={"csrf_token": csrf, "reason": "Other reason"})
    assert again.status_code == 303
    postponed = officer_client.post(f"{url}/postpone", data={"csrf_token": csrf, "reason": "Later"})
    assert postponed.status_code == 409 and "cancelled, which is final" in postponed.text
    edited = officer_client.post(url, data=meeting_form(officer_client, url=url, title="Revived", version="2"))
    assert edited.status_code == 409 and "cancelled, which is final: book a new meeting" in edited.text
    assert "Change or move" not in edited.text  # no edit form for a cancelled meeting
    after = meeting(officer_client, officer, booked["id"])
    assert (after["title"], after["status"], after["status_reason"], after["version"]) == (
        "Once",
        "cancelled",
        "Called off",
        2,
    )
    history = officer_client.get(f"/api/v1/meetings/{booked['id']}/history", headers=officer).json
    assert [entry["action"] for entry in history] == ["created", "cancelled"]


def test_a_refusal_not_about_the_room_offers_no_alternatives(officer_client, officer):
    booked = book(officer_client, officer, title="Once", start="2017-06-19T10:00", end="2017-06-19T11:00")
    officer_client.post(f"/api/v1/meetings/{booked['id']}/cancel", json={"reason": "Off"}, headers=officer)
    url = f"/console/meetings/{booked['id']}"
    edited = officer_client.post(url, data=meeting_form(officer_client, url=url, title="Revived"))
    assert edited.status_code == 409
    assert "Take one of these instead" not in edited.text and "No other room fits" not in edited.text


def test_editing_a_postponed_meeting_keeps_it_postponed(officer_client, officer):
    booked = book(officer_client, officer, title="Later", start="2017-06-19T10:00", end="2017-06-19T11:00")
    officer_client.post(f"/api/v1/meetings/{booked['id']}/postpone", json={"reason": "Later"}, headers=officer)
    url = f"/console/meetings/{booked['id']}"
    form = browser_form(officer_client.get(url).text, url)
    form["title"] = "Later, typo fixed"
    assert officer_client.post(url, data=form).status_code == 303
    assert meeting(officer_client, officer, booked["id"])["status"] == "postponed"


def test_an_overnight_meeting_can_be_renamed_in_the_console(officer_client, officer):
    booked = book(
        officer_client, officer, title="Night session", room="GA-HALL", start="2017-06-19T22:00", end="2017-06-20T01:00"
    )
    url = f"/console/meetings/{booked['id']}"
    form = browser_form(officer_client.get(url).text, url)
    form["title"] = "Night session, renamed"
    response = officer_client.post(url, data=form)
    assert response.status_code == 303, field_errors(response.text)


def test_a_meeting_in_the_dst_fold_can_be_renamed_in_the_console(officer_client, officer):
    booked = book(
        officer_client, officer, title="Fold", room="CR-1", start="2017-11-05T01:30-04:00", end="2017-11-05T02:30-05:00"
    )
    url = f"/console/meetings/{booked['id']}"
    form = browser_form(officer_client.get(url).text, url)
    form["title"] = "Fold, renamed"
    response = officer_client.post(url, data=form)
    assert response.status_code == 303, field_errors(response.text)


def test_editing_a_pending_request_in_the_console_cannot_decide_it(app, officer_client, officer):
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    mission_request(belgium, title="Belgian request")
    [request_meeting] = meetings(officer_client, officer)
    url = f"/console/meetings/{request_meeting['id']}"
    page = officer_client.get(url)
    assert 'name="status"' not in re.search(r'class="meeting-form".*?</form>', page.text, re.S).group(0)
    forged = browser_form(page.text, url)
    forged["status"] = "confirmed"
    refused = officer_client.post(url, data=forged)
    assert refused.status_code == 409 and "decided with POST .../approve or .../reject" in refused.text
    assert meeting(officer_client, officer, request_meeting["id"])["status"] == "requested"


def test_a_pending_request_with_a_field_error_can_be_fixed_and_saved(app, officer_client, officer):
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    mission_request(belgium, title="Belgian request")
    [request_meeting] = meetings(officer_client, officer)
    url = f"/console/meetings/{request_meeting['id']}"
    form = browser_form(officer_client.get(url).text, url)
    form["title"] = ""
    with_error = officer_client.post(url, data=form)
    assert with_error.status_code == 422
    fixed = browser_form(with_error.text, url)
    fixed["title"] = "Belgian request, renamed"
    assert officer_client.post(url, data=fixed).status_code == 303
    assert meeting(officer_client, officer, request_meeting["id"])["status"] == "requested"


# --- the requests queue ---------------------------------------------------------------------


def test_deciding_requests_already_decided_or_not_requests_at_all(app, officer_client, officer):
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    mission_request(belgium, title="First", start="10:00", end="11:00")
    mission_request(belgium, title="Second", start="15:00", end="16:00")
    plain = book(officer_client, officer, title="Plain booking", room="CR-1")
    first, second = (m["id"] for m in meetings(officer_client, officer) if m["requested_by"] == "BEL")
    queue = officer_client.get("/console/requests")
    csrf = csrf_of(queue.text)

    def decide(meeting_id, decision, **data):
        return officer_client.post(
            f"/console/requests/{meeting_id}/{decision}", data={"csrf_token": csrf, **data}, follow_redirects=True
        )

    for data, message in (
        ({"status": "requested"}, "status: Must be one of: tentative, confirmed."),
        ({"status": "cancelled"}, "status: Must be one of: tentative, confirmed."),
        ({"status": "confirmed", "version": "7"}, "The meeting changed since you read it"),
        ({"version": "abc"}, "The meeting changed since you read it"),
    ):
        assert message in text_of(decide(first, "approve", **data).text), data
    for data, message in (
        ({}, "reason: Give a reason"),
        ({"reason": ""}, "reason: Give a reason"),
        ({"reason": "x" * 2001}, "reason: Use at most 2000 characters"),
    ):
        assert message in text_of(decide(first, "reject", **data).text), data
    assert meeting(officer_client, officer, first)["status"] == "requested"

    assert "Approved: First" in text_of(decide(first, "approve", status="tentative").text)
    assert "Rejected: Second" in text_of(decide(second, "reject", reason="No room").text)
    for meeting_id, status in ((first, "tentative"), (second, "rejected"), (plain["id"], "confirmed")):
        for decision in ("approve", "reject"):
            answer = decide(meeting_id, decision, reason="Again", status="confirmed")
            assert answer.status_code == 200
            assert f"The meeting is {status}, not a pending request" in text_of(answer.text), (meeting_id, decision)
        assert meeting(officer_client, officer, meeting_id)["status"] == status
    assert "No request is waiting for a decision." in text_of(officer_client.get("/console/requests").text)
    # A viewer sees the queue but no buttons.
    assert "Approve" not in web_client(app, "viewer").get("/console/requests").text


# --- missions' pages -----------------------------------------------------------------------


def test_a_mission_cannot_withdraw_or_see_another_missions_request(app, officer_client, officer):
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    france = web_client(app, "mission", "France", mission="FRA")
    mission_request(belgium, title="Belgian request")
    [belgian] = meetings(officer_client, officer)
    csrf = csrf_of(france.get("/mission").text)
    for data in ({}, {"reason": "Mine now", "version": "1"}):
        answer = france.post(
            f"/mission/requests/{belgian['id']}/withdraw", data={"csrf_token": csrf, **data}, follow_redirects=True
        )
        assert answer.status_code == 200 and f"No meeting {belgian['id']}" in text_of(answer.text)
    assert "Belgian request" not in france.get("/mission").text
    assert meeting(officer_client, officer, belgian["id"])["status"] == "requested"
    # The mission's own: a bad reason is refused; a decided request cannot be withdrawn.
    own_csrf = csrf_of(belgium.get("/mission").text)
    too_long = belgium.post(
        f"/mission/requests/{belgian['id']}/withdraw",
        data={"csrf_token": own_csrf, "reason": "x" * 2001},
        follow_redirects=True,
    )
    assert "The reason is not valid" in text_of(too_long.text)
    assert meeting(officer_client, officer, belgian["id"])["status"] == "requested"
    officer_client.post(f"/api/v1/meetings/{belgian['id']}/approve", json={"status": "confirmed"}, headers=officer)
    late = belgium.post(
        f"/mission/requests/{belgian['id']}/withdraw", data={"csrf_token": own_csrf}, follow_redirects=True
    )
    assert "The meeting is confirmed, not a pending request" in text_of(late.text)
    assert meeting(officer_client, officer, belgian["id"])["status"] == "confirmed"


def test_a_missions_request_is_a_request_whatever_the_form_says(app, officer_client, officer):
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    form = meeting_form(belgium, url="/mission/requests/new", title="Sneaky", room="CR-4", status="confirmed")
    assert belgium.post("/mission/requests/new", data=form).status_code == 303
    [made] = meetings(officer_client, officer)
    assert (made["status"], made["requested_by"]) == ("requested", "BEL")
    bad = belgium.post(
        "/mission/requests/new",
        data=meeting_form(belgium, url="/mission/requests/new", title="", room="NOPE", date="2017-02-30"),
    )
    assert bad.status_code == 422
    assert set(field_errors(bad.text)) >= {"title"}
    assert len(meetings(officer_client, officer)) == 1


def test_a_mission_cannot_revoke_another_missions_subscription_nor_one_twice(app, client):
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    france = web_client(app, "mission", "France", mission="FRA")
    made = belgium.post(
        "/mission/subscriptions",
        data={"csrf_token": csrf_of(belgium.get("/mission").text), "name": "Belgian feed"},
        follow_redirects=True,
    )
    feed = re.search(
        r'id="https-link" type="text" readonly value="http://localhost(/feeds/subscriptions/[^"]+)"', made.text
    ).group(1)
    subscription_id = re.search(r"/mission/subscriptions/(\d+)/revoke", belgium.get("/mission").text).group(1)
    french_csrf = csrf_of(france.get("/mission").text)
    for target in (subscription_id, "424242", "0"):
        refused = france.post(f"/mission/subscriptions/{target}/revoke", data={"csrf_token": french_csrf})
        assert is_html_error(refused, 404) and f"No subscription {target}" in refused.text
    assert client.get(feed).status_code == 200  # still alive
    csrf = csrf_of(belgium.get("/mission").text)
    revoke = f"/mission/subscriptions/{subscription_id}/revoke"
    assert belgium.post(revoke, data={"csrf_token": csrf}).status_code == 303
    assert is_html_error(belgium.post(revoke, data={"csrf_token": csrf}), 404)
    assert client.get(feed).status_code == 404


def test_bad_subscriptions_get_the_form_back_with_messages_and_make_nothing(app):
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    csrf = csrf_of(belgium.get("/mission").text)
    cases = [
        ({"name": ""}, {"name": "Give a name"}),
        ({"name": "x" * 201}, {"name": "Use at most 200 characters"}),
        ({}, {"name": "Give a name"}),
        ({"name": "R", "rooms": ["NOPE", "ECOSOC", "nope2"]}, {"rooms": "No room NOPE, NOPE2"}),
        ({"name": "R", "rooms": [""]}, {"rooms": "Give the rooms"}),
        ({"name": "R", "rooms": ["x" * 101]}, {"rooms": "Use at most 100 characters"}),
        ({"name": "P", "processes": ["no-such"]}, {"processes": "No process no-such"}),
        ({"name": "K", "kinds": ["picnic"]}, {"kinds": "Unknown kind(s)"}),
        ({"name": "B", "bodies": "!!!"}, {"bodies": "Give bodies by name or slug"}),
        ({"name": SCRIPT, "rooms": [SCRIPT]}, {"rooms": "No room <SCRIPT>"}),
    ]
    for data, expected in cases:
        response = belgium.post("/mission/subscriptions", data={"csrf_token": csrf, **data})
        assert response.status_code == 422, data
        errors = field_errors(response.text)
        for field, message in expected.items():
            assert message in errors.get(field, ""), (data, errors)
        assert "<script>" not in response.text.lower().replace('<script src="/static/web/copy.js"', "")
    assert "No subscriptions yet" in text_of(belgium.get("/mission").text)


def test_too_many_rooms_in_a_subscription_is_a_form_error(app, request, backend):
    belgium = web_client(app, "mission", "Belgium", mission="BEL")
    csrf = csrf_of(belgium.get("/mission").text)
    response = belgium.post(
        "/mission/subscriptions", data={"csrf_token": csrf, "name": "Many", "rooms": [f"R{n}" for n in range(2_000)]}
    )
    assert response.status_code == 422 and "rooms" in field_errors(response.text)
    # Beyond MAX_CONTENT_LENGTH the form is refused before it is read, with a page that says why.
    huge = belgium.post(
        "/mission/subscriptions", data={"csrf_token": csrf, "name": "Many", "rooms": [f"R{n}" for n in range(70_000)]}
    )
    assert is_html_error(huge, 413)


# --- grids and Journal details --------------------------------------------------------------


def test_the_day_grids_headings_span_all_its_columns(officer_client, officer):
    book(officer_client, officer, title="Early", room="CR-1", start="2017-06-22T07:30", end="2017-06-22T09:00")
    grid = officer_client.get("/console/day/2017-06-22").text
    head = re.search(r"<thead>(.*?)</thead>", grid, re.S).group(1)
    columns = int(re.search(r'<col span="(\d+)">', grid).group(1))
    assert sum(int(span) for span in re.findall(r'colspan="(\d+)"', head)) == columns


def test_every_subscribe_link_on_the_journal_works(officer_client, officer):
    book(
        officer_client,
        officer,
        title="Odd body",
        room="CR-1",
        start="2017-06-21T10:00",
        end="2017-06-21T11:00",
        body="???",
    )
    page = officer_client.get("/journal/2017-06-21")
    for link in re.findall(r'href="http://localhost(/feeds/[^"]+)"', page.text):
        assert officer_client.get(link).status_code == 200, link
