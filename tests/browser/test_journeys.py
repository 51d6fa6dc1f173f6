"""The first journeys of Exchange, in a real Chromium: joining, discussing, and no JavaScript."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exchange.extensions import db
from exchange.models import Category, Role
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def fill_new_thread(page, title: str, body: str) -> None:
    page.goto("/threads/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Category").select_option(label="Talent and human capital")
    page.get_by_label("Message").fill(body)


@pytest.fixture
def category(app):
    category = Category(name="Talent and human capital", slug="talent", description="Hiring and keeping people.")
    db.session.add(category)
    db.session.commit()
    return category


def test_register_approve_sign_in_start_a_thread_and_reply_without_a_page_load(
        page, app, make_user, category, artifacts, page_errors):
    make_user(username="mod", role=Role.MODERATOR, email="mod@example.org", display_name="Mo Derator")

    # A newcomer asks for an account.
    page.goto("/register")
    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Your name").fill("Dana Reyes")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator(".flash")).to_contain_text("Your request is with the moderators")

    # A moderator approves it from the queue, in place.
    sign_in(page, "mod@example.org", PASSWORD)
    page.goto("/mod")
    page.evaluate("window.__sameDocument = true")
    row = page.locator(".queue-item", has_text="Dana Reyes")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator("#mod-queue")).to_contain_text("Nobody is waiting")
    assert page.evaluate("window.__sameDocument") is True
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")

    # The new member signs in and starts a thread.
    sign_in(page, "dana@example.org", "a long enough password")
    fill_new_thread(page, "How do you onboard mid-year hires?", "We hire **forty** teachers after October. What works?")
    page.get_by_role("button", name="Post thread").click()
    expect(page.locator("#thread-title")).to_have_text("How do you onboard mid-year hires?")
    expect(page.locator(".post .prose strong")).to_have_text("forty")

    # The reply appears without navigation, and the form is ready for the next one.
    page.evaluate("window.__marker = 1")
    page.get_by_label("Your reply").fill("We pair each one with a buddy teacher for six weeks.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-list .post")).to_have_count(2)
    expect(page.locator("#post-list .post").last).to_contain_text("buddy teacher for six weeks")
    assert page.evaluate("window.__marker") == 1
    expect(page.get_by_label("Your reply")).to_have_value("")
    expect(page.locator("#reply-count")).to_have_text("1 reply")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "thread-page.png"), full_page=True)
    assert page_errors == []


def test_the_live_preview_renders_markdown_and_keeps_scripts_inert(page, member_login, category, page_errors):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/threads/new")
    page.get_by_label("Message").fill("**bold** and\n\n- a list\n\n<script>alert('x')</script> <img src=x onerror=alert(1)>")
    preview = page.locator("#body-preview")
    expect(preview.locator("strong")).to_have_text("bold")
    expect(preview.locator("li")).to_have_text("a list")
    expect(preview).to_contain_text("<script>alert('x')</script>")
    assert preview.locator("script, img").count() == 0
    assert dialogs == [] and page_errors == []


def test_inline_edit_of_your_own_post(page, member_login, make_thread, page_errors):
    thread = make_thread(author=member_login, title="Budget timelines for principals", body="First draft of my question.")
    page.goto(f"/t/{thread.id}")
    page.evaluate("window.__marker = 1")
    page.locator(".post").get_by_role("link", name="Edit").click()
    body = page.locator(".post textarea[name=body]")
    expect(body).to_have_value("First draft of my question.")
    body.fill("A clearer question: when do principals see their budgets?")
    page.locator(".post").get_by_role("button", name="Save").click()
    expect(page.locator(".post .prose")).to_have_text("A clearer question: when do principals see their budgets?")
    expect(page.locator(".post .edited")).to_be_visible()
    assert page.evaluate("window.__marker") == 1
    assert page_errors == []


def test_a_failed_htmx_reply_shows_the_error_and_keeps_the_text(page, member_login, make_thread, page_errors):
    thread = make_thread(title="Hiring calendars")
    page.goto(f"/t/{thread.id}")
    page.evaluate("window.__marker = 1")
    reply = page.get_by_label("Your reply")
    reply.fill("x" * 20_001)
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#reply-form .error")).to_contain_text("at most 20,000 characters")
    expect(page.get_by_label("Your reply")).to_have_value("x" * 20_001)
    page.get_by_label("Your reply").fill("")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#reply-form .error")).to_contain_text("Write something first.")
    assert page.evaluate("window.__marker") == 1
    expect(page.locator("#post-list .post")).to_have_count(1)
    # 422 responses are logged by Chromium as failed resources; nothing else may go wrong.
    assert [e for e in page_errors if "422" not in e] == []


def test_everything_works_with_javascript_off(browser, live_server, make_user, category):
    make_user(username="nojs", email="nojs@example.org", display_name="Noah Script")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "nojs@example.org", PASSWORD)
    fill_new_thread(page, "Reading without JavaScript", "Does **this** work?")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#body-preview strong")).to_have_text("this")
    expect(page.get_by_label("Message")).to_have_value("Does **this** work?")
    page.get_by_role("button", name="Post thread").click()
    expect(page.locator("#thread-title")).to_have_text("Reading without JavaScript")
    page.get_by_label("Your reply").fill("It does, with a full page load.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-list .post").last).to_contain_text("It does, with a full page load.")
    page.locator(".post").first.get_by_role("link", name="Edit").click()
    page.get_by_label("Message").fill("Does this work? Edited without JavaScript.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".post").first).to_contain_text("Edited without JavaScript.")
    context.close()


def test_pages_load_without_console_errors_or_csp_violations(page, member_login, make_thread, page_errors):
    thread = make_thread(title="A thread to look at", replies=2)
    for url in ("/", "/threads", f"/t/{thread.id}", "/threads/new", "/practices", "/tags"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert page_errors == []
