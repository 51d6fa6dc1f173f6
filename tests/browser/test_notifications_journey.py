"""Notifications in a real Chromium: Ana mentions Ben in a reply; once the worker has fanned the event
out, the count in Ben's header — on a page he opened before and never reloaded — goes from nothing to 1
by itself; on /notifications, a click opens the thread's page with Ana's post, and reads it."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from exchange.extensions import db
from exchange.models import Category, Kind, Notification, Post, Thread
from exchange.notifications import fanout
from exchange.threads import services as threads
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

POLL_SECONDS = 1
REPLIES_BEFORE = 45  # Ben's own replies: Ana's comes 47th, on the thread's third page (20 a page), below the fold
REPLY = "@ben how early do you post teacher vacancies? We start in February."


@pytest.fixture
def people(app, make_user):
    app.config["NOTIFICATION_POLL_SECONDS"] = POLL_SECONDS  # before any page is rendered: the header polls this often
    for limits in ("FLOOD_LIMITS", "FLOOD_LIMITS_NEWCOMER"):
        app.config[limits] = {**app.config[limits], "reply": "100 per hour"}
    ana = make_user(username="ana", email="ana@example.org", display_name="Ana Example")
    ben = make_user(username="ben", email="ben@example.org", display_name="Ben Example")
    category = Category(name="Talent and human capital", slug="talent", description="Hiring and keeping people.")
    db.session.add(category)
    db.session.commit()
    thread = threads.start_thread(author=ben, title="Hiring season timelines", category_id=category.id,
                                  body="When do you post teacher vacancies?")
    for n in range(REPLIES_BEFORE):
        threads.reply(author=ben, thread=thread, body=f"Note {n + 1}: we also ask the union about the calendar.")
    fanout.drain()  # Ben's own posts tell nobody anything: the queue starts empty
    return {"ana": ana, "ben": ben, "thread": thread}


def badge(page):
    return page.locator("header #notification-count")


def click_middle(link) -> None:
    """Click the link's visible middle. Playwright's own point is the middle of the element's first content
    quad, here the 1-pixel box of the visually hidden "Unread: " that starts the link, just above its text."""
    box = link.bounding_box()
    link.click(position={"x": box["width"] / 2, "y": box["height"] / 2})


def open_first_notification(page) -> None:
    page.locator("header").get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.wait_for_url("**/notifications")
    item = page.locator(".notification-list .notification")
    expect(item).to_have_count(1)
    expect(item).to_have_class(re.compile(r"\bunread\b"))
    expect(item).to_contain_text("Ana Example mentioned you in “Hiring season timelines”")
    click_middle(item.get_by_role("link"))


def test_a_mention_reaches_the_header_of_an_open_page_and_opens_the_thread_at_the_post(
        page, browser, live_server, app, people, page_errors, artifacts):
    thread = people["thread"]
    # Ben reads the latest threads; this document stays open, never reloaded, until he clicks.
    sign_in(page, "ben@example.org", PASSWORD)
    page.goto("/threads")
    expect(page.locator("h1")).to_be_visible()
    expect(badge(page)).to_have_class(re.compile(r"\bempty\b"))
    expect(badge(page)).to_have_text("")
    navigated, requests = [], []
    page.on("framenavigated", lambda frame: navigated.append(frame.url))
    page.on("request", lambda request: requests.append(request))
    here = page.url

    def counts() -> list:
        return [r for r in requests if urlsplit(r.url).path == "/notifications/count"]

    # Ana, in her own browser, mentions him in a reply on the thread's last page.
    context = browser.new_context(base_url=live_server.url)
    try:
        ana = context.new_page()
        ana_errors: list[str] = []
        ana.on("console", lambda message: ana_errors.append(message.text) if message.type == "error" else None)
        ana.on("pageerror", lambda error: ana_errors.append(str(error)))
        sign_in(ana, "ana@example.org", PASSWORD)
        ana.goto(f"/t/{thread.id}?page=3")
        posts = ana.locator("#post-list .post")
        expect(posts).to_have_count(REPLIES_BEFORE + 1 - 40)
        ana.get_by_label("Your reply").press_sequentially(REPLY)
        ana.get_by_role("button", name="Post reply").click()
        expect(posts).to_have_count(REPLIES_BEFORE + 2 - 40)
        expect(posts.last).to_contain_text("how early do you post teacher vacancies")
        ana.wait_for_load_state("networkidle")
        assert ana_errors == []
    finally:
        context.close()
    db.session.rollback()  # read what the live server committed
    reply = db.session.query(Post).filter(Post.thread_id == thread.id).order_by(Post.id.desc()).first()
    assert reply.body_source == REPLY

    # The reply only queued an event: Ben's header keeps asking, and stays empty until the worker runs.
    asked = len(counts())
    page.wait_for_timeout(2.5 * POLL_SECONDS * 1000)
    assert len(counts()) >= asked + 2, "the header did not ask for its count again while the page was open"
    expect(badge(page)).to_have_text("")

    # The worker's fan-out, run here against the live server's database.
    assert fanout.drain() == 1
    assert [(n.kind, n.post_id) for n in db.session.query(Notification).filter_by(user_id=people["ben"].id)] == [
        (Kind.MENTION, reply.id)]

    # Within a few polls the badge shows 1, in the same document: nothing loaded a page or moved the address.
    expect(badge(page)).to_have_text(re.compile(r"^\s*1\b"), timeout=10 * POLL_SECONDS * 1000)
    expect(badge(page)).not_to_have_class(re.compile(r"\bempty\b"))
    loads = [f"{r.method} {r.url}" for r in requests if r.is_navigation_request()]
    assert loads == [], f"a document was loaded: {loads}"
    assert navigated == [], f"the page navigated: {navigated}"
    assert page.url == here
    for request in counts():
        assert request.headers.get("hx-request") == "true" and "hx-boosted" not in request.headers, request.headers
    others = [r.url for r in requests if r.resource_type in ("xhr", "fetch") and r not in counts()]
    assert others == [], f"requests besides the count: {others}"
    page.screenshot(path=str(artifacts / "notifications-header-badge.png"))

    # On /notifications, the mention; a click opens the thread's third page with Ana's post, and reads it.
    open_first_notification(page)
    page.wait_for_url(re.compile(rf"/t/{thread.id}\?page=3\b"))
    target = page.locator(f"#post-{reply.id}")
    expect(target).to_be_visible()
    expect(target).to_contain_text("how early do you post teacher vacancies")
    expect(target.locator(".author")).to_have_text("Ana Example")
    expect(badge(page)).to_have_text("")  # read now
    page.locator("#post-list .post").last.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "notifications-opened-post.png"))
    assert page_errors == []


def test_a_clicked_notification_lands_at_its_post(page, people, page_errors):
    thread = people["thread"]
    reply = threads.reply(author=people["ana"], thread=db.session.get(Thread, thread.id), body=REPLY)
    assert fanout.drain() == 1
    sign_in(page, "ben@example.org", PASSWORD)
    page.goto("/threads")
    open_first_notification(page)
    page.wait_for_url(re.compile(rf"/t/{thread.id}\?page=3\b"))
    target = page.locator(f"#post-{reply.id}")
    expect(target).to_contain_text("how early do you post teacher vacancies")
    assert page_errors == []
    expect(target, "the opened notification's post is out of sight: the page was not scrolled to it").to_be_in_viewport()
