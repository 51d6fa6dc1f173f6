"""Browser tests: Debian's Chromium driven by Playwright, against a live Exchange per test.

Each test gets the suite's fresh database (SQLite or TEST_DATABASE_URL) through the ``app``
fixture and a real HTTP server on a free loopback port. Chromium is never downloaded: a
missing /usr/bin/chromium fails the run rather than skipping it.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
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


def sign_out(page) -> None:
    """Sign out from the header and wait until the signed-out page is shown.

    The sign-out form is boosted, so the click returns before the new session cookie arrives;
    a sign-in page opened in that gap carries the old session's CSRF token and is refused."""
    page.locator("header").get_by_role("button", name="Sign out").click()
    expect(page.locator(".flashes")).to_contain_text("You are signed out.")


def _is_fragment(body: str) -> bool:
    return "<html" not in body.lower() and "<body" not in body.lower()


@contextmanager
def swapped_in_place(page, method: str, path: str, *, status: int = 200, shows: tuple[str, ...] = (),
                     pushes_url: bool = False):
    """The action in the block is answered by htmx fragments swapped into this same document.

    Window markers cannot tell: ``hx-boost`` on <body> keeps ``window`` alive across a boosted
    link or form post that swaps in a whole new page. So this watches the wire instead: every
    ``method`` request to ``path`` that finished in the block (at least one; typing sends several,
    and htmx may cancel the stale ones) carries HX-Request and not HX-Boosted, and is answered with
    ``status`` and a fragment (no <html>, no <body>); the last answer shows ``shows``. Meanwhile
    nothing loaded a document, made a boosted request or fetched a whole page by script. The
    address stays the same, unless the action pushes one (``pushes_url``: hx-push-url).
    """
    started, finished = [], []

    def on_start(request):
        started.append(request)

    def on_finish(request):
        finished.append(request)

    page.on("request", on_start)
    page.on("requestfinished", on_finish)
    here = page.url
    try:
        yield
    finally:
        page.remove_listener("request", on_start)
        page.remove_listener("requestfinished", on_finish)

    def watched(request) -> bool:
        return request.method == method and urlsplit(request.url).path == path

    answered = [request for request in finished if watched(request)]
    assert answered, f"no {method} {path} was answered in the block"
    for request in answered:
        sent = request.all_headers()
        assert sent.get("hx-request") == "true", f"{method} {request.url} was not sent by htmx"
        assert "hx-boosted" not in sent, f"{method} {request.url} was a boosted navigation"
    # Before any body is read: a document load makes the earlier bodies unreadable.
    navigations = [f"{r.method} {r.url}" for r in started if r.is_navigation_request()]
    assert navigations == [], f"page loads during the block: {navigations}"
    for request in answered:
        response = request.response()
        assert response.status == status, f"{method} {request.url} answered {response.status}, not {status}"
        assert _is_fragment(response.text()), f"{method} {request.url} was answered with a whole page"
    last = answered[-1].response().text()
    for text in shows:
        assert text in last, f"{text!r} is not in the answer to {method} {path}"
    page_loads = [f"{r.method} {r.url}" for r in started if "hx-boosted" in r.headers]
    page_loads += [f"{r.method} {r.url}" for r in finished
                   if not watched(r) and r.resource_type in ("xhr", "fetch") and r.response()
                   and 200 <= r.response().status < 300 and not _is_fragment(r.response().text())]
    assert page_loads == [], f"page loads during the block: {page_loads}"
    if pushes_url:
        assert page.url != here, "the action was to push a new address, and did not"
    else:
        assert page.url == here, f"the address moved from {here} to {page.url}"


@pytest.fixture
def member_login(page, make_user):
    """A signed-in member (the page is theirs)."""
    user = make_user(username="maria", email="maria@example.org", display_name="Maria Lopez")
    from tests.conftest import PASSWORD
    sign_in(page, "maria@example.org", PASSWORD)
    return user
