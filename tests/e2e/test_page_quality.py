"""What a person notices: a phone screen, the keyboard alone, a mission's subscription address."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import bearer, make_token
from ..helpers import FIRST_INFORMAL_MEETING, book

pytestmark = pytest.mark.slow  # drives a browser: `make test-all`

PHONE = {"width": 390, "height": 844}


def test_the_journal_fits_a_phone_screen_without_sideways_scrolling(app, page, screenshot):
    headers = bearer(make_token(app, "officer", "Officer"))
    book(
        app.test_client(),
        headers,
        **{
            **FIRST_INFORMAL_MEETING,
            "visibility": "public",
            "process": None,
            "languages": ["ar", "zh", "en", "fr", "ru", "es"],
            "webcast": True,
        },
    )
    page.set_viewport_size(PHONE)
    page.goto("/journal/2017-06-16")
    expect(page.get_by_text("First informal meeting")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("phone")


def test_sign_in_and_booking_work_from_the_keyboard_alone(app, page):
    token = make_token(app, "officer", "Officer")
    page.goto("/sign-in")
    expect(page.get_by_label("Access token")).to_be_focused()  # the page starts in its one field (autofocus)
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/console/day/"))

    page.goto("/console/meetings/new?room=ECOSOC&date=2030-06-19")  # nothing to warn of: booked at once
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")  # past the navigation, to the page's own content
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title")).to_be_focused()
    page.keyboard.type("Keyboard briefing")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url(re.compile(r"/console/day/2030-06-19"))
    expect(page.locator("td.meeting", has_text="Keyboard briefing")).to_be_visible()


def test_a_refused_field_is_announced_and_tied_to_its_message(app, page):
    page.goto("/sign-in")
    page.get_by_label("Access token").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    field = page.get_by_label("Access token")
    expect(field).to_have_attribute("aria-invalid", "true")  # waits for the answer page
    message = page.locator(f"#{field.get_attribute('aria-describedby')}")
    expect(message).to_have_text("The token is unknown, expired or revoked")


def test_mission_copies_its_new_subscription_address(app, page, screenshot):
    token = make_token(app, "mission", "Permanent Mission of Belgium", mission="BEL")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/sign-in")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/mission$"))
    expect(page.get_by_text("No subscriptions yet")).to_be_visible()
    page.get_by_label("Name").fill("ECOSOC Chamber")
    page.get_by_label("Rooms (none: all)").select_option("ECOSOC")
    page.get_by_role("button", name="Subscribe").click()

    address = page.get_by_label("Calendar address (webcal)").input_value()
    assert re.fullmatch(r"webcal://127\.0\.0\.1:\d+/feeds/subscriptions/[\w-]+\.ics", address)
    page.get_by_role("button", name="Copy").first.click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address
    screenshot("subscription", full_page=False)
    feed = page.request.get(address.replace("webcal://", "http://"))
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")


def test_a_one_hour_meeting_shows_its_whole_title_in_the_day_grid(app, page, screenshot):
    token = make_token(app, "officer", "Officer")
    title = "Informal consultations on candidatures"
    book(app.test_client(), bearer(token), title=title, start="2017-06-19T10:00", end="2017-06-19T11:00")
    page.goto("/sign-in")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console/day/"))
    page.goto("/console/day/2017-06-19?venue=UNHQ")
    shown = page.locator("td.meeting .title", has_text="candidatures")
    expect(shown).to_be_visible()
    cell = page.locator("td.meeting", has_text="candidatures")
    # Nothing of the title is cut: it fits its cell's width, wrapped if need be, and the cell grows to hold it.
    assert shown.evaluate("e => e.scrollWidth <= e.clientWidth")
    title_box, cell_box = shown.bounding_box(), cell.bounding_box()
    assert title_box["x"] + title_box["width"] <= cell_box["x"] + cell_box["width"] + 1
    assert title_box["y"] + title_box["height"] <= cell_box["y"] + cell_box["height"] + 1
    screenshot("one-hour", of=cell)
