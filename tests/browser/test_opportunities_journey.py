"""The opportunities board in a real Chromium: a member narrows the board in place, opens an opening
and applies sending one profile field; the poster reads the application and moves it along."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exchange.extensions import db
from exchange.models import User
from tests.browser.conftest import sign_in, sign_out, swapped_in_place
from tests.conftest import PASSWORD
from tests.test_opportunities import openings, poster, regions  # noqa: F401 - the hand-counted board

pytestmark = pytest.mark.browser


def test_a_member_filters_the_board_applies_and_the_poster_moves_the_application(page, openings, make_user,
                                                                                  page_errors, artifacts):
    member = make_user(username="ben", email="ben@example.org", display_name="Ben Example")
    db.session.get(User, member.id).headline = "Data lead at Aurora Schools"
    db.session.commit()
    sign_in(page, "ben@example.org", PASSWORD)
    page.goto("/opportunities")
    expect(page.locator(".opening-row")).to_have_count(6)
    with swapped_in_place(page, "GET", "/opportunities", pushes_url=True):
        page.locator(".facet a", has_text="Full-time role").click()
        expect(page.locator(".opening-row")).to_have_count(3)
    with swapped_in_place(page, "GET", "/opportunities", shows=("Data Analyst",), pushes_url=True):
        page.locator(".facet a", has_text="Denver").click()
        page.wait_for_url("**region=denver*")
        expect(page.locator(".opening-row")).to_have_count(2)
    assert "kind=full_time" in page.url
    page.screenshot(path=str(artifacts / "opportunities-filtered.png"), full_page=True)

    page.locator(".opening-row a", has_text="Data Analyst").click()
    expect(page.locator("h1")).to_have_text("Data Analyst")
    page.get_by_label("A short note").fill("I built Aurora's attendance dashboards and would love to talk.")
    page.get_by_label("Role").check()
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator(".flashes")).to_contain_text("Your application is on its way")
    page.goto("/opportunities/mine")
    expect(page.locator("main")).to_contain_text("Received")
    sign_out(page)

    sign_in(page, "hr@example.org", PASSWORD)
    page.goto(f"/opportunities/{openings['Data Analyst'].id}/applicants")
    application = page.locator(".application", has_text="Ben Example")
    expect(application).to_contain_text("Data lead at Aurora Schools")
    expect(application).not_to_contain_text("ben@example.org")
    application.get_by_label("Status").select_option("conversation")
    application.get_by_role("button", name="Save").click()
    expect(page.locator(".flashes")).to_contain_text("Ben Example: in conversation.")
    assert page_errors == []
