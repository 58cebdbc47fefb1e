"""The first story in a browser: an officer signs in, books the first informal meeting in the ECOSOC
Chamber, is refused a second booking with its alternatives and takes one; the public Journal of
16 June 2017 shows the public meetings and not the closed one."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import bearer, make_token
from ..helpers import FIRST_INFORMAL_MEETING, TRAFFICKING_PROCESS, book

pytestmark = pytest.mark.slow  # drives a browser: `make test-all`


def sign_in(page, token: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def test_officer_books_the_first_meeting_then_takes_an_alternative_to_a_refused_one(app, page, screenshot):
    token = make_token(app, "officer", "Meetings Management Section")
    api = app.test_client()
    assert api.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=bearer(token)).status_code == 201

    # A day's other business, as the grid shows it beside the story's meeting.
    book(
        api,
        bearer(token),
        title="Plenary meeting",
        kind="plenary",
        room="GA-HALL",
        start="2017-06-16T10:00",
        end="2017-06-16T13:00",
        body="General Assembly",
    )
    book(
        api,
        bearer(token),
        title="Side event on migration",
        kind="side_event",
        room="CR-4",
        start="2017-06-16T13:15",
        end="2017-06-16T14:30",
    )
    book(
        api,
        bearer(token),
        title="Working group",
        kind="other",
        room="TC-CHAMBER",
        start="2017-06-16T15:00",
        end="2017-06-16T18:00",
        status="tentative",
    )
    api.post(
        "/api/v1/rooms/CR-1/blocks",
        json={"start": "2017-06-16T08:00", "end": "2017-06-16T20:00", "reason": "Interpretation booth works"},
        headers=bearer(token),
    )

    sign_in(page, token)
    page.wait_for_url(re.compile(r"/console/day/\d{4}-\d{2}-\d{2}"))
    expect(page.get_by_role("heading", name=re.compile("Rooms"))).to_be_visible()

    page.goto("/console/meetings/new?room=ECOSOC&date=2017-06-16")
    page.get_by_label("Title").fill(FIRST_INFORMAL_MEETING["title"])
    page.get_by_label("Kind").select_option("informal_consultations")
    page.get_by_label("Process").select_option(TRAFFICKING_PROCESS["slug"])
    page.get_by_label("Starts").fill("10:00")
    page.get_by_label("Ends").fill("12:00")
    page.get_by_label("Who may see it").select_option("missions")
    page.get_by_role("button", name="Book", exact=True).click()
    # Checked first: 2017 is past, so the form says so before booking; the officer goes ahead.
    expect(page.locator("section.check")).to_contain_text("The meeting starts in the past")
    page.get_by_role("button", name="Book it anyway").click()

    page.wait_for_url(re.compile(r"/console/day/2017-06-16"))
    expect(page.get_by_role("status").filter(has_text="Booked: First informal meeting")).to_be_visible()
    booked = page.locator("td.meeting", has_text="First informal meeting")
    expect(booked).to_contain_text("10:00–12:00")
    screenshot("console-grid", full_page=False)

    page.goto("/console/meetings/new?room=ECOSOC&date=2017-06-16")
    page.get_by_label("Title").fill("Consultations on the zero draft")
    page.get_by_label("Starts").fill("11:00")
    page.get_by_label("Ends").fill("13:00")
    page.get_by_role("button", name="Book", exact=True).click()

    refusal = page.get_by_role("alert").filter(has_text="Room ECOSOC is not available for that time")
    expect(refusal).to_be_visible()
    assert "First informal meeting (confirmed), 10:00–12:00 in ECOSOC" in refusal.inner_text()
    choices = refusal.locator("button.choice")
    assert choices.count() >= 2
    screenshot("conflict", full_page=False)

    first_choice = choices.first.inner_text()
    room_code = re.search(r"\(([A-Z0-9-]+), \d+ seats\)", first_choice).group(1)
    choices.first.click()
    page.get_by_role("button", name="Book it anyway").click()  # the alternative is checked too
    page.wait_for_url(re.compile(r"/console/day/2017-06-16"))
    expect(page.get_by_role("status").filter(has_text="Booked: Consultations on the zero draft")).to_be_visible()

    meetings = {m["title"]: m for m in api.get("/api/v1/meetings", headers=bearer(token)).json}
    assert meetings["Consultations on the zero draft"]["room"] == room_code != "ECOSOC"
    assert meetings["Consultations on the zero draft"]["start"] == "2017-06-16T11:00:00-04:00"
    assert meetings["First informal meeting"]["room"] == "ECOSOC"


def test_public_journal_of_16_june_2017_shows_public_meetings_not_the_closed_one(app, page, screenshot):
    headers = bearer(make_token(app, "officer", "Meetings Management Section"))
    api = app.test_client()
    api.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=headers)
    book(api, headers, **{**FIRST_INFORMAL_MEETING, "visibility": "public", "languages": ["en", "fr"]})
    book(
        api,
        headers,
        title="Briefing by the Chair of the Counter-Terrorism Committee",
        kind="briefing",
        room="CR-4",
        start="2017-06-16T15:00",
        end="2017-06-16T16:30",
        body="Security Council",
        webcast=True,
    )
    book(
        api,
        headers,
        title="Closed consultations of the Bureau",
        kind="other",
        room="CR-1",
        start="2017-06-16T10:00",
        end="2017-06-16T11:00",
        visibility="closed",
    )

    page.goto("/journal/2017-06-16")
    expect(page.get_by_role("heading", name=re.compile("Journal"))).to_be_visible()
    expect(page.get_by_text("Friday, 16 June 2017").first).to_be_visible()
    programme = page.locator("main")
    expect(programme.get_by_text("First informal meeting")).to_be_visible()
    expect(programme.get_by_text("Briefing by the Chair of the Counter-Terrorism Committee")).to_be_visible()
    assert programme.get_by_text("Closed consultations of the Bureau").count() == 0
    assert page.locator("a[href^='webcal://']").count() >= 4
    screenshot("journal")

    page.get_by_role("link", name=re.compile("Saturday, 17 June 2017")).click()
    page.wait_for_url(re.compile(r"/journal/2017-06-17"))
    expect(page.get_by_text("No public meetings are scheduled")).to_be_visible()
