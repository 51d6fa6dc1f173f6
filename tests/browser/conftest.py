"""Browser tests: Debian's Chromium driven by Playwright, against a live Exchange per test.

Each test gets the suite's fresh database (SQLite or TEST_DATABASE_URL) through the ``app``
fixture and a real HTTP server on a free loopback port. Chromium is never downloaded: a
missing /usr/bin/chromium fails the run rather than skipping it.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail("Browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True,
            "args": CHROMIUM_FLAGS}


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    """Every page's relative URLs go to this test's live server."""
    return {**browser_context_args, "base_url": live_server.url}


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page_errors(page):
    """Console errors and uncaught exceptions (CSP violations are console errors)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def member_login(page, make_user):
    """A signed-in member (the page is theirs)."""
    user = make_user(username="maria", email="maria@example.org", display_name="Maria Lopez")
    from tests.conftest import PASSWORD
    sign_in(page, "maria@example.org", PASSWORD)
    return user
