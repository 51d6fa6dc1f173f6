"""Active search in a real Chromium: results update as you type, without a page load."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exchange.search import outbox
from tests.browser.conftest import sign_in, swapped_in_place
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SAW_INDICATOR = """() => {
  window.__sawIndicator = false;
  const el = document.querySelector('#search-indicator');
  new MutationObserver(() => { if (el.classList.contains('htmx-request')) window.__sawIndicator = true; })
    .observe(el, {attributes: true});
}"""


@pytest.fixture
def corpus(app, taxonomy, make_thread, make_user):
    author = make_user(username="teo", display_name="Teo Ruiz")
    make_thread(author=author, title="Residency stipends that keep teachers",
                body="A paid residency year with stipends funded by Title II.")
    make_thread(author=author, title="Stipend schedules for mentors", body="Mentor teachers get a stipend.")
    make_thread(author=author, title="Bus route optimisation", body="We cut routes by a fifth.")
    outbox.drain()


def test_active_search_updates_results_as_you_type(page, member_login, corpus, page_errors, artifacts):
    page.goto("/search")
    page.evaluate(SAW_INDICATOR)
    with swapped_in_place(page, "GET", "/search", pushes_url=True):
        page.locator("#search-q").press_sequentially("stipend", delay=40)
        expect(page.locator(".search-hit")).to_have_count(2)
        expect(page.locator(".search-hit").first).to_contain_text("tipend")
        page.wait_for_url("**/search?q=stipend*")
    assert page.evaluate("window.__sawIndicator") is True  # the loading indicator showed
    expect(page.locator("#search-q")).to_be_focused()      # typing was never interrupted
    page.locator("#search-q").fill("")
    page.locator("#search-q").press_sequentially("bus", delay=40)
    expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.locator(".search-hit mark").first).to_have_text("Bus")
    page.screenshot(path=str(artifacts / "search-page.png"), full_page=True)
    assert page_errors == []


def test_the_header_box_searches_from_any_page(page, member_login, corpus, page_errors):
    page.goto("/threads")
    with swapped_in_place(page, "GET", "/search", pushes_url=True):
        page.locator("#header-q").press_sequentially("residency", delay=40)
        expect(page.locator(".search-hit")).to_have_count(1)
        page.wait_for_url("**/search?q=residency*")
    with swapped_in_place(page, "GET", "/search", shows=("stipends that keep teachers",), pushes_url=True):
        page.locator(".facets a", has_text="Discussions").click()   # a facet narrows it, still in place
        expect(page.locator("#search-q")).to_have_value("residency kind:discussion")
    assert page_errors == []


def test_enter_searches_without_javascript(browser, live_server, corpus, member_login):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "maria@example.org", PASSWORD)
    page.goto("/search")
    page.locator("#search-q").fill("route")
    page.locator("#search-q").press("Enter")
    page.wait_for_url("**/search?q=route*")
    expect(page.locator(".search-hit")).to_have_count(1)
    context.close()
