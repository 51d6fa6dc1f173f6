"""The first journeys of Exchange, in a real Chromium: joining, discussing, and no JavaScript."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from exchange.extensions import db
from exchange.models import Category, Post, Role, User
from tests.browser.conftest import sign_in, sign_out, swapped_in_place
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def fill_new_thread(page, title: str, body: str) -> None:
    page.goto("/threads/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Category").select_option(label="Talent and human capital")
    page.get_by_label("Message").fill(body)


def thread_id(page) -> int:
    return int(re.search(r"/t/(\d+)", page.url).group(1))


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
    dana = db.session.query(User).filter_by(username="dana").one()
    with swapped_in_place(page, "POST", f"/mod/members/{dana.id}/approve", shows=("Approved Dana Reyes",)):
        row = page.locator(".queue-item", has_text="Dana Reyes")
        row.get_by_role("button", name="Approve").click()
        expect(page.locator("#mod-queue")).to_contain_text("Nobody is waiting")
    sign_out(page)

    # The new member signs in and starts a thread.
    sign_in(page, "dana@example.org", "a long enough password")
    fill_new_thread(page, "How do you onboard mid-year hires?", "We hire **forty** teachers after October. What works?")
    page.get_by_role("button", name="Post thread").click()
    expect(page.locator("#thread-title")).to_have_text("How do you onboard mid-year hires?")
    expect(page.locator(".post .prose strong")).to_have_text("forty")

    # The reply appears without navigation, and the form is ready for the next one.
    page.get_by_label("Your reply").fill("We pair each one with a buddy teacher for six weeks.")
    with swapped_in_place(page, "POST", f"/t/{thread_id(page)}/reply", shows=("buddy teacher for six weeks",)):
        page.get_by_role("button", name="Post reply").click()
        expect(page.locator("#post-list .post")).to_have_count(2)
        expect(page.locator("#post-list .post").last).to_contain_text("buddy teacher for six weeks")
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
    post_id = db.session.query(Post).filter_by(thread_id=thread.id).one().id
    with swapped_in_place(page, "GET", f"/p/{post_id}/edit", shows=("First draft of my question.",)):
        page.locator(".post").get_by_role("link", name="Edit").click()
        body = page.locator(".post textarea[name=body]")
        expect(body).to_have_value("First draft of my question.")
    body.fill("A clearer question: when do principals see their budgets?")
    with swapped_in_place(page, "POST", f"/p/{post_id}/edit", shows=("when do principals see their budgets?",)):
        page.locator(".post").get_by_role("button", name="Save").click()
        expect(page.locator(".post .prose")).to_have_text("A clearer question: when do principals see their budgets?")
        expect(page.locator(".post .edited")).to_be_visible()
    assert page_errors == []


def test_a_failed_htmx_reply_shows_the_error_and_keeps_the_text(page, member_login, make_thread, page_errors):
    thread = make_thread(title="Hiring calendars")
    page.goto(f"/t/{thread.id}")
    reply = page.get_by_label("Your reply")
    reply.fill("x" * 20_001)
    with swapped_in_place(page, "POST", f"/t/{thread.id}/reply", status=422, shows=("at most 20,000 characters",)):
        page.get_by_role("button", name="Post reply").click()
        expect(page.locator("#reply-form .error")).to_contain_text("at most 20,000 characters")
        expect(page.get_by_label("Your reply")).to_have_value("x" * 20_001)
    page.get_by_label("Your reply").fill("")
    with swapped_in_place(page, "POST", f"/t/{thread.id}/reply", status=422, shows=("Write something first.",)):
        page.get_by_role("button", name="Post reply").click()
        expect(page.locator("#reply-form .error")).to_contain_text("Write something first.")
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


def test_a_signed_out_htmx_request_goes_to_the_login_page_not_into_the_fragment(page, member_login, page_errors):
    page.goto("/threads")
    page.context.clear_cookies()  # the session ended (signed out in another tab, or expired)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/search") as answer:
        page.locator("#header-q").fill("budget")
    page.wait_for_url(lambda url: urlsplit(url).path == "/login")
    expect(page.locator("header.site-header")).to_have_count(1)  # the whole login page, not one inside <main>
    assert urlsplit(page.url).query == "next=/search?q%3Dbudget"
    assert answer.value.status == 204 and answer.value.headers["hx-redirect"] == "/login?next=/search?q%3Dbudget"
    page.get_by_label("Email").fill("maria@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: url.endswith("/search?q=budget"))
    expect(page.get_by_role("searchbox").first).to_have_value("budget")
    assert page_errors == []
