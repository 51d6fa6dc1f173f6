"""The talent pool in a real Chromium: an employer narrows the pool in place to analysts in one
region with one expertise, opens a card, saves it to a new list and writes; the list shows the card;
the member then sees who looked and the message."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, sign_out, swapped_in_place
from tests.conftest import PASSWORD
from tests.test_talent import network  # noqa: F401 - the hand-counted pool

pytestmark = pytest.mark.browser

MESSAGE = "We are hiring a data analyst for our central office and your work fits it well."


def test_an_employer_filters_the_pool_opens_a_card_and_writes_then_the_member_sees_it(page, network, page_errors,
                                                                                      artifacts):
    sign_in(page, "dps@example.org", PASSWORD)
    page.goto("/talent")
    expect(page.locator(".pool-card")).to_have_count(5)
    with swapped_in_place(page, "GET", "/talent", pushes_url=True):
        page.locator(".facet a", has_text="Analyst").click()
        expect(page.locator(".pool-card")).to_have_count(3)
    with swapped_in_place(page, "GET", "/talent", pushes_url=True):
        page.locator(".facet a", has_text="Denver").click()
        expect(page.locator(".pool-card")).to_have_count(2)
    with swapped_in_place(page, "GET", "/talent", shows=("Ben Example",), pushes_url=True):
        page.locator(".facet a", has_text="Data and analytics").click()
        page.wait_for_url("**tag=data-and-analytics*")
        expect(page.locator(".pool-card")).to_have_count(1)
    assert "level=analyst" in page.url and "region=denver" in page.url
    page.screenshot(path=str(artifacts / "talent-filtered.png"), full_page=True)
    page.locator(".pool-card a", has_text="Ben Example").click()
    expect(page.locator("h1")).to_have_text("Ben Example")
    page.get_by_label("Or a new list").fill("Denver analysts")
    page.get_by_role("button", name="Save to the list").click()
    expect(page.locator(".flash")).to_contain_text("Ben Example is on “Denver analysts”")
    expect(page.locator("#saved-lists")).to_contain_text("Denver analysts")
    with swapped_in_place(page, "POST", "/talent/ben/contact", shows=("Your message is on its way",)):
        page.get_by_label("Message").fill(MESSAGE)
        page.get_by_role("button", name="Send").click()
        expect(page.locator("#contact")).to_contain_text("Your message is on its way")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Saved lists").click()
    page.get_by_role("link", name="Denver analysts").click()
    expect(page.locator(".pool-card")).to_have_count(1)
    expect(page.locator(".pool-card")).to_contain_text("Ben Example")
    sign_out(page)

    sign_in(page, "ben@example.org", PASSWORD)
    page.goto("/members/ben/talent")
    expect(page.locator(".pool-views")).to_contain_text("Viewed by Denver Public Schools")
    page.goto("/inbox")
    expect(page.locator(".inbox-item")).to_contain_text("Denver Public Schools")
    expect(page.locator(".inbox-item")).to_contain_text(MESSAGE)
    assert page_errors == []
