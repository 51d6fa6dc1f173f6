"""Discussions: lists, starting threads, the thread page, replies (with and without htmx), editing."""
import pytest
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.models import Category, ModerationLog, Post, Thread, User
from exchange.threads.forms import BODY_MAX, TITLE_MAX
from tests.helpers import visible

# Holds on, as in production: these are posting paths (see tests/conftest.py `holding`).
pytestmark = pytest.mark.usefixtures("holding")


@pytest.fixture
def talent(make_category):
    return make_category(name="Talent and human capital", description="Recruiting, developing and keeping people.")


def test_latest_threads_show_reply_counts_last_activity_and_category(member_client, make_thread, talent):
    make_thread(title="Residency stipends that actually work", category=talent, replies=3)
    page = member_client.get("/threads")
    text = visible(page)
    assert "Residency stipends that actually work" in text
    assert "3 replies" in text
    assert "Talent and human capital" in text
    assert "just now" in text


def test_latest_threads_are_ordered_by_last_activity(member_client, make_thread):
    old = make_thread(title="An older question")
    make_thread(title="A newer question")
    from exchange.threads import services
    services.reply(author=old.author, thread=db.session.get(Thread, old.id), body="Bumping this")
    text = visible(member_client.get("/threads"))
    assert text.index("An older question") < text.index("A newer question")


def test_thread_lists_paginate(app, member_client, make_thread):
    app.config["THREADS_PER_PAGE"] = 2
    for n in range(3):
        make_thread(title=f"Question number {n}")
    first = visible(member_client.get("/threads"))
    assert "Older →" in first and "Question number 0" not in first
    second = visible(member_client.get("/threads?page=2"))
    assert "Question number 0" in second and "← Newer" in second


def test_a_category_page_lists_only_its_threads(member_client, make_thread, make_category, talent):
    data = make_category(name="Data and analytics")
    make_thread(title="Early warning indicators", category=data)
    make_thread(title="Principal pipelines", category=talent)
    text = visible(member_client.get(f"/c/{data.slug}"))
    assert "Early warning indicators" in text and "Principal pipelines" not in text


def test_an_empty_category_invites_the_first_thread(member_client, talent):
    text = visible(member_client.get(f"/c/{talent.slug}"))
    assert "No threads here yet." in text and "Start a thread" in text


def test_unknown_category_thread_and_post_are_404(member_client):
    assert member_client.get("/c/no-such-category").status_code == 404
    assert member_client.get("/t/424242").status_code == 404
    assert member_client.get("/p/424242/edit").status_code == 404
    assert member_client.submit("/t/424242/reply", {"body": "hello"}).status_code == 404


def test_htmx_list_requests_get_the_list_partial_with_vary(member_client, make_thread):
    make_thread(title="Partial please")
    response = member_client.htmx_get("/threads")
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="thread-list"')
    assert "Partial please" in body and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]
    full = member_client.get("/threads")
    assert "<html" in full.get_data(as_text=True) and "HX-Request" in full.headers["Vary"]


def test_boosted_and_history_restore_requests_get_the_full_page(member_client, make_thread):
    make_thread()
    boosted = member_client.get("/threads", headers={"HX-Request": "true", "HX-Boosted": "true"})
    restore = member_client.get("/threads", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in boosted.get_data(as_text=True)
    assert "<html" in restore.get_data(as_text=True)


def test_starting_a_thread_shows_it_with_its_first_post(established_client, talent):
    form = established_client.get("/threads/new")
    assert f"5–{TITLE_MAX} characters" in visible(form)
    assert f"Up to {BODY_MAX:,} characters" in visible(form)
    response = established_client.submit("/threads/new", {"title": "Onboarding new principals",
                                                     "category": str(talent.id),
                                                     "body": "What does your **first week** look like?"})
    assert response.status_code == 303
    assert "/t/" in response.location and response.location.endswith("/onboarding-new-principals")
    page = established_client.get(response.location)
    assert "Onboarding new principals" in visible(page)
    assert "<strong>first week</strong>" in page.get_data(as_text=True)
    assert db.session.get(Category, talent.id).thread_count == 1


@pytest.mark.parametrize("title, body, message", [
    ("", "A body", "Give the thread a title."),
    ("   ", "A body", "Give the thread a title."),
    ("Hey", "A body", f"Titles are 5–{TITLE_MAX} characters."),
    ("x" * (TITLE_MAX + 1), "A body", f"Titles are 5–{TITLE_MAX} characters."),
    ("A fine title", "", "Write something first."),
    ("A fine title", "  \n ", "Write something first."),
    ("A fine title", "y" * (BODY_MAX + 1), f"Posts are at most {BODY_MAX:,} characters."),
])
def test_bad_thread_input_is_refused_with_a_message_and_the_text_kept(member_client, talent, title, body, message):
    response = member_client.submit("/threads/new", {"title": title, "category": str(talent.id), "body": body})
    assert response.status_code == 422
    assert message in visible(response)
    html = response.get_data(as_text=True)
    if body.strip():
        assert body[:200] in html
    if title.strip():
        assert title.strip()[:100] in html
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_a_thread_needs_an_existing_category(member_client, talent):
    response = member_client.submit("/threads/new", {"title": "A fine title", "category": "9999", "body": "Hi"})
    assert response.status_code == 422
    assert "Not a valid choice" in visible(response)


def test_preview_without_javascript_renders_markdown_and_keeps_the_text(member_client, talent):
    response = member_client.submit("/threads/new", {"title": "Draft", "category": str(talent.id),
                                                     "body": "A *careful* draft", "preview": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<em>careful</em>" in html and "A *careful* draft" in html
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_live_preview_returns_the_rendered_partial_for_htmx(member_client):
    response = member_client.submit("/preview", {"body": "# Heading\n\n<script>alert(1)</script>",
                                                 "preview_id": "body-preview"}, htmx=True)
    html = response.get_data(as_text=True)
    assert html.startswith('<div id="body-preview"')
    assert "<h1>Heading</h1>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_live_preview_refuses_oversized_text_gently(member_client):
    response = member_client.submit("/preview", {"body": "z" * (BODY_MAX + 1)}, htmx=True)
    assert response.status_code == 200
    assert "Too long to preview" in visible(response)


def test_live_preview_ignores_a_hostile_target_id(member_client):
    response = member_client.submit("/preview", {"body": "hi", "preview_id": '"><script>x</script>'}, htmx=True)
    assert response.get_data(as_text=True).startswith('<div id="body-preview"')


def test_the_thread_page_paginates_posts_and_numbers_them(app, member_client, make_thread):
    app.config["POSTS_PER_PAGE"] = 5
    thread = make_thread(title="A busy thread", replies=11)
    first = member_client.get(f"/t/{thread.id}")
    assert "Reply number 4" in visible(first) and "Reply number 5" not in visible(first)
    assert 'href="/t/%d/a-busy-thread?page=3"' % thread.id in first.get_data(as_text=True)
    last = visible(member_client.get(f"/t/{thread.id}/anything?page=3"))
    assert "Reply number 11" in last and "#12" in last
    beyond = visible(member_client.get(f"/t/{thread.id}?page=99"))
    assert "Reply number 11" in beyond


def test_replying_with_htmx_returns_the_new_post_and_a_fresh_form(established_client, make_thread):
    thread = make_thread(replies=1)
    response = established_client.submit(f"/t/{thread.id}/reply", {"body": "We pair **every** new hire.", "page": "1"},
                                    htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<article id="post-')
    assert "<strong>every</strong>" in html and "Maria Lopez" in html and "#3" in html
    assert 'hx-swap-oob="innerHTML"' in html and 'id="reply-form"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert db.session.get(Thread, thread.id).post_count == 3
    assert db.session.get(Thread, thread.id).last_poster_id == established_client.user.id


def test_replying_without_javascript_redirects_to_the_new_post(established_client, make_thread):
    thread = make_thread()
    response = established_client.submit(f"/t/{thread.id}/reply", {"body": "Plain old form post"})
    assert response.status_code == 303
    post = db.session.scalar(select(Post).order_by(Post.id.desc()))
    assert response.location.endswith(f"/t/{thread.id}#post-{post.id}")
    assert "Plain old form post" in visible(established_client.get(response.location))


def test_an_htmx_reply_landing_on_another_page_redirects_there(app, established_client, make_thread):
    app.config["POSTS_PER_PAGE"] = 2
    thread = make_thread(replies=1)
    response = established_client.submit(f"/t/{thread.id}/reply", {"body": "Third post", "page": "1"}, htmx=True)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith(f"/t/{thread.id}?page=2#post-")


def test_an_empty_htmx_reply_comes_back_as_the_form_with_an_error(member_client, make_thread):
    thread = make_thread()
    response = member_client.submit(f"/t/{thread.id}/reply", {"body": " ", "page": "1"}, htmx=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#reply-form"
    assert "Write something first." in visible(response)


def test_an_oversized_reply_without_javascript_keeps_the_text(member_client, make_thread):
    thread = make_thread()
    body = "Long story. " * 2000
    response = member_client.submit(f"/t/{thread.id}/reply", {"body": body})
    assert response.status_code == 422
    assert f"Posts are at most {BODY_MAX:,} characters." in visible(response)
    assert body.strip()[:500] in response.get_data(as_text=True)


def test_replies_to_a_locked_thread_are_forbidden(member_client, make_thread):
    thread = make_thread(locked=True)
    page = visible(member_client.get(f"/t/{thread.id}"))
    assert "This thread is locked" in page and "Post reply" not in page
    response = member_client.submit(f"/t/{thread.id}/reply", {"body": "Let me in"})
    assert response.status_code == 403
    assert "locked" in visible(response)


def test_moderators_may_still_reply_to_a_locked_thread(moderator_client, make_thread):
    thread = make_thread(locked=True)
    assert moderator_client.submit(f"/t/{thread.id}/reply", {"body": "Closing note"}).status_code == 303


def test_members_edit_their_own_post_and_it_is_marked_edited(member_client, make_thread):
    thread = make_thread(author=member_client.user, title="Original title")
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    form = member_client.get(f"/p/{post.id}/edit")
    assert 'value="Original title"' in form.get_data(as_text=True)
    response = member_client.submit(f"/p/{post.id}/edit", {"title": "Better title", "body": "Now with _more_ detail"})
    assert response.status_code == 303
    page = visible(member_client.get(response.location))
    assert "Better title" in page and "Now with more detail" in page and "edited" in page


def test_inline_editing_with_htmx_swaps_the_post_in_place(member_client, make_thread):
    thread = make_thread(author=member_client.user, replies=1)
    reply = db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id.desc()))
    form = member_client.htmx_get(f"/p/{reply.id}/edit")
    assert form.get_data(as_text=True).lstrip().startswith(f'<form id="post-{reply.id}"')
    assert 'name="title"' not in form.get_data(as_text=True)  # only a thread's first post carries the title
    saved = member_client.submit(f"/p/{reply.id}/edit", {"body": "Edited inline"}, htmx=True)
    html = saved.get_data(as_text=True)
    assert html.lstrip().startswith(f'<article id="post-{reply.id}"')
    assert "Edited inline" in html and "edited" in html
    cancel = member_client.htmx_get(f"/p/{reply.id}")
    assert cancel.get_data(as_text=True).lstrip().startswith(f'<article id="post-{reply.id}"')


def test_a_failed_edit_keeps_the_text(member_client, make_thread):
    thread = make_thread(author=member_client.user, replies=1)
    reply = db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id.desc()))
    body = "x" * (BODY_MAX + 5)
    response = member_client.submit(f"/p/{reply.id}/edit", {"body": body})
    assert response.status_code == 422
    assert body in response.get_data(as_text=True)


def test_members_cannot_edit_other_peoples_posts(member_client, make_thread):
    thread = make_thread()  # by someone else
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert "Edit</a>" not in member_client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert member_client.get(f"/p/{post.id}/edit").status_code == 403
    assert member_client.submit(f"/p/{post.id}/edit", {"body": "Hijack"}).status_code == 403
    assert db.session.get(Post, post.id).body_source != "Hijack"


def test_moderators_edit_any_post_with_a_recorded_reason(moderator_client, make_thread):
    thread = make_thread()
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    refused = moderator_client.submit(f"/p/{post.id}/edit", {"title": thread.title, "body": "Tidied up"})
    assert refused.status_code == 422 and "Say why you are changing this member's words" in visible(refused)
    assert "Tidied up" in refused.get_data(as_text=True)                      # the moderator's text is kept
    response = moderator_client.submit(f"/p/{post.id}/edit", {"title": thread.title, "body": "Tidied up",
                                                              "reason": "Removed a phone number"})
    assert response.status_code == 303
    page = visible(moderator_client.get(f"/t/{thread.id}"))
    assert "Tidied up" in page and "Edited by a moderator: Removed a phone number" in page
    entry = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "edit_post"))
    assert entry.target_id == post.id and entry.reason == "Removed a phone number"


def test_authors_edit_their_own_posts_without_a_reason_field(member_client, make_thread):
    thread = make_thread(author=db.session.scalar(select(User).where(User.username == "maria")))
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert 'name="reason"' not in member_client.get(f"/p/{post.id}/edit").get_data(as_text=True)
    assert member_client.submit(f"/p/{post.id}/edit", {"title": thread.title, "body": "Clearer now"}).status_code == 303
    assert db.session.get(Post, post.id).edited_by_id is None


def test_a_permalink_goes_to_the_right_page_of_the_thread(app, member_client, make_thread):
    app.config["POSTS_PER_PAGE"] = 2
    thread = make_thread(replies=3)
    last = db.session.scalar(select(Post).order_by(Post.id.desc()))
    response = member_client.get(f"/p/{last.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/t/{thread.id}?page=2#post-{last.id}")


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_in_titles_bodies_and_display_names_is_rendered_inert(member_client, make_user, make_thread):
    villain = make_user(username="villain", display_name=XSS)
    thread = make_thread(author=villain, title=f"Title {XSS}", body=f"Body {XSS} [x](javascript:alert(1))")
    for url in ("/", "/threads", f"/t/{thread.id}"):
        html = member_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;alert(" in html
