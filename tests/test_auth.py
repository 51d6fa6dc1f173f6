"""Joining a closed network, signing in and out, and resetting a password."""
import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from exchange.extensions import db
from exchange.models import AccountToken, ModerationLog, Program, Status, User
from exchange.passwords import verify_password
from tests.conftest import PASSWORD
from tests.helpers import visible

REGISTRATION = {"email": "ana@district.org", "username": "ana", "display_name": "Ana Ruiz",
                "password": "a long enough password", "program": "0", "region": "0", "note": "UELF 2019"}


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_registering_creates_a_pending_account_that_cannot_sign_in(client):
    response = client.submit("/register", REGISTRATION)
    assert response.status_code == 303
    assert "with the moderators" in visible(client.get(response.location))
    user = _user("ana@district.org")
    assert user.status == Status.PENDING
    assert user.password_hash.startswith("$argon2id$")

    login = client.submit("/login", {"email": "ana@district.org", "password": REGISTRATION["password"]})
    assert login.status_code == 422
    assert "waiting for a moderator's approval" in visible(login)


def test_registering_an_email_that_already_has_an_account_looks_the_same_and_tells_the_owner(
        client, make_user, mailbox):
    make_user(email="taken@example.org", username="taken")
    response = client.submit("/register", {**REGISTRATION, "email": "taken@example.org"})
    assert response.status_code == 303
    assert "with the moderators" in visible(client.get(response.location))
    assert "already has an account" in mailbox()[-1]
    assert db.session.scalar(select(User).where(User.username == "ana")) is None


def test_a_taken_username_is_refused_with_the_form_kept(client, make_user):
    make_user(username="ana")
    response = client.submit("/register", REGISTRATION)
    assert response.status_code == 422
    page = visible(response)
    assert "That username is taken" in page
    assert 'value="Ana Ruiz"' in response.get_data(as_text=True)
    assert 'value="ana@district.org"' in response.get_data(as_text=True)


def _fixed_names_where_a_username_goes(app) -> set[str]:
    """Fixed path segments under /members/ and /talent/, where /members/<username> and /talent/<username> live."""
    names = set()
    for rule in app.url_map.iter_rules():
        parts = str(rule).split("/")
        if len(parts) > 2 and parts[1] in ("members", "talent") and not parts[2].startswith("<"):
            names.add(parts[2])
    return names


def test_a_username_that_a_fixed_page_would_hide_is_refused(app, client):
    fixed = _fixed_names_where_a_username_goes(app)
    assert {"lists", "mention-suggestions"} <= fixed
    for name in sorted(fixed):
        response = client.submit("/register", {**REGISTRATION, "username": name.upper()})
        assert response.status_code == 422 and "That username is taken" in visible(response), name
    assert _user("ana@district.org") is None


def _register_as_a_stranger(app, monkeypatch, data: dict) -> tuple:
    """What a fresh browser sees after submitting the form, and how many argon2 hashes it cost."""
    hashes = []
    real_hash = PasswordHasher.hash
    monkeypatch.setattr(PasswordHasher, "hash", lambda self, *a, **k: hashes.append(1) or real_hash(self, *a, **k))
    client = app.test_client()
    response = client.submit("/register", data)
    page = visible(client.get(response.location)) if response.status_code == 303 else visible(response)
    monkeypatch.undo()
    return response.status_code, response.location, page, len(hashes)


@pytest.mark.parametrize("username", ["taken", "free-name"], ids=["username-taken", "username-free"])
def test_registration_answers_the_same_whether_or_not_the_email_has_an_account(app, make_user, monkeypatch,
                                                                               username):
    make_user(email="member@example.org", username="taken")
    registered = _register_as_a_stranger(app, monkeypatch, {**REGISTRATION, "email": "member@example.org",
                                                            "username": username})
    unregistered = _register_as_a_stranger(app, monkeypatch, {**REGISTRATION, "email": "new@example.org",
                                                              "username": username})
    # Same status, redirect, page text and argon2 work: nothing tells the two emails apart.
    assert registered == unregistered
    if username == "taken":
        assert registered[0] == 422 and "That username is taken" in registered[2]


def test_a_display_name_of_only_spaces_is_refused_with_the_form_kept(client):
    response = client.submit("/register", {**REGISTRATION, "display_name": "    "})
    assert response.status_code == 422
    assert "Enter your name" in visible(response)
    html = response.get_data(as_text=True)
    assert 'value="ana@district.org"' in html and 'value="ana"' in html and "UELF 2019" in html
    assert _user("ana@district.org") is None


def test_a_display_name_is_stored_without_surrounding_spaces(client):
    client.submit("/register", {**REGISTRATION, "display_name": "  Ana Ruiz  "})
    assert _user("ana@district.org").display_name == "Ana Ruiz"


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-email", "Invalid email address"),
    ("username", "a b", "Use only letters, digits"),
    ("username", "ab", "between 3 and 32"),
    ("password", "short", "between 10 and 200"),
    ("display_name", "x" * 81, "between 1 and 80"),
])
def test_bad_registration_input_gets_a_clear_message(client, field, value, message):
    response = client.submit("/register", {**REGISTRATION, field: value})
    assert response.status_code == 422
    assert message in visible(response)
    assert _user("ana@district.org") is None


def test_an_invitation_link_from_the_cli_creates_an_active_account_at_once(app, client, runner, mailbox):
    result = runner.invoke(args=["users", "invite", "invitee@district.org"])
    assert result.exit_code == 0, result.output
    link = re.search(r"http://\S+/register\?invite=(\S+)", result.output)
    assert link and link.group(0) in mailbox()[-1]
    token = link.group(1)

    form = client.get(f"/register?invite={token}")
    assert 'value="invitee@district.org"' in form.get_data(as_text=True)
    response = client.submit("/register", {**REGISTRATION, "email": "invitee@district.org", "invite": token})
    assert response.status_code == 303
    assert _user("invitee@district.org").status == Status.ACTIVE
    assert "Welcome back" in visible(client.get("/"))

    # The link works once.
    again = app.test_client().submit("/register", {**REGISTRATION, "username": "other",
                                                   "email": "invitee@district.org", "invite": token})
    assert again.status_code == 422
    assert "no longer valid" in visible(again)


def test_an_invitation_is_only_good_for_its_own_email(client, runner):
    token = re.search(r"invite=(\S+)", runner.invoke(args=["users", "invite", "a@x.org"]).output).group(1)
    response = client.submit("/register", {**REGISTRATION, "email": "b@x.org", "invite": token})
    assert response.status_code == 422
    assert _user("b@x.org") is None


def test_members_sign_in_and_are_sent_to_the_page_they_asked_for(client, make_user, make_thread):
    thread = make_thread()
    make_user(email="lee@example.org", username="lee")
    asked = client.get(f"/t/{thread.id}")
    assert asked.status_code == 302 and "/login?next=" in asked.location
    response = client.submit("/login", {"email": "LEE@example.org ", "password": PASSWORD,
                                        "next": f"/t/{thread.id}"})
    assert response.status_code == 303
    assert response.location.endswith(f"/t/{thread.id}")


OFF_SITE = ("https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example", "/\n/evil.example",
            "javascript:alert(1)//evil.example")


def test_login_refuses_to_redirect_off_site(client, make_user):
    make_user(email="lee@example.org", username="lee")
    for target in OFF_SITE:
        response = client.submit("/login", {"email": "lee@example.org", "password": PASSWORD, "next": target})
        assert response.status_code == 303
        assert "evil.example" not in response.location


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user):
    make_user(email="lee@example.org", username="lee")
    wrong = client.submit("/login", {"email": "lee@example.org", "password": "not the password"})
    unknown = client.submit("/login", {"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 422
    message = "That email and password don't match an account."
    assert message in visible(wrong) and message in visible(unknown)
    assert 'value="lee@example.org"' in wrong.get_data(as_text=True)


def test_the_session_is_cleared_at_login(client, make_user):
    make_user(email="lee@example.org", username="lee")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.submit("/login", {"email": "lee@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_a_suspended_member_cannot_sign_in_and_is_signed_out_at_the_next_request(app, client, make_user):
    user = make_user(email="lee@example.org", username="lee")
    client.sign_in_as(user)
    assert client.get("/threads").status_code == 200
    user.status = Status.SUSPENDED
    db.session.commit()
    assert client.get("/threads").status_code == 302
    response = client.submit("/login", {"email": "lee@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert "This account is suspended" in visible(response)


def test_login_rehashes_the_password_when_the_argon2_parameters_change(app, client, make_user):
    user = make_user(email="lee@example.org", username="lee")
    old_hash = user.password_hash
    app.config["ARGON2_TIME_COST"] = 2
    client.submit("/login", {"email": "lee@example.org", "password": PASSWORD})
    new_hash = _user("lee@example.org").password_hash
    assert new_hash != old_hash and "t=2" in new_hash
    assert verify_password(new_hash, PASSWORD)
    assert client.get("/threads").status_code == 200  # the rehash did not sign them out


def test_logout_needs_a_post_and_ends_the_session(member_client):
    assert member_client.get("/logout").status_code == 405
    response = member_client.submit("/logout")
    assert response.status_code == 303
    assert member_client.get("/threads").status_code == 302


def _sign_in(client, email: str, password: str = PASSWORD, *, remember: bool = False):
    data = {"email": email, "password": password, **({"remember": "y"} if remember else {})}
    assert client.submit("/login", data).status_code == 303
    assert client.get("/threads").status_code == 200
    return client


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.location


def test_signing_out_ends_a_kept_sign_in_too(app, client, make_user):
    make_user(email="lee@example.org", username="lee")
    _sign_in(client, "lee@example.org", remember=True)
    # The remember cookie alone signs them in (a browser restarted without its session cookie).
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    assert client.get("/threads").status_code == 200

    assert client.submit("/logout").status_code == 303
    assert client.get_cookie("remember_token") is None  # the browser was told to drop it
    assert _sent_to_login(client.get("/threads"))
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    assert _sent_to_login(client.get("/threads"))


def test_resetting_the_password_signs_out_the_members_other_sessions(app, make_user, mailbox):
    make_user(email="lee@example.org", username="lee")
    laptop = _sign_in(app.test_client(), "lee@example.org", remember=True)
    phone = _sign_in(app.test_client(), "lee@example.org")

    phone.submit("/reset", {"email": "lee@example.org"})
    token = re.search(r"/reset/(\S+)", mailbox()[-1]).group(1)
    done = phone.submit(f"/reset/{token}", {"password": "a brand new password", "confirm": "a brand new password"})
    assert done.status_code == 303

    assert laptop.get_cookie("remember_token") is not None  # still presented, and refused
    assert _sent_to_login(laptop.get("/threads"))
    assert _sent_to_login(phone.get("/threads"))
    _sign_in(laptop, "lee@example.org", "a brand new password")


@pytest.mark.parametrize("session_id", ["\u00b2", "1\u00b2:", "", ":", "1:", "abc", "1:2:3", "9" * 40,
                                        "{id}", "{id}:000000000000", "{id}:{fingerprint}\n",
                                        "{id}:{fingerprint}\u00b2", "\u00b9:{fingerprint}"])
def test_a_malformed_or_outdated_session_id_is_signed_out_without_an_error(client, make_user, session_id):
    user = make_user(email="lee@example.org", username="lee")
    fingerprint = user.get_id().partition(":")[2]
    with client.session_transaction() as session:
        session["_user_id"] = session_id.format(id=user.id, fingerprint=fingerprint)
    assert _sent_to_login(client.get("/threads"))


def test_login_is_rate_limited(client, make_user):
    make_user(email="lee@example.org", username="lee")
    statuses = [client.submit("/login", {"email": "lee@example.org", "password": "wrong password"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    limited = client.submit("/login", {"email": "lee@example.org", "password": PASSWORD})
    assert limited.status_code == 429
    assert "Slow down a little" in visible(limited)


def test_password_reset_by_emailed_single_use_link(client, make_user, mailbox):
    make_user(email="lee@example.org", username="lee")
    response = client.submit("/reset", {"email": "lee@example.org"})
    assert response.status_code == 303
    assert "If that address belongs to an Exchange account" in visible(client.get(response.location))
    link = re.search(r"http://\S+/reset/(\S+)", mailbox()[-1])
    token = link.group(1)

    assert client.get(f"/reset/{token}").status_code == 200
    mismatch = client.submit(f"/reset/{token}", {"password": "a brand new password", "confirm": "different one!"})
    assert mismatch.status_code == 422 and "The two passwords differ" in visible(mismatch)
    done = client.submit(f"/reset/{token}", {"password": "a brand new password", "confirm": "a brand new password"})
    assert done.status_code == 303
    assert verify_password(_user("lee@example.org").password_hash, "a brand new password")

    reused = client.get(f"/reset/{token}")
    assert reused.status_code == 404 and "This link has expired" in visible(reused)
    login = client.submit("/login", {"email": "lee@example.org", "password": "a brand new password"})
    assert login.status_code == 303


def test_password_reset_for_an_unknown_email_looks_identical_and_sends_nothing(client, mailbox):
    response = client.submit("/reset", {"email": "nobody@example.org"})
    assert response.status_code == 303
    assert "If that address belongs to an Exchange account" in visible(client.get(response.location))
    assert mailbox() == []


def test_an_expired_reset_link_is_refused(client, make_user, mailbox):
    make_user(email="lee@example.org", username="lee")
    client.submit("/reset", {"email": "lee@example.org"})
    token = re.search(r"/reset/(\S+)", mailbox()[-1]).group(1)
    row = db.session.scalar(select(AccountToken))
    row.expires_at = row.created_at
    db.session.commit()
    assert client.get(f"/reset/{token}").status_code == 404
    response = client.submit(f"/reset/{token}", {"password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 404
    assert not verify_password(_user("lee@example.org").password_hash, "a brand new password")


def test_reset_requests_are_rate_limited(client):
    statuses = [client.submit("/reset", {"email": "x@example.org"}).status_code for _ in range(6)]
    assert statuses[:5] == [303] * 5 and statuses[5] == 429


def test_cli_creates_the_first_admin_from_a_password_on_stdin(runner):
    result = runner.invoke(args=["users", "create", "boss@example.org", "--username", "boss", "--role", "admin",
                                 "--password-stdin"], input="a long admin password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin boss" in result.output
    user = _user("boss@example.org")
    assert user.role == "admin" and user.status == Status.ACTIVE
    assert verify_password(user.password_hash, "a long admin password")


def test_cli_refuses_a_duplicate_email_and_a_short_password(runner, make_user):
    make_user(email="boss@example.org", username="boss")
    dup = runner.invoke(args=["users", "create", "boss@example.org", "--username", "boss2", "--password-stdin"],
                        input="a long admin password\n")
    assert dup.exit_code != 0 and "already has an account" in dup.output
    short = runner.invoke(args=["users", "create", "x@example.org", "--username", "xavier", "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output


@pytest.mark.parametrize("email, username, message", [
    ("boss@example.org", "A B", "Use only letters, digits"),
    ("boss@example.org", "x", "between 3 and 32"),
    ("not-an-email", "boss", "Invalid email address"),
])
def test_cli_refuses_the_usernames_and_emails_the_registration_form_refuses(runner, email, username, message):
    result = runner.invoke(args=["users", "create", email, "--username", username, "--password-stdin"],
                           input="a long admin password\n")
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(select(User)) is None


def test_a_moderator_approves_a_pending_member_who_can_then_sign_in(client, moderator_client, mailbox):
    client.submit("/register", REGISTRATION)
    user = _user("ana@district.org")
    queue = visible(moderator_client.get("/mod"))
    assert "Ana Ruiz" in queue and "UELF 2019" in queue

    response = moderator_client.submit(f"/mod/members/{user.id}/approve", htmx=True)
    assert response.status_code == 200
    assert "Approved Ana Ruiz" in visible(response)
    assert response.get_data(as_text=True).lstrip().startswith('<section id="mod-queue"')
    assert _user("ana@district.org").status == Status.ACTIVE
    assert "approved" in mailbox()[-1]
    log = db.session.scalar(select(ModerationLog))
    assert (log.action, log.target_id, log.actor_id) == ("approve_member", user.id, moderator_client.user.id)

    login = client.submit("/login", {"email": "ana@district.org", "password": REGISTRATION["password"]})
    assert login.status_code == 303


def test_a_program_without_a_cohort_year_is_refused(client):
    db.session.add(Program(slug="uelf", name="Urban Education Leaders Fellowship", short_name="UELF"))
    db.session.commit()
    program_id = db.session.scalar(select(Program.id))
    response = client.submit("/register", {**REGISTRATION, "program": str(program_id)})
    assert response.status_code == 422
    assert "Add your cohort year" in visible(response)
    ok = client.submit("/register", {**REGISTRATION, "program": str(program_id), "cohort_year": "2019"})
    assert ok.status_code == 303
    assert [a.cohort_year for a in _user("ana@district.org").affiliations] == [2019]


def test_login_attempts_on_one_email_are_limited_across_addresses(client, make_user):
    make_user(email="lee@example.org", username="lee")
    statuses = []
    for n in range(21):
        statuses.append(client.submit("/login", {"email": "lee@example.org", "password": "wrong password"},
                                      environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code)
    assert statuses[:20] == [422] * 20 and statuses[20] == 429
