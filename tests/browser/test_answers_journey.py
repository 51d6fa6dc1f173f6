"""Every action answers, in the browser: where the keyboard is and what a screen reader hears after a reply."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from exchange.extensions import db
from exchange.models import Post
from tests.browser.conftest import sign_in, swapped_in_place
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

LIVE_TEXTS = """() => Array.from(document.querySelectorAll('[role=status], [role=alert], [aria-live]'))
                      .map((region) => region.textContent.trim()).filter(Boolean)"""


def _newest_post() -> Post:
    db.session.rollback()  # what the live server wrote since
    return db.session.scalar(select(Post).order_by(Post.id.desc()))


def test_after_an_htmx_reply_the_new_post_has_the_focus_and_the_live_region_says_posted(
        page, member_login, make_thread, page_errors):
    thread = make_thread(title="Keeping first-year teachers", replies=4)
    page.goto(f"/t/{thread.id}")
    reply = page.get_by_label("Your reply")
    reply.fill("We pair each one with a buddy teacher.")
    expect(page.locator("#body-preview")).to_contain_text("buddy teacher")  # the live preview's request ran too
    with swapped_in_place(page, "POST", f"/t/{thread.id}/reply", shows=("buddy teacher",)):
        page.get_by_role("button", name="Post reply").click()
        expect(page.locator("#reply-status")).to_have_text("Thanks! Your reply is posted.")
    post = _newest_post()
    expect(page.locator(f"#post-{post.id}")).to_be_focused()
    expect(page.locator(f"#post-{post.id}")).to_be_in_viewport()
    status = page.locator("#reply-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    assert [text for text in page.evaluate(LIVE_TEXTS) if "posted" in text] == ["Thanks! Your reply is posted."]
    # The next Tab leaves the post for what follows it, not the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#thread') !== null")

    # A second reply is said again, and the focus moves on to it.
    page.get_by_label("Your reply").fill("And a mentor for the principal too.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-list .post")).to_have_count(7)
    expect(page.locator("#post-list .post").last).to_be_focused()
    expect(page.locator("#reply-status")).to_have_text("Thanks! Your reply is posted.")
    assert page_errors == []


def test_a_newcomers_held_reply_is_announced_once_and_keeps_the_focus(app, page, make_user, make_thread, page_errors):
    app.config["HOLD_FIRST_POSTS"] = 1
    thread = make_thread(title="Summer school staffing")
    make_user(username="nia", email="nia@example.org", display_name="Nia Newcomer")
    sign_in(page, "nia@example.org", PASSWORD)
    page.goto(f"/t/{thread.id}")
    page.get_by_label("Your reply").fill("We pair new hires with a mentor for the summer.")
    with swapped_in_place(page, "POST", f"/t/{thread.id}/reply", shows=("waits for a moderator",)):
        page.get_by_role("button", name="Post reply").click()
        expect(page.locator("#reply-status")).to_contain_text("Your reply waits for a moderator's review")
    held = _newest_post()
    assert held.review == Post.HELD
    expect(page.locator(f"#held-replies #post-{held.id}")).to_be_focused()
    said = [text for text in page.evaluate(LIVE_TEXTS) if "moderator" in text]
    assert len(said) == 1 and said[0].count("waits for a moderator") == 1, said
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert page_errors == []


def test_an_empty_reply_is_announced_as_an_alert_and_the_text_box_gets_the_focus(
        page, member_login, make_thread, page_errors):
    thread = make_thread(title="Budget timelines", replies=1)
    page.goto(f"/t/{thread.id}")
    # A reply first, so that the live region has something to take back.
    page.get_by_label("Your reply").fill("A first answer.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#reply-status")).to_have_text("Thanks! Your reply is posted.")
    with swapped_in_place(page, "POST", f"/t/{thread.id}/reply", status=422, shows=("Write something first.",)):
        page.get_by_role("button", name="Post reply").click()
        alert = page.get_by_role("alert")
        expect(alert).to_have_text("Write something first.")
    expect(alert).to_have_attribute("id", "body-error")
    reply = page.get_by_label("Your reply")
    expect(reply).to_be_focused()
    expect(reply).to_have_attribute("aria-invalid", "true")
    assert "body-error" in reply.get_attribute("aria-describedby")
    expect(page.locator("#reply-status")).to_have_text("")  # "posted" was about the last reply, not this one
    # Fixing it answers as any reply does.
    reply.fill("Now with words.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#reply-status")).to_have_text("Thanks! Your reply is posted.")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert [error for error in page_errors if "422" not in error] == []  # htmx logs the refusal itself


def test_the_reply_link_at_the_top_of_a_thread_goes_to_the_reply_box(page, member_login, make_thread, page_errors):
    thread = make_thread(title="Coaching cycles that stick", replies=4)
    page.goto(f"/t/{thread.id}")
    link = page.locator("#thread").get_by_role("link", name="Reply", exact=True)
    # Near the top of the page: fewer Tabs than the posts' own links and controls before the box.
    tabs = 0
    while tabs < 40:
        page.keyboard.press("Tab")
        tabs += 1
        if page.evaluate("() => document.activeElement.textContent.trim() === 'Reply'"):
            break
    expect(link).to_be_focused()
    assert tabs < 26, tabs  # the reply box took 26 Tabs on a five-post thread; the link is before the posts
    page.keyboard.press("Enter")
    reply = page.get_by_label("Your reply")
    expect(reply).to_be_focused()
    expect(reply).to_be_in_viewport()
    assert page.url.endswith("#body")
    reply.type("Typed straight after the jump.")
    expect(reply).to_have_value("Typed straight after the jump.")
    assert page_errors == []
