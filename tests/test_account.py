"""A member's own account: password and email changes, signed-in browsers, the security log.

Sign-ins go through the real login form here, so each browser has its key in the session."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.models import AccountToken, SecurityEvent, User, UserSession, utcnow
from tests.conftest import PASSWORD
from tests.helpers import visible

NEW_PASSWORD = "a brand new passphrase"


def browser(app, email="maria@example.org", password=PASSWORD, agent="Mozilla/5.0 (X11; Linux) Chrome/156"):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    response = client.submit("/login", {"email": email, "password": password})
    assert response.status_code == 303, visible(response)
    return client


@pytest.fixture
def maria(make_user):
    return make_user(username="maria", email="maria@example.org", display_name="Maria Lopez")


def signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def test_settings_show_both_forms_with_the_contract_fields(app, maria):
    page = browser(app).get("/settings").get_data(as_text=True)
    for name in ("current_password", "new_password", "email"):
        assert f'name="{name}"' in page
    assert "Signed-in browsers" in page and "Security log" in page


def test_a_wrong_current_password_changes_nothing_and_keeps_the_new_one_typed(app, maria):
    client = browser(app)
    response = client.submit("/settings", {"current_password": "not it at all", "new_password": NEW_PASSWORD})
    assert response.status_code == 422 and "That is not your current password." in visible(response)
    assert browser(app).get("/settings").status_code == 200          # the old password still works


def test_changing_the_password_signs_out_other_browsers_keeps_this_one_and_mails(app, maria, mailbox):
    here, there = browser(app), browser(app, agent="Mozilla/5.0 (iPhone) Safari/605")
    assert signed_in(there)
    response = here.submit("/settings", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 303
    assert signed_in(here)
    assert not signed_in(there)                                      # the second browser's cookie stopped working
    assert any("Subject: Your Exchange password was changed" in m for m in mailbox())
    browser(app, password=NEW_PASSWORD)
    log = visible(here.get("/settings"))
    assert "Password changed" in log and "127.0.0.x" in log


def test_the_email_changes_only_through_the_link_sent_to_the_new_address(app, maria, mailbox):
    client = browser(app)
    response = client.submit("/settings", {"current_password": PASSWORD, "email": "maria.new@example.org"})
    assert response.status_code == 303
    assert db.session.get(User, maria.id).email == "maria@example.org"
    mails = mailbox()
    confirm = next(m for m in mails if m.startswith("To: maria.new@example.org"))
    assert any(m.startswith("To: maria@example.org") and "is changing" in m for m in mails)   # the old address told
    link = re.search(r"http://\S+/settings/email/\S+", confirm).group(0)
    assert link.startswith(app.config["BASE_URL"])                   # an absolute URL to this server
    path = link.replace(app.config["BASE_URL"], "")
    assert client.get(path).status_code == 303
    assert db.session.get(User, maria.id).email == "maria.new@example.org"
    again = client.get(path, follow_redirects=True)
    assert "expired or was already used" in visible(again)           # used twice
    assert "Email changed" in visible(client.get("/settings"))


def test_a_confirmation_link_is_refused_late_and_in_another_members_session(app, maria, make_user, mailbox):
    client = browser(app)
    client.submit("/settings", {"current_password": PASSWORD, "email": "maria.new@example.org"})
    link = re.search(r"/settings/email/\S+", next(m for m in mailbox() if "maria.new" in m.split("\n")[0])).group(0)
    make_user(username="otto", email="otto@example.org")
    other = browser(app, email="otto@example.org")
    assert "belongs to another account" in visible(other.get(link, follow_redirects=True))
    token = db.session.scalar(select(AccountToken).where(AccountToken.purpose == "email"))
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "expired" in visible(client.get(link, follow_redirects=True))
    assert db.session.get(User, maria.id).email == "maria@example.org"


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_is_told(app, maria, make_user, mailbox):
    make_user(username="otto", email="otto@example.org")
    client = browser(app)
    taken = client.submit("/settings", {"current_password": PASSWORD, "email": "otto@example.org"})
    free = client.submit("/settings", {"current_password": PASSWORD, "email": "free@example.org"})
    assert taken.status_code == free.status_code == 303
    told = [m for m in mailbox() if m.startswith("To: otto@example.org")]
    assert told and "Nothing was changed" in told[0]
    assert db.session.get(User, maria.id).email == "maria@example.org"


def test_a_member_sees_their_browsers_and_signs_one_out(app, maria):
    here = browser(app)
    phone = browser(app, agent="Mozilla/5.0 (iPhone) Safari/605")
    page = visible(here.get("/settings"))
    assert "Chrome on Linux" in page and "Safari on iPhone" in page and "This browser" in page
    phone_id = db.session.scalar(select(UserSession.id).where(UserSession.user_agent.like("%iPhone%")))
    assert here.submit(f"/settings/sessions/{phone_id}/sign-out").status_code == 303
    assert not signed_in(phone) and signed_in(here)


def test_sign_out_every_other_browser(app, maria):
    here, a, b = browser(app), browser(app), browser(app)
    here.submit("/settings/sessions/sign-out-others")
    assert signed_in(here) and not signed_in(a) and not signed_in(b)
    assert "Every other browser signed out" in visible(here.get("/settings"))


def test_nobody_signs_out_someone_elses_browser(app, maria, make_user):
    browser(app)
    make_user(username="otto", email="otto@example.org")
    mine = db.session.scalar(select(UserSession.id))
    assert browser(app, email="otto@example.org").submit(f"/settings/sessions/{mine}/sign-out").status_code == 404


def test_settings_refuse_strangers_and_forms_without_csrf(app, client, maria):
    assert client.get("/settings").status_code == 302
    signed = browser(app)
    assert signed.post("/settings", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 400


def test_settings_are_rate_limited_like_the_login(app, maria):
    app.config["RATELIMIT_ENABLED"] = True
    client = browser(app)
    answers = [client.submit("/settings", {"current_password": "wrong guess", "new_password": NEW_PASSWORD}).status_code
               for _ in range(12)]
    assert 429 in answers


def test_signing_out_ends_this_browser_for_good(app, maria):
    client = browser(app)
    client.submit("/logout")
    assert db.session.scalar(select(UserSession.revoked_at)) is not None
    assert db.session.scalar(select(SecurityEvent.action)) == "signed_in"
