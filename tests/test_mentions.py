"""@mentions in the UI: a known member's @name links to their profile (never in code or inside a
link, never for a name nobody has), and the composer suggests active members to mention."""
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import event, select

from exchange import markup
from exchange.extensions import db
from exchange.markup import ALLOWED_TAGS, render_markdown
from exchange.models import Post, Role, Status
from exchange.notifications.mentions import listed_usernames, mentioned
from exchange.notifications.suggestions import MAX_SUGGESTIONS


def _links(html: str) -> list[dict]:
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                found.append(dict(attrs))

    Collector().feed(html)
    return found


def _mention_links(html: str) -> list[str]:
    return [a["href"] for a in _links(html) if a.get("class") == "mention"]


@pytest.fixture
def cara(app, make_user):
    return make_user(username="cara", display_name="Cara Okafor")


# --- rendering ---------------------------------------------------------------------------------

def test_a_known_member_named_with_at_links_to_their_profile(cara):
    html = render_markdown("Ask @cara, she ran the pilot. And **@Cara** again.")
    assert _mention_links(html) == ["/members/cara", "/members/cara"]
    assert '<a href="/members/cara" class="mention" rel="nofollow ugc noopener">@cara</a>' in html
    assert ">@Cara</a>" in html  # shown as written, linked to the stored (lower-case) username


def test_a_name_nobody_has_stays_plain_text(cara):
    html = render_markdown("Thanks @nobody-here and @cara.")
    assert _mention_links(html) == ["/members/cara"]
    assert "@nobody-here" in html and "/members/nobody-here" not in html


def test_a_dotted_username_is_one_mention_and_a_closing_full_stop_is_not_part_of_it(app, make_user):
    make_user(username="jane.doe")
    make_user(username="jane")
    html = render_markdown("Thanks @jane.doe.")
    assert _mention_links(html) == ["/members/jane.doe"]
    assert mentioned("Thanks @jane.doe.") == ["jane.doe"]


@pytest.mark.parametrize("status, role", [(Status.PENDING, Role.MEMBER), (Status.SUSPENDED, Role.MEMBER),
                                          (Status.INVITED, Role.MEMBER), (Status.ACTIVE, Role.EMPLOYER)])
def test_only_listed_members_are_linked(make_user, status, role):
    make_user(username="hidden-one", status=status, role=role)
    assert _mention_links(render_markdown("Hello @hidden-one")) == []


@pytest.mark.parametrize("text", [
    "Run `@cara` in the shell.",
    "```\n@cara in a fenced block\n```",
    "    @cara in an indented block",
])
def test_a_mention_in_code_stays_code(cara, text):
    html = render_markdown(text)
    assert _mention_links(html) == [] and "@cara" in html


def test_a_mention_inside_a_link_stays_the_link(cara):
    html = render_markdown("[@cara's notes](https://example.org/notes) and https://example.org/@cara")
    assert _mention_links(html) == []
    assert [a["href"] for a in _links(html)] == ["https://example.org/notes", "https://example.org/@cara"]


def test_an_email_address_is_not_a_mention(cara, make_user):
    make_user(username="b.org")
    html = render_markdown("Write to a@b.org or cara@example.org, or me@cara.")
    assert _mention_links(html) == []
    assert mentioned("Write to a@b.org or cara@example.org") == []


@pytest.mark.parametrize("hostile", [
    "@<script>alert(1)</script>",
    "@cara<script>alert(1)</script>",
    '@cara"><img src=x onerror=alert(1)>',
    "[@cara](javascript:alert(1))",
    "@cara](javascript:alert(1))",
    "@javascript:alert(1)",
])
def test_hostile_text_around_a_mention_stays_inert(cara, hostile):
    html = render_markdown(hostile)
    assert "<script" not in html and "<img" not in html
    for a in _links(html):
        assert set(a) <= {"href", "rel", "class", "title"}
        assert a.get("class") in (None, "mention")
        assert not a["href"].lower().startswith("javascript")


def test_the_sanitizer_keeps_only_the_mention_class_on_links():
    # Raw HTML is off, so only a bleach bypass could bring a class; the allowlist still refuses others.
    cleaned = markup._cleaner.clean('<a href="/x" class="flash warn">x</a><a href="/y" class="mention">y</a>')
    assert 'class="flash warn"' not in cleaned and 'class="mention"' in cleaned
    assert all(tag in ALLOWED_TAGS for tag in re.findall(r"<(\w+)", cleaned))


def test_without_a_resolver_mentions_stay_text(cara):
    markup.set_mention_resolver(None)
    try:
        assert _mention_links(render_markdown("Ask @cara")) == []
    finally:
        markup.set_mention_resolver(listed_usernames)


def test_all_names_of_a_text_are_resolved_in_one_query(app, cara, make_user):
    make_user(username="dev")
    asked = []
    markup.set_mention_resolver(lambda names: asked.append(list(names)) or listed_usernames(names))
    try:
        html = render_markdown("@cara and @dev\n\n- @ghost\n- @cara again\n\n| who |\n|---|\n| @dev |")
    finally:
        markup.set_mention_resolver(listed_usernames)
    assert asked == [["cara", "dev", "ghost"]]
    assert _mention_links(html) == ["/members/cara", "/members/dev", "/members/cara", "/members/dev"]


def test_a_replys_stored_html_links_the_mention(established_client, make_thread, cara):
    thread = make_thread()
    response = established_client.submit(f"/t/{thread.id}/reply", {"body": "@cara has the rubric."})
    assert response.status_code in (302, 303)
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.id.desc())).first()
    assert post.body_source == "@cara has the rubric."
    assert _mention_links(post.body_html) == ["/members/cara"]
    page = established_client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'href="/members/cara" class="mention"' in page


def test_a_practice_section_links_the_mention(make_practice, cara):
    practice = make_practice(problem="@cara saw half our principals leave.")
    assert _mention_links(practice.practice.problem_html) == ["/members/cara"]


def test_the_preview_links_the_mention(member_client, cara):
    html = member_client.submit("/preview", {"body": "Ask @cara"}, htmx=True).get_data(as_text=True)
    assert 'href="/members/cara" class="mention"' in html


# --- suggestions -------------------------------------------------------------------------------

def _suggested(client, q: str) -> list[str]:
    response = client.get("/members/mention-suggestions", query_string={"q": q})
    assert response.status_code == 200
    return re.findall(r'data-mention="([^"]+)"', response.get_data(as_text=True))


def test_suggestions_offer_active_members_only(member_client, make_user):
    make_user(username="carl-active", display_name="Carl Active")
    make_user(username="carl-pending", status=Status.PENDING)
    make_user(username="carl-suspended", status=Status.SUSPENDED)
    make_user(username="carl-invited", status=Status.INVITED)
    make_user(username="carl-rejected", status=Status.REJECTED)
    make_user(username="carl-hiring", role=Role.EMPLOYER)
    assert _suggested(member_client, "carl") == ["carl-active"]


def test_suggestions_match_the_start_of_a_username_or_of_a_word_of_the_display_name(member_client, make_user):
    make_user(username="okafor", display_name="Someone Else")
    make_user(username="cara", display_name="Cara Okafor")
    make_user(username="dev", display_name="Okonkwo Devlin")
    make_user(username="bok", display_name="Bo Kim")  # "ok" inside a word is no match
    assert _suggested(member_client, "ok") == ["okafor", "cara", "dev"]  # usernames first
    assert _suggested(member_client, "@OKAF") == ["okafor", "cara"]
    assert _suggested(member_client, "devl") == ["dev"]


def test_suggestions_show_name_and_username_but_never_an_email(member_client, make_user):
    make_user(username="cara", display_name="Cara Okafor", email="cara.private@example.org")
    html = member_client.get("/members/mention-suggestions?q=ca").get_data(as_text=True)
    assert "Cara Okafor" in html and "@cara" in html
    assert "example.org" not in html and "@" + "example" not in html
    assert 'role="listbox"' in html and 'role="option"' in html


def test_at_most_eight_members_are_suggested(member_client, make_user):
    for i in range(12):
        make_user(username=f"sam{i:02d}")
    assert _suggested(member_client, "sam") == [f"sam{i:02d}" for i in range(MAX_SUGGESTIONS)]
    assert MAX_SUGGESTIONS == 8


def test_suggestions_are_one_statement(app, member_client, make_user):
    make_user(username="cara")
    statements = []

    def count(conn, cursor, statement, *args):
        if "FROM users" in statement and "LIKE" in statement.upper():
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert _suggested(member_client, "ca") == ["cara"]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/members/mention-suggestions?q=ca")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_pending_member_cannot_ask(pending_client):
    assert pending_client.get("/members/mention-suggestions?q=ne").status_code == 403


@pytest.mark.parametrize("q", ["", "%", "_", "\\", "%%_\\", "' OR 1=1 --", "<script>alert(1)</script>",
                               "a" * 5000, "é", "\x00", "@", "@@"])
def test_hostile_or_empty_queries_answer_an_empty_list(member_client, make_user, q):
    make_user(username="cara")
    response = member_client.get("/members/mention-suggestions", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script" not in html and re.findall(r'data-mention="([^"]+)"', html) == []


def test_a_percent_sign_is_not_a_wildcard(member_client, make_user):
    make_user(username="cara")
    assert _suggested(member_client, "c%") == [] and _suggested(member_client, "c_ra") == []


def test_every_markdown_field_asks_for_suggestions_and_the_script_is_loaded(member_client):
    html = member_client.get("/threads/new").get_data(as_text=True)
    assert 'data-mentions="/members/mention-suggestions"' in html
    assert '/static/js/mentions.js' in html

