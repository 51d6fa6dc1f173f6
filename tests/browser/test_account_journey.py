"""A member's own account in a real Chromium: change the email through the emailed link, then
download the export and open it."""
from __future__ import annotations

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from exchange.account import export
from exchange.extensions import db
from exchange.models import MailMessage
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_member_changes_their_email_by_the_link_then_downloads_and_opens_their_data(page, live_server, make_user,
                                                                                      page_errors, artifacts, tmp_path):
    make_user(username="maria", email="maria@example.org", display_name="Maria Lopez")
    sign_in(page, "maria@example.org", PASSWORD)
    page.goto("/settings")
    email_form = page.locator("form", has=page.get_by_role("button", name="Send the confirmation link"))
    email_form.get_by_label("New email address").fill("maria.lopez@example.org")
    email_form.get_by_label("Current password").fill(PASSWORD)
    email_form.get_by_role("button", name="Send the confirmation link").click()
    expect(page.locator(".flashes")).to_contain_text("Check maria.lopez@example.org")

    db.session.rollback()
    confirmation = db.session.scalar(select(MailMessage).where(MailMessage.to == "maria.lopez@example.org"))
    link = re.search(r"https?://\S+/settings/email/\S+", confirmation.text).group(0)
    page.goto("/settings/email/" + link.split("/settings/email/", 1)[1])   # the link, on this test's server
    expect(page.locator(".flashes")).to_contain_text("Your email address is now maria.lopez@example.org")
    expect(page.locator("#account")).to_contain_text("maria.lopez@example.org")

    page.get_by_role("button", name="Prepare a new download").click()
    expect(page.locator("#data")).to_contain_text("Being prepared")
    db.session.rollback()
    assert export.build_due() == 1
    page.reload()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download your data").click()
    path = tmp_path / "export.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        profile = json.loads(archive.read("profile.json"))
        assert profile["email"] == "maria.lopez@example.org" and profile["display_name"] == "Maria Lopez"
        assert "Email changed" in archive.read("security_log.json").decode()
    page.screenshot(path=str(artifacts / "account-settings.png"), full_page=True)
    assert page_errors == []
