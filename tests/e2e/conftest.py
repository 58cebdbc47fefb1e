"""Browser tests: Debian's Chromium, driven by the `playwright` package, against the app over real HTTP.

Fixtures (the `app`, `database_url`, `live_server` and the data reset come from tests/conftest.py, so every
browser test runs on SQLite and on PostgreSQL, its writes committed for the server's threads to see):
- `browser`: one headless Chromium (/usr/bin/chromium, or $CHROMIUM_PATH) for the session.
- `page`: a new browser context and page per test, its base URL the live server, so
  `page.goto("/journal/2017-06-16")` works.
- `screenshot`: `screenshot("conflict")` saves the page as
  tests/artifacts/screenshots/<test>-<backend>-conflict.png and returns the path.
A failing test's page is saved there too, as <test>-<backend>-failure.png.

Playwright's own browser download does not work here: never `playwright install`, and don't use the
pytest-playwright plugin (it wants those browsers). Without Chromium the tests skip with a message that
says how to install it, or fail where REQUIRE_BROWSER=1 or REQUIRE_POSTGRES=1 (CI sets both).
"""

import os
from pathlib import Path

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("REQUIRE_POSTGRES") == "1"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    # Only the loopback: a page that loads anything from elsewhere fails at once instead of waiting.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000  # for each Playwright action and wait; Playwright's own default is 30 s


def _no_browser(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"REQUIRE_BROWSER=1 (or REQUIRE_POSTGRES=1) but {reason}", pytrace=False)
    pytest.skip(
        f"browser tests skipped: {reason}. Install Debian's Chromium: 'sudo apt-get install chromium' "
        "(as root, 'make browser' does), or set CHROMIUM_PATH to a Chromium"
    )


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    if not os.access(CHROMIUM_PATH, os.X_OK):
        _no_browser(f"no Chromium at {CHROMIUM_PATH}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed (pip install -r requirements-dev.txt)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so that `page` knows at teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _screenshot_path(request, backend: str, name: str | None) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    parts = [request.node.originalname, backend] + ([name] if name else [])
    return SCREENSHOTS / f"{'-'.join(parts)}.png"


@pytest.fixture
def page(request, browser, live_server, backend):
    """A fresh context (no cookies, en-GB, New York time, 1280x800) and page for each test."""
    context = browser.new_context(
        base_url=live_server, viewport=VIEWPORT, locale="en-GB", timezone_id="America/New_York"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    try:
        if report is not None and report.failed and not page.is_closed():
            page.screenshot(path=_screenshot_path(request, backend, "failure"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def screenshot(request, page, backend):
    """`screenshot(name=None, of=None, full_page=True)`: save a PNG of the test's page (or of `of`, another
    page or a locator) under tests/artifacts/screenshots/, named <test>-<backend>[-<name>].png; its path."""

    def take(name: str | None = None, of=None, full_page: bool = True) -> Path:
        path = _screenshot_path(request, backend, name)
        target = of if of is not None else page
        if hasattr(target, "goto"):  # a page; a locator has no full_page
            target.screenshot(path=path, full_page=full_page)
        else:
            target.screenshot(path=path)
        return path

    return take
