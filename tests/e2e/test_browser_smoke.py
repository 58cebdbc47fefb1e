"""The browser set-up works: Debian's Chromium reaches the app over HTTP and sees this test's data."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow  # drives a browser: `make test-all`


def test_the_browser_sees_the_live_app_and_its_seeded_rooms(page, screenshot, live_server):
    response = page.goto("/healthz")
    assert response.status == 200 and response.url == f"{live_server}/healthz"
    expect(page.locator("body")).to_contain_text('"status":"ok"')

    page.goto("/api/v1/rooms?venue=UNHQ")
    expect(page.locator("body")).to_contain_text("Economic and Social Council Chamber")
    path = screenshot("rooms")
    assert path.name.endswith("-rooms.png") and path.read_bytes().startswith(b"\x89PNG")
