"""Home, health check, error pages and the security headers every response carries."""
from tests.helpers import visible
from exchange.extensions import db


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


def test_every_response_carries_a_script_src_self_content_security_policy(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_contain_no_inline_scripts_or_event_handler_attributes(member_client, make_thread):
    thread = make_thread()
    for url in ("/", "/threads", f"/t/{thread.id}", "/threads/new", "/login"):
        page = member_client.get(url).get_data(as_text=True)
        assert "<script>" not in page and "<script " not in page.replace('<script src="/static/', "")
        assert " onclick=" not in page and " onload=" not in page


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
