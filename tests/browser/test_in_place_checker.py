"""The checker behind every "no page load" claim can fail: each way of loading a page trips it.

The first test also shows why a window marker could not tell: it survives a boosted navigation.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import swapped_in_place

pytestmark = pytest.mark.browser


def test_a_boosted_link_is_a_page_load_though_window_survives_it(page, member_login):
    page.goto("/threads")
    page.evaluate("window.__marker = 1")
    with pytest.raises(AssertionError, match="was a boosted navigation"):
        with swapped_in_place(page, "GET", "/practices", pushes_url=True):
            page.locator("nav.main-nav").get_by_role("link", name="Practices").click()
            page.wait_for_url("**/practices")
            expect(page.locator("h1")).to_have_text("Best practices")
    assert page.evaluate("window.__marker") == 1  # what the old checks relied on: it cannot tell


def test_a_plain_page_load_is_not_an_htmx_request(page, member_login):
    page.goto("/threads")
    with pytest.raises(AssertionError, match="was not sent by htmx"):
        with swapped_in_place(page, "GET", "/practices", pushes_url=True):
            page.goto("/practices")


def test_an_in_place_swap_followed_by_a_page_load_fails(page, member_login):
    page.goto("/search")
    with pytest.raises(AssertionError, match="page loads during the block"):
        with swapped_in_place(page, "GET", "/search", pushes_url=True):
            page.locator("#search-q").press_sequentially("budget", delay=40)
            page.wait_for_url("**/search?q=budget*")
            page.goto("/threads")


def test_a_whole_page_fetched_by_script_fails(page, member_login):
    page.goto("/search")
    with pytest.raises(AssertionError, match="page loads during the block"):
        with swapped_in_place(page, "GET", "/search", pushes_url=True):
            page.locator("#search-q").press_sequentially("budget", delay=40)
            page.wait_for_url("**/search?q=budget*")
            page.evaluate("fetch('/threads').then(r => r.text())")


def test_a_whole_page_answer_to_an_htmx_request_fails(page, member_login):
    page.goto("/search")
    # As if the server forgot that an htmx request wants a fragment.
    page.route("**/search?*", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><html><body><main>All of it</main></body></html>"))
    with pytest.raises(AssertionError, match="was answered with a whole page"):
        with swapped_in_place(page, "GET", "/search", pushes_url=True):
            page.locator("#search-q").press_sequentially("budget", delay=40)
            expect(page.get_by_text("All of it")).to_be_visible()
