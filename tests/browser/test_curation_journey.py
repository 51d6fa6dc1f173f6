"""A curator builds a collection from practice pages and reorders it in place; a member reads it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exchange.curation import services
from exchange.models import Role
from tests.browser.conftest import sign_in, swapped_in_place
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_curator_collects_practices_and_reorders_them_with_htmx(page, make_user, make_practice, page_errors):
    curator = make_user(username="morgan", email="morgan@example.org", role=Role.MODERATOR)
    first = make_practice(title="Weekly walkthroughs with the principal")
    second = make_practice(title="A family advisory council with a budget")
    collection = services.create_collection(curator=curator, title="First 90 days as a turnaround lead partner")
    services.set_published(curator=curator, collection=collection, published=True)
    sign_in(page, "morgan@example.org", PASSWORD)

    for practice, note in ((first, "Start here."), (second, "Then bring families in.")):
        page.goto(f"/practices/{practice.id}")
        page.get_by_label("Add to collection").select_option(label=collection.title)
        page.get_by_label("Curator's note").fill(note)
        page.get_by_role("button", name="Add to collection").click()
        expect(page.locator(".flash")).to_contain_text(f"Added to “{collection.title}”.")

    page.goto(f"/collections/{collection.slug}/edit")
    rows = page.locator("#collection-items .curation-row")
    expect(rows.first).to_contain_text(first.title)
    move_up = rows.nth(1).locator("form", has=page.get_by_role("button", name="Move up"))
    with swapped_in_place(page, "POST", move_up.get_attribute("action"), shows=(f"Moved “{second.title}” up.",)):
        move_up.get_by_role("button", name="Move up").click()
        expect(page.locator("#collection-items [role=status]")).to_contain_text(f"Moved “{second.title}” up.")
        expect(rows.first).to_contain_text(second.title)

    page.goto(f"/collections/{collection.slug}")
    expect(page.locator(".collection-item").first).to_contain_text(second.title)
    expect(page.locator(".collection-item").first).to_contain_text("Curator's note: Then bring families in.")
    assert page_errors == []
