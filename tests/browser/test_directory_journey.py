"""The member directory in a real Chromium: filters narrow in place, a profile opens, the map draws."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, swapped_in_place
from tests.conftest import PASSWORD
from tests.test_members import network  # noqa: F401 - the hand-counted network

pytestmark = pytest.mark.browser


def test_filter_to_a_city_and_an_expertise_then_open_a_profile(page, network, page_errors, artifacts):
    sign_in(page, "vic@example.org", PASSWORD)
    page.goto("/members")
    expect(page.locator(".member-card")).to_have_count(6)
    with swapped_in_place(page, "GET", "/members", pushes_url=True):
        page.locator(".facet a", has_text="Denver").click()
        expect(page.locator(".member-card")).to_have_count(3)
    with swapped_in_place(page, "GET", "/members", pushes_url=True):
        page.locator(".facet a", has_text="Aurora").click()      # the city, within its metro
        expect(page.locator(".member-card")).to_have_count(1)
        page.wait_for_url("**/members?region=aurora*")
    with swapped_in_place(page, "GET", "/members", shows=("Ana Example",), pushes_url=True):
        page.locator(".facet a", has_text="Teacher residency").click()
        page.wait_for_url("**tag=teacher-residency*")
        expect(page.locator(".member-card")).to_have_count(1)
    page.screenshot(path=str(artifacts / "directory-filtered.png"), full_page=True)
    page.locator(".member-card a", has_text="Ana Example").click()
    expect(page.locator("h1")).to_have_text("Ana Example")
    expect(page.locator(".profile")).to_contain_text("Teacher residency")
    expect(page.get_by_label("Message")).to_be_visible()         # the contact form
    assert page_errors == []


def test_typing_a_name_filters_as_you_type(page, network, page_errors):
    sign_in(page, "vic@example.org", PASSWORD)
    page.goto("/members")
    with swapped_in_place(page, "GET", "/members", pushes_url=True):
        page.get_by_label("Name, organisation or role").press_sequentially("cara", delay=40)
        expect(page.locator(".member-card")).to_have_count(1)
    expect(page.get_by_label("Name, organisation or role")).to_be_focused()
    assert page_errors == []


def test_the_region_map_renders_as_an_image(page, network, page_errors, artifacts):
    sign_in(page, "vic@example.org", PASSWORD)
    page.goto("/regions")
    map_image = page.get_by_role("img", name="Map of the network's regions, with members per region")
    expect(map_image).to_be_visible()
    box = map_image.bounding_box()
    assert box["width"] > 600 and box["height"] > 300
    expect(page.locator(".region-map circle")).to_have_count(3)
    page.screenshot(path=str(artifacts / "region-map.png"), full_page=True)
    page.locator(".map-marker", has_text="Denver").click()
    page.wait_for_url("**/regions/denver")
    expect(page.locator(".member-card")).to_have_count(3)
    assert page_errors == []
