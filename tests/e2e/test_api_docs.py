"""The API's documentation page works with no internet: Swagger UI comes from the service itself."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow  # drives a browser: `make test-all`


def test_the_api_documentation_renders_offline(page, screenshot, live_server):
    elsewhere = []
    page.on("request", lambda request: None if request.url.startswith(live_server) else elsewhere.append(request.url))
    page.goto("/journal/2017-06-16")
    page.get_by_role("link", name="API").click()
    expect(page.get_by_role("heading", name="Scheduler")).to_be_visible()
    expect(page.get_by_text("/api/v1/meetings/{meeting_id}/approve").first).to_be_visible()
    screenshot("docs")
    assert elsewhere == []
