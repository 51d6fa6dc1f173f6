"""Flag a post as a member, resolve it from the queue as a moderator with htmx, see the log entry."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exchange.extensions import db
from exchange.models import Role, Thread
from exchange.threads import services as threads
from tests.browser.conftest import sign_in, sign_out, swapped_in_place
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_flag_then_hide_from_the_queue_and_read_the_log(page, make_user, make_thread, page_errors, artifacts):
    author = make_user(username="sam", display_name="Sam Seller")
    thread = make_thread(author=author, title="Staffing the summer bridge program")
    reply = threads.reply(author=author, thread=db.session.get(Thread, thread.id), body="Cheap watches, click here!")
    make_user(username="rosa", email="rosa@example.org", display_name="Rosa Reader")
    make_user(username="mod", email="mod@example.org", role=Role.MODERATOR, display_name="Mo Derator")

    sign_in(page, "rosa@example.org", PASSWORD)
    page.goto(f"/t/{thread.id}")
    post = page.locator(f"#post-{reply.id}")
    with swapped_in_place(page, "GET", f"/p/{reply.id}/flag", shows=("Send to the moderators",)):
        post.get_by_role("link", name="Flag").click()
        expect(post.get_by_role("button", name="Send to the moderators")).to_be_visible()
    post.get_by_label("Why does it need a moderator?").select_option("spam")
    post.get_by_label("Anything the moderators should know").fill("An advert, not a reply.")
    with swapped_in_place(page, "POST", f"/p/{reply.id}/flag", shows=("the moderators will look at this post",)):
        post.get_by_role("button", name="Send to the moderators").click()
        expect(post).to_contain_text("the moderators will look at this post")
    sign_out(page)

    sign_in(page, "mod@example.org", PASSWORD)
    page.goto("/mod")
    item = page.locator(".queue-item", has_text="Cheap watches")
    expect(item).to_contain_text("An advert, not a reply.")
    item.get_by_label(f"Reason for hiding post {reply.id}").fill("Advertising")
    with swapped_in_place(page, "POST", f"/mod/posts/{reply.id}/hide", shows=("No flagged posts",)):
        item.get_by_role("button", name="Hide").click()
        expect(page.locator("#mod-queue")).to_contain_text("No flagged posts")
    page.screenshot(path=str(artifacts / "moderation-queue.png"), full_page=True)
    page.goto("/mod/log")
    expect(page.locator("main")).to_contain_text("hide post")
    expect(page.locator("main")).to_contain_text("Advertising")
    assert page_errors == []


def test_held_replies_are_decided_from_the_queue_with_the_keyboard(app, page, make_user, make_thread, page_errors):
    app.config["HOLD_FIRST_POSTS"] = 1
    thread = make_thread(title="Summer school staffing")
    newcomer = make_user(username="nia", email="nia@example.org", display_name="Nia Newcomer")
    make_user(username="mod", email="mod@example.org", role=Role.MODERATOR, display_name="Mo Derator")
    other = make_user(username="ola", display_name="Ola Other")
    spam = threads.reply(author=other, thread=db.session.get(Thread, thread.id),
                         body="Buy followers today")  # held: a first post

    sign_in(page, "nia@example.org", PASSWORD)
    page.goto(f"/t/{thread.id}")
    page.get_by_label("Your reply").fill("We pair new hires with a mentor for the summer.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#reply-status")).to_contain_text("Your reply waits for a moderator's review")
    expect(page.locator("#held-replies")).to_contain_text("We pair new hires with a mentor")
    sign_out(page)

    sign_in(page, "mod@example.org", PASSWORD)
    expect(page.locator("header")).to_contain_text("Moderation 2")
    page.goto("/mod")
    queue = page.locator("#mod-queue")
    expect(queue).to_contain_text("Held for review 2")
    page.keyboard.press("j")        # the second held post: Nia's
    expect(page.locator(".queue-item.is-current")).to_contain_text("Nia Newcomer")
    approve = page.locator(".queue-item.is-current form", has=page.get_by_role("button", name="Approve"))
    with swapped_in_place(page, "POST", approve.get_attribute("action"), shows=("it is on the thread now",)):
        page.keyboard.press("a")
        expect(queue).to_contain_text("Held for review 1")
    expect(page.locator(".queue-item.is-current")).to_contain_text("Buy followers today")
    with swapped_in_place(page, "POST", f"/mod/posts/{spam.id}/reject", shows=(f"Rejected post #{spam.id}",)):
        page.keyboard.press("x")
        expect(queue).to_contain_text("Held for review 0")
    page.goto(f"/t/{thread.id}")
    expect(page.locator("main")).to_contain_text("We pair new hires with a mentor")
    expect(page.locator("main")).not_to_contain_text("Buy followers today")
    assert page_errors == []
    assert newcomer.id


def test_the_queue_shows_new_items_without_a_reload(app, page, make_user, make_thread, page_errors):
    app.config["QUEUE_REFRESH_SECONDS"] = 1
    thread = make_thread(title="Family nights that people attend")
    make_user(username="mod", email="mod@example.org", role=Role.MODERATOR, display_name="Mo Derator")
    newcomer = make_user(username="nia", display_name="Nia Newcomer")
    sign_in(page, "mod@example.org", PASSWORD)
    page.goto("/mod")
    expect(page.locator("#mod-queue")).to_contain_text("Held for review 0")
    app.config["HOLD_FIRST_POSTS"] = 1  # the newcomer's first reply waits for a moderator
    with swapped_in_place(page, "GET", "/mod", shows=("We serve dinner first.",)):
        threads.reply(author=newcomer, thread=db.session.get(Thread, thread.id), body="We serve dinner first.")
        expect(page.locator("#mod-queue")).to_contain_text("We serve dinner first.", timeout=5000)
    assert page_errors == []
