"""CSRF on every state-changing request, htmx included; oversized requests."""
import pytest

from tests.helpers import visible


@pytest.mark.parametrize("token", [None, "not-a-real-token"])
def test_posts_without_a_valid_csrf_token_are_refused_and_the_text_is_shown_back(member_client, make_thread, token):
    thread = make_thread()
    data = {"body": "My carefully written reply"}
    if token:
        data["csrf_token"] = token
    response = member_client.post(f"/t/{thread.id}/reply", data=data)
    assert response.status_code == 400
    page = visible(response)
    assert "This form has expired" in page
    assert "My carefully written reply" in page


@pytest.mark.parametrize("url", ["/login", "/register", "/reset", "/logout", "/preview", "/threads/new"])
def test_every_form_endpoint_requires_csrf(member_client, url):
    assert member_client.post(url, data={"email": "a@b.org", "body": "x"}).status_code == 400


def test_htmx_posts_carry_the_token_in_a_header(member_client, make_thread):
    thread = make_thread()
    token = member_client.csrf_token()
    response = member_client.post(f"/t/{thread.id}/reply", data={"body": "Via htmx", "page": "1"},
                                  headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert "Via htmx" in visible(response)


def test_the_page_hands_htmx_the_csrf_header(member_client):
    html = member_client.get("/threads").get_data(as_text=True)
    assert "hx-headers='{\"X-CSRFToken\": \"" in html


def test_an_oversized_request_gets_a_friendly_413(member_client, make_thread):
    thread = make_thread()
    response = member_client.submit(f"/t/{thread.id}/reply", {"body": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "That was too large" in visible(response)
