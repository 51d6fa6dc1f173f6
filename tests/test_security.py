"""CSRF on every state-changing request, htmx included; oversized requests."""
from itertools import product

import pytest
from flask import url_for
from werkzeug.routing import AnyConverter, IntegerConverter

from exchange.curation import services as curation
from exchange.models import Role
from exchange.threads import services as threads
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


def test_a_plain_post_without_a_token_gets_the_whole_400_page(member_client, make_thread):
    thread = make_thread()
    response = member_client.post(f"/t/{thread.id}/reply", data={"body": "My carefully written reply"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<html" in body and '<header class="site-header">' in body and '<section id="error"' in body
    assert "This form has expired" in visible(response)


@pytest.mark.parametrize("header", [None, "", "not-a-real-token", "signed-for-another-session"])
def test_htmx_posts_without_a_valid_csrf_header_get_the_400_partial_and_nothing_is_posted(
        app, member_client, make_thread, header):
    thread = make_thread()
    member_client.csrf_token()  # the session has its token: only the header is wrong
    headers = {"HX-Request": "true"}
    if header == "signed-for-another-session":
        headers["X-CSRFToken"] = app.test_client().csrf_token()
    elif header is not None:
        headers["X-CSRFToken"] = header
    response = member_client.post(f"/t/{thread.id}/reply", data={"body": "My carefully written reply", "page": "1"},
                                  headers=headers)
    assert response.status_code == 400
    body = response.get_data(as_text=True).strip()
    assert body.startswith('<section id="error"') and body.endswith("</section>")
    assert "<html" not in body and "<body" not in body
    assert "This form has expired" in visible(response)
    assert "My carefully written reply" in visible(response)
    assert "HX-Request" in response.headers["Vary"]
    assert "My carefully written reply" not in visible(member_client.get(f"/t/{thread.id}"))


def _post_urls(app, values: dict[str, dict[str, object]]) -> list[tuple[str, str]]:
    """One URL for every POST route and every choice of its ``any(...)`` parts, so a route added
    later is walked without anyone listing it. Arguments come from ``values`` (the first path
    segment's entry, then the shared one), else a default of the converter's kind."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        segment = rule.rule.split("/")[1]
        known = {**values[""], **values.get(segment, {})}
        choices = []
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                choices.append([(name, item) for item in sorted(converter.items)])
            elif name in known:
                choices.append([(name, known[name])])
            else:
                choices.append([(name, 1 if isinstance(converter, IntegerConverter) else "x")])
        with app.test_request_context():
            urls += [(rule.endpoint, url_for(rule.endpoint, **dict(chosen))) for chosen in product(*choices)]
    return urls


# The only POST without our CSRF token: RFC 8058 one-click unsubscribe, which mail clients send with no
# session; the signed token in its address is what protects it (tests/test_notifications.py).
CSRF_EXEMPT = {"notifications.unsubscribe"}


def test_every_form_endpoint_requires_csrf(app, member_client, make_user, make_practice, taxonomy):
    """Every POST route refuses a post without a token, before it looks anything up.

    The answer must be the CSRF refusal page itself: a 400 for another reason, or a 404 because
    the object is missing, would prove nothing. Real objects stand behind the arguments anyway.
    """
    curator = make_user(username="cora", role=Role.MODERATOR)
    practice = make_practice(author=make_user(username="pat"), title="Weekly walkthroughs")
    collection = curation.create_collection(curator=curator, title="First 90 days")
    item = curation.add_item(curator=curator, collection=collection, thread=practice)
    values = {
        "": {"thread_id": practice.id, "post_id": threads.opening_post_id(practice.id), "user_id": curator.id,
             "username": curator.username, "item_id": item.id},
        "collections": {"slug": collection.slug},
        "tags": {"slug": next(iter(taxonomy))},
    }
    urls = _post_urls(app, values)
    assert {"/login", "/register", "/reset", "/logout", "/preview", "/threads/new"} <= {url for _, url in urls}
    assert {endpoint for endpoint, _ in urls} == {rule.endpoint for rule in app.url_map.iter_rules()
                                                  if "POST" in rule.methods}
    not_refused = {}
    for endpoint, url in urls:
        if endpoint in CSRF_EXEMPT:
            continue
        response = member_client.post(url, data={"email": "a@b.org", "body": "x"})
        if response.status_code != 400 or "This form has expired" not in visible(response):
            not_refused[url] = response.status_code
    assert not_refused == {}
    refused_without_a_signed_token = member_client.post("/unsubscribe/x")
    assert refused_without_a_signed_token.status_code == 400 and "not valid" in visible(refused_without_a_signed_token)


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


@pytest.mark.parametrize("path", ["/search?q=data%00chats", "/members?q=ana%00&region=%00", "/mod/log?who=%00",
                                  "/practices?tag=talent%00pipeline", "/tags/talent%00pipeline",
                                  "/members/someone%00else", "/threads?page=%00"])
def test_nul_characters_in_addresses_are_never_an_error(moderator_client, path):
    """PostgreSQL refuses NUL in text: a %00 anywhere is dropped (or the address is unknown), never a 500."""
    response = moderator_client.get(path)
    assert response.status_code in (200, 404), response.status_code


def test_nul_characters_in_a_form_are_dropped_and_the_text_kept(member_client, make_thread):
    thread = make_thread()
    response = member_client.submit(f"/t/{thread.id}/reply", {"body": "Data chats\x00 every Friday", "page": "1"})
    assert response.status_code == 303
    assert "Data chats every Friday" in visible(member_client.get(f"/t/{thread.id}"))
