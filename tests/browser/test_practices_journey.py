"""Sharing a practice in the members' own words and finding it under the common taxonomy."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exchange.extensions import db
from exchange.models import Category
from tests.browser.conftest import swapped_in_place

pytestmark = pytest.mark.browser


@pytest.fixture
def category(app):
    category = Category(name="Talent and human capital", slug="talent")
    db.session.add(category)
    db.session.commit()
    return category


def test_a_practice_tagged_by_an_alias_is_found_through_the_canonical_facet(
        page, member_login, taxonomy, category, make_practice, page_errors):
    make_practice(title="Family nights that filled the gym", tags=[taxonomy["family-engagement"]])

    page.goto("/practices/new")
    page.get_by_label("Title").fill("A residency that filled our math vacancies")
    page.get_by_label("Category").select_option(label="Talent and human capital")  # none is chosen for you
    tags = page.get_by_role("textbox", name="Tags")
    tags.fill("educator workforce, ")
    # The picker explains, as the member types, where their word is filed.
    expect(page.locator("#tags-suggest")).to_contain_text("“educator workforce” → filed under Talent pipeline")
    tags.type("princ")
    page.locator("#tags-suggest").get_by_role("button", name="Principal").click()
    expect(tags).to_have_value("educator workforce, Principal, ")
    page.get_by_label("Summary").fill("A paid residency filled every math vacancy in two years.")
    page.get_by_label("The problem").fill("We opened each year with sixty math vacancies.")
    page.get_by_label("What we did").fill("1. Partnered with a university\n2. Paid residents")
    page.get_by_role("button", name="Publish").click()

    expect(page.locator("#thread-title")).to_have_text("A residency that filled our math vacancies")
    chips = page.locator(".tag-chips").first
    expect(chips).to_contain_text("Talent pipeline")
    expect(chips).to_contain_text("Principal")
    expect(chips).not_to_contain_text("educator workforce")

    # In the library, the canonical facet finds it, with htmx, and the URL can be shared.
    page.goto("/practices")
    expect(page.locator(".result-count")).to_contain_text("2 practices")
    with swapped_in_place(page, "GET", "/practices", shows=("A residency that filled our math vacancies",),
                          pushes_url=True):
        page.locator(".facet").get_by_role("link", name="Talent pipeline").click()
        expect(page.locator(".result-count")).to_contain_text("1 practice")
        expect(page.locator(".practice-card")).to_have_count(1)
        expect(page.locator(".practice-card")).to_contain_text("A residency that filled our math vacancies")
    assert "tag=talent-pipeline" in page.url
    page.reload()
    expect(page.locator(".practice-card")).to_contain_text("A residency that filled our math vacancies")
    assert page_errors == []
