"""Home, health check, error pages and the security headers every response carries."""
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import visible
from exchange.extensions import db
from exchange.models import Post, Status
from exchange.search import outbox


def test_anonymous_visitors_see_the_welcome_page_with_sign_in_and_request_links(client):
    page = client.get("/").get_data(as_text=True)
    assert "What worked, from people who did it." in page
    assert 'href="/login"' in page and 'href="/register"' in page


def test_members_see_the_latest_activity_on_the_home_page(member_client, make_thread):
    make_thread(title="Retention bonuses in year two", replies=2)
    page = member_client.get("/").get_data(as_text=True)
    assert "Welcome back, Maria Lopez" in page
    assert "Retention bonuses in year two" in page
    assert "<strong>2</strong> replies" in page


def test_healthz_reports_database_and_search_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok", "search": "ok"}


def test_healthz_is_degraded_when_the_database_is_unreachable(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["db"] == "error"


def test_unknown_pages_get_a_friendly_404_page(member_client):
    response = member_client.get("/no/such/page")
    assert response.status_code == 404
    assert "We couldn't find that page" in visible(response)
    assert "<html" in response.get_data(as_text=True)


def test_htmx_requests_for_unknown_pages_get_the_error_partial_only(member_client):
    response = member_client.htmx_get("/t/999999")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="error"')
    assert "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


def assert_error_partial(response, code: int, *messages: str) -> None:
    """What htmx swaps in: the error section alone, one root element, no page around it."""
    assert response.status_code == code
    body = response.get_data(as_text=True).strip()
    assert body.startswith('<section id="error"') and body.endswith("</section>")
    assert body.count("<section") == 1 and "<html" not in body and "<body" not in body
    assert f"Error {code}" in visible(response)
    for message in messages:
        assert message in visible(response)
    assert "Traceback" not in body
    assert "HX-Request" in response.headers["Vary"]


def assert_error_page(response, code: int, *messages: str) -> None:
    """What a browser without htmx gets: the whole page, header and all, around the same message."""
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<!doctype html>") and "<html" in body and '<header class="site-header">' in body
    assert '<section id="error"' in body and "Traceback" not in body
    for message in messages:
        assert message in visible(response)


@pytest.mark.parametrize("htmx", [True, False])
def test_a_form_without_its_csrf_token_gets_a_friendly_400_and_the_text_back(member_client, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = member_client.post("/threads/new", data={"title": "Mentors for new principals",
                                                        "body": "What did your first year look like?"},
                                  headers=headers)
    check = assert_error_partial if htmx else assert_error_page
    check(response, 400, "This form has expired", "Mentors for new principals", "What did your first year look like?")


@pytest.mark.parametrize("htmx", [True, False])
def test_a_member_at_a_moderator_page_gets_a_friendly_403(member_client, htmx):
    response = member_client.htmx_get("/mod") if htmx else member_client.get("/mod")
    check = assert_error_partial if htmx else assert_error_page
    check(response, 403, "You can't do that here", "Only moderators can open the moderation tools.")


@pytest.mark.parametrize("htmx", [True, False])
def test_too_many_sign_in_attempts_get_a_friendly_429(client, make_user, htmx):
    make_user(email="lee@example.org", username="lee")
    for _ in range(10):
        assert client.submit("/login", {"email": "lee@example.org", "password": "wrong password"},
                             htmx=htmx).status_code == 422
    response = client.submit("/login", {"email": "lee@example.org", "password": "wrong password"}, htmx=htmx)
    check = assert_error_partial if htmx else assert_error_page
    check(response, 429, "Slow down a little")
    assert "Wait a minute, then try again." in visible(response) and "per 1 minute" not in visible(response)


@pytest.mark.parametrize("htmx", [True, False])
def test_a_crash_gets_a_friendly_500_without_the_traceback(app, htmx):
    def crash():
        raise RuntimeError("boom: secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/test-crash", "test_crash", crash)
    client = app.test_client()
    response = client.htmx_get("/test-crash") if htmx else client.get("/test-crash")
    check = assert_error_partial if htmx else assert_error_page
    check(response, 500, "Something went wrong on our side")
    assert "secret internals" not in response.get_data(as_text=True)


def test_a_thread_is_a_partial_for_htmx_and_a_whole_page_for_history_restores(member_client, make_thread):
    thread = make_thread(title="Coaching cycles that stick")
    partial = member_client.htmx_get(f"/t/{thread.id}")
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200
    assert body.lstrip().startswith('<div id="thread">') and "<html" not in body and "<body" not in body
    assert "Coaching cycles that stick" in visible(partial)
    assert "HX-Request" in partial.headers["Vary"]

    # htmx restoring history (or following a boosted link) swaps the whole <body>: it needs the page.
    for headers in ({"HX-History-Restore-Request": "true"}, {"HX-Boosted": "true"}, {}):
        page = member_client.get(f"/t/{thread.id}", headers={"HX-Request": "true", **headers} if headers else {})
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<html" in html and '<header class="site-header">' in html and '<div id="thread">' in html
        assert "Coaching cycles that stick" in visible(page)
        assert "HX-Request" in page.headers["Vary"]


@pytest.mark.parametrize("url", ["/members?program=uelf", "/t/1/some-thread", "/mod", "/search?q=budget"])
def test_anonymous_htmx_requests_for_member_pages_are_sent_to_sign_in_not_given_the_login_form_to_swap(client, url):
    response = client.htmx_get(url)
    assert response.status_code == 204 and response.get_data(as_text=True) == ""
    login = urlsplit(response.headers["HX-Redirect"])
    assert login.path == "/login" and parse_qs(login.query) == {"next": [url]}
    assert "HX-Request" in response.headers["Vary"]
    assert "Sign in" in visible(client.get(response.headers["HX-Redirect"]))


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-History-Restore-Request": "true"},
                                     {"HX-Request": "true", "HX-Boosted": "true"}])
def test_anonymous_page_loads_of_member_pages_still_redirect_to_sign_in(client, headers):
    """Browsers, history restores and boosted links follow a plain redirect to the whole login page."""
    response = client.get("/members?program=uelf", headers=headers)
    assert response.status_code == 302 and "HX-Redirect" not in response.headers
    login = urlsplit(response.location)
    assert login.path == "/login" and parse_qs(login.query) == {"next": ["/members?program=uelf"]}
    assert "HX-Request" in response.headers["Vary"]


def test_every_response_carries_a_script_src_self_content_security_policy(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


class InlineCode(HTMLParser):
    """What a script-src 'self' / style-src 'self' policy would block: inline scripts, inline
    styles and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        self.found += [f"<{tag} {name}=>" for name in names if re.fullmatch(r"on[a-z]+", name) or name == "style"]
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            self.in_script = True
            if not (names.get("src") or "").startswith("/static/"):
                self.found.append("<script> without a src of ours")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.found.append(f"<script> with code: {data.strip()[:40]}")


def _policy(response) -> dict[str, list[str]]:
    directives = (d.split() for d in response.headers["Content-Security-Policy"].split(";") if d.strip())
    return {d[0]: d[1:] for d in directives}


def test_pages_contain_no_inline_scripts_styles_or_event_handler_attributes(
        app, member_client, moderator_client, make_user, make_thread, make_practice):
    thread = make_thread(title="Coaching cycles that stick", replies=2)
    practice = make_practice(title="A 90-day onboarding plan for new principals")
    make_user(username="newbie", display_name="Nia Newcomer", status=Status.PENDING)
    reply = db.session.query(Post).filter_by(thread_id=thread.id).order_by(Post.id.desc()).first()
    assert member_client.submit(f"/p/{reply.id}/flag", {"reason": "spam"}).status_code < 400
    outbox.drain()
    anonymous = app.test_client()
    pages = [  # (who, where, what they see there)
        (member_client, "/", "Welcome back, Maria Lopez"),
        (member_client, "/threads", "Coaching cycles that stick"),
        (member_client, f"/t/{thread.id}", "Reply number 2"),
        (member_client, "/threads/new", "Post thread"),
        (member_client, "/practices", "A 90-day onboarding plan for new principals"),
        (member_client, f"/practices/{practice.id}", "A 90-day onboarding plan for new principals"),
        (member_client, "/members", "Mo Derator"),
        (member_client, "/members/maria", "Maria Lopez"),
        (member_client, "/members/mod", "Mo Derator"),
        (member_client, "/search?q=coaching", "Coaching cycles that stick"),
        (member_client, "/tags", "Tags"),
        (moderator_client, "/mod", "Nia Newcomer"),
        (moderator_client, f"/t/{thread.id}", "Reply number 2"),
        (anonymous, "/", "What worked, from people who did it."),
        (anonymous, "/login", "Sign in"),
    ]
    for client, url, shown in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown in visible(response), url
        parser = InlineCode()
        parser.feed(response.get_data(as_text=True))
        assert parser.found == [], url
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], url
        assert "style-src" in policy and "'unsafe-inline'" not in policy["style-src"], url
        assert not any("unsafe" in source for sources in policy.values() for source in sources), url
    assert "Flagged posts 1" in visible(moderator_client.get("/mod"))


def test_the_inline_code_check_catches_what_the_policy_would_block():
    parser = InlineCode()
    parser.feed('<a href="/x" onclick="go()">x</a><details open ontoggle="f()"></details><p style="color:red">'
                '<style>p{}</style><script>alert(1)</script><script src="https://cdn.example/x.js"></script>'
                '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>')
    assert parser.found == ["<a onclick=>", "<details ontoggle=>", "<p style=>", "<style>",
                            "<script> without a src of ours", "<script> with code: alert(1)",
                            "<script> without a src of ours"]


def test_htmx_is_served_from_our_own_static_folder(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in page
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


def test_a_crash_shows_a_friendly_500_page(app, member_client, monkeypatch):
    from exchange.threads import services

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "latest_threads", explode)
    response = member_client.get("/threads")
    assert response.status_code == 500
    assert "Something went wrong on our side" in visible(response)
    assert "Traceback" not in response.get_data(as_text=True)
