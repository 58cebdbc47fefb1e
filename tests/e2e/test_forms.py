"""The console's forms in the browser: a booking checked before it is made, and a series booked in one go."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import make_token

pytestmark = pytest.mark.slow  # drives a browser: `make test-all`


def sign_in_as_officer(app, page):
    page.goto("/sign-in")
    page.get_by_label("Access token").fill(make_token(app, "officer", "Officer"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console/day/"))


def test_the_booking_form_shows_every_warning_and_books_only_on_confirming(app, page, screenshot):
    sign_in_as_officer(app, page)
    page.goto("/console/meetings/new?room=CR-9&date=2026-12-25")
    page.get_by_label("Title").fill("Year-end briefing")
    page.get_by_label("Expected participants").fill("150")
    page.get_by_label("FR").check()
    page.get_by_role("button", name="Book", exact=True).click()

    check = page.locator("section.check")
    expect(check).to_contain_text("Before you book")
    expect(check).to_contain_text("150 participants expected; CR-9 seats 60")
    expect(check).to_contain_text("CR-9 has no interpretation booths")
    expect(check).to_contain_text("Christmas Day")
    screenshot("check")
    listed = page.request.get("/api/v1/meetings?from=2026-12-25&to=2026-12-25&venue=UNHQ").json()
    assert [meeting["title"] for meeting in listed] == []  # nothing booked yet

    page.get_by_role("button", name="Book it anyway").click()
    page.wait_for_url(re.compile(r"/console/day/2026-12-25"))
    expect(page.locator("td.meeting", has_text="Year-end briefing")).to_be_visible()


def test_the_series_form_books_a_weekly_series(app, page, screenshot):
    sign_in_as_officer(app, page)
    page.get_by_role("link", name="Book a series").click()
    page.get_by_label("Title").fill("Consultations on the declaration")
    page.get_by_label("Room code").fill("ECOSOC")
    page.get_by_label("Tuesday").check()
    page.get_by_label("From").fill("2030-03-01")
    page.get_by_label("How many").fill("3")
    screenshot("series-form")
    page.get_by_role("button", name="Book the series").click()
    page.wait_for_url(re.compile(r"/console/week/2030-03-05"))
    expect(page.get_by_text("Booked 3 meetings: Consultations on the declaration")).to_be_visible()
    expect(page.locator(".week-item", has_text="Consultations on the declaration")).to_have_count(1)
