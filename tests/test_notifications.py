"""Notifications: who hears of what (every kind), watching levels, mentions, privacy, email and digests.

Holds are on (``holding``) where posting is involved: a newcomer's first post waits, and nobody hears
of it until a moderator approves it.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from exchange import worker
from exchange.extensions import db
from exchange.models import (Category, DigestSent, Kind, Level, MailMessage, Notification, Region, Role, Status, User,
                             Visibility)
from exchange.moderation import flags, held
from exchange.notifications import digest, emails, fanout, watching
from exchange.practices import services as practices
from exchange.threads import services as threads
from tests.helpers import visible


@pytest.fixture
def people(app, make_user, establish):
    """Ana starts threads; Ben, Cara and Dev read and write; all established (their posts publish)."""
    made = {name: make_user(username=name, display_name=f"{name.title()} Example") for name in ("ana", "ben", "cara", "dev")}
    for user in made.values():
        establish(user)
    fanout.drain()
    db.session.query(Notification).delete()
    db.session.commit()
    return made


def notes(user) -> list[tuple[str, int | None]]:
    """(kind, post id) of the user's notifications, oldest first, after the worker's fan-out."""
    fanout.drain()
    return [(n.kind, n.post_id) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def kinds(user) -> list[str]:
    return [k for k, _ in notes(user)]


@pytest.fixture
def thread(people, make_category):
    category = db.session.query(Category).first() or make_category()
    made = threads.start_thread(author=people["ana"], title="Hiring season timelines", category_id=category.id,
                                body="When do you post teacher vacancies?")
    fanout.drain()
    return made


def watch(user, target_type, target_id, level=Level.WATCHING):
    watching.set_level(user=user, target_type=target_type, target_id=target_id, level=level)


# --- every kind ---------------------------------------------------------------------------------

def test_a_reply_to_my_thread_notifies_me_and_not_the_replier(people, thread):
    post = threads.reply(author=people["ben"], thread=thread, body="We post in February.")
    assert notes(people["ana"]) == [(Kind.REPLY, post.id)]
    assert notes(people["ben"]) == []


def test_a_mention_notifies_the_member_named_but_never_inside_code(people, thread):
    threads.reply(author=people["ben"], thread=thread, body="@cara knows this, and `@dev` is only code.\n\n    @dev again")
    assert kinds(people["cara"]) == [Kind.MENTION]
    assert kinds(people["dev"]) == []


def test_a_mention_beats_a_reply_for_the_thread_author(people, thread):
    threads.reply(author=people["ben"], thread=thread, body="@ana what did you decide?")
    assert kinds(people["ana"]) == [Kind.MENTION]


def test_at_most_ten_people_are_notified_of_one_post(people, thread, make_user):
    names = [make_user(username=f"m{i:02d}").username for i in range(12)]
    threads.reply(author=people["ben"], thread=thread, body=" ".join(f"@{n}" for n in names))
    fanout.drain()
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.kind == Kind.MENTION)) == 10


def test_a_reply_that_links_my_post_answers_me(people, thread):
    mine = threads.reply(author=people["cara"], thread=thread, body="We start in March.")
    threads.reply(author=people["ben"], thread=thread, body=f"Replying to [Cara](/p/{mine.id}): March is late.")
    assert Kind.QUOTE in kinds(people["cara"])


def test_a_watched_thread_notifies_every_new_post_and_tracking_does_not(people, thread):
    watch(people["cara"], "thread", thread.id)
    watch(people["dev"], "thread", thread.id, Level.TRACKING)
    threads.reply(author=people["ben"], thread=thread, body="February here.")
    assert kinds(people["cara"]) == [Kind.WATCHED_THREAD]
    assert kinds(people["dev"]) == []


def test_starting_a_thread_watches_it_and_replying_tracks_it(people, thread):
    threads.reply(author=people["ben"], thread=thread, body="February here.")
    assert watching.level_of(people["ana"], "thread", thread.id) == Level.WATCHING
    assert watching.level_of(people["ben"], "thread", thread.id) == Level.TRACKING


def test_a_watched_category_notifies_new_threads(people, thread):
    watch(people["dev"], "category", thread.category_id)
    second = threads.start_thread(author=people["ben"], title="Exit interviews that work", category_id=thread.category_id,
                                  body="What do you ask?")
    assert notes(people["dev"]) == [(Kind.WATCHED_CATEGORY, threads.opening_post_id(second.id))]


def test_a_watched_tag_catches_its_aliases_and_child_tags(people, thread, taxonomy, make_practice):
    watch(people["dev"], "tag", taxonomy["talent-pipeline"].id)
    make_practice(author=people["ben"], title="A residency that keeps teachers", tags=[taxonomy["teacher-residency"]])
    assert kinds(people["dev"]) == [Kind.WATCHED_TAG]


def test_a_watched_region_hears_of_new_practices_by_its_members(people, make_practice):
    denver = Region(slug="denver", name="Denver")
    aurora = Region(slug="aurora", name="Aurora", parent=denver)
    db.session.add_all([denver, aurora])
    db.session.commit()
    ben = db.session.get(User, people["ben"].id)
    ben.region_id = aurora.id
    db.session.commit()
    watch(people["dev"], "region", denver.id)
    make_practice(author=ben, title="Aurora's attendance nudges")
    assert kinds(people["dev"]) == [Kind.WATCHED_REGION]


def test_a_region_a_member_keeps_private_notifies_nobody(people, make_practice):
    denver = Region(slug="denver", name="Denver")
    db.session.add(denver)
    db.session.commit()
    ben = db.session.get(User, people["ben"].id)
    ben.region_id, ben.show_region = denver.id, Visibility.ONLY_ME
    db.session.commit()
    watch(people["dev"], "region", denver.id)
    make_practice(author=ben, title="A private practice about nudges")
    assert kinds(people["dev"]) == []


def test_muted_threads_and_categories_stay_silent_even_when_addressed(people, thread):
    watch(people["ana"], "thread", thread.id, Level.MUTED)
    watch(people["cara"], "category", thread.category_id, Level.MUTED)
    threads.reply(author=people["ben"], thread=thread, body="@cara @ana February.")
    assert kinds(people["ana"]) == [] and kinds(people["cara"]) == []


def test_helpful_marks_notify_the_author_grouped(people, make_practice, member_client):
    practice = make_practice(author=people["ana"], title="Weekly walkthroughs")
    for name in ("ben", "cara", "dev"):
        practices.toggle_helpful(thread=practice, user=people[name])
    assert kinds(people["ana"]) == [Kind.HELPFUL] * 3
    page = visible(member_client.sign_in_as(people["ana"]).get("/notifications"))
    assert "3 members marked “Weekly walkthroughs” helpful" in page


def test_a_contact_request_notifies_its_recipient(people, app):
    client = app.test_client().sign_in_as(people["ben"])
    client.submit("/members/ana/contact", {"message": "Could we talk about your hiring timeline next week?"})
    assert kinds(people["ana"]) == [Kind.CONTACT]


def test_a_held_post_notifies_nobody_until_approved_then_its_author_hears(holding, people, thread, make_user,
                                                                        queue_moderator):
    newcomer = make_user(username="nia")
    post = threads.reply(author=newcomer, thread=thread, body="@ana we post in January.")
    assert post.is_held and kinds(people["ana"]) == []
    held.approve_post(moderator=queue_moderator(), post=post)
    assert kinds(people["ana"]) == [Kind.MENTION]
    assert kinds(newcomer) == [Kind.HELD_DECIDED]


def test_a_rejected_post_tells_its_author_why(holding, people, thread, make_user, queue_moderator, app):
    newcomer = make_user(username="nia")
    post = threads.reply(author=newcomer, thread=thread, body="Buy followers")
    held.reject_post(moderator=queue_moderator(), post=post, reason="Advertising")
    assert kinds(newcomer) == [Kind.HELD_DECIDED]
    page = visible(app.test_client().sign_in_as(newcomer).get("/notifications"))
    assert "not approved: Advertising" in page


def test_a_hidden_post_tells_its_author_and_leaves_others_lists_as_such(people, thread, queue_moderator, app):
    post = threads.reply(author=people["ben"], thread=thread, body="Spam spam spam")
    fanout.drain()
    flags.hide_post(moderator=queue_moderator(), post=post, reason="Off-topic")
    assert Kind.HIDDEN in kinds(people["ben"])
    page = visible(app.test_client().sign_in_as(people["ana"]).get("/notifications"))
    assert "a post you can no longer see" in page and "Spam spam" not in page


def test_a_post_hidden_before_the_fan_out_notifies_nobody(people, thread, queue_moderator):
    post = threads.reply(author=people["ben"], thread=thread, body="@cara look")
    flags.hide_post(moderator=queue_moderator(), post=post, reason="Off-topic")
    assert kinds(people["cara"]) == [] and kinds(people["ana"]) == []


def test_suspended_pending_and_employer_accounts_get_nothing(people, thread, make_user):
    pending = make_user(username="penny", status=Status.PENDING)
    employer = make_user(username="dps", role=Role.EMPLOYER)
    dev = db.session.get(User, people["dev"].id)
    dev.status = Status.SUSPENDED
    db.session.commit()
    threads.reply(author=people["ben"], thread=thread, body="@penny @dps @dev hello")
    assert kinds(pending) == [] and kinds(employer) == [] and kinds(people["dev"]) == []


# --- the pages ------------------------------------------------------------------------------------

def test_the_list_groups_related_notifications_and_opening_one_reads_its_group(people, thread, app):
    for name in ("ben", "cara", "dev"):
        threads.reply(author=people[name], thread=thread, body=f"{name} says February.")
    fanout.drain()
    client = app.test_client().sign_in_as(people["ana"])
    page = client.get("/notifications")
    assert "3 new replies in “Hiring season timelines”" in visible(page)
    first = re.search(r'href="/notifications/(\d+)"', page.get_data(as_text=True)).group(1)
    opened = client.get(f"/notifications/{first}")
    assert opened.status_code == 302 and "/p/" in opened.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.read_at.is_(None))) == 0


def test_someone_elses_notification_is_a_404(people, thread, app):
    threads.reply(author=people["ben"], thread=thread, body="February.")
    fanout.drain()
    mine = db.session.scalar(select(Notification.id))
    assert app.test_client().sign_in_as(people["cara"]).get(f"/notifications/{mine}").status_code == 404


def test_the_header_count_answers_in_two_statements_and_304_when_nothing_changed(people, thread, app):
    threads.reply(author=people["ben"], thread=thread, body="February.")
    fanout.drain()
    client = app.test_client().sign_in_as(people["ana"])
    statements = []

    def note(conn, cursor, statement, *args):
        if not statement.startswith("BEGIN"):  # SQLite's explicit BEGIN; PostgreSQL's is implicit
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        first = client.get("/notifications/count")
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    assert first.status_code == 200 and "1<spanclass" in first.get_data(as_text=True).replace(" ", "")
    assert len(statements) <= 2, statements
    again = client.get("/notifications/count", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    threads.reply(author=people["cara"], thread=thread, body="March.")
    fanout.drain()
    assert client.get("/notifications/count", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_mark_all_read(people, thread, app):
    threads.reply(author=people["ben"], thread=thread, body="February.")
    fanout.drain()
    client = app.test_client().sign_in_as(people["ana"])
    assert client.submit("/notifications/read").status_code == 303
    assert "Nothing yet" not in visible(client.get("/notifications"))
    assert db.session.scalar(select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))) == 0


@pytest.mark.parametrize("target", ["thread", "category", "tag", "region"])
@pytest.mark.parametrize("level", Level.ALL)
def test_the_watch_control_takes_every_level_on_every_kind_of_object(people, thread, taxonomy, app, target, level):
    denver = Region(slug="denver", name="Denver")
    db.session.add(denver)
    db.session.commit()
    target_id = {"thread": thread.id, "category": thread.category_id, "tag": taxonomy["talent-pipeline"].id,
                 "region": denver.id}[target]
    client = app.test_client().sign_in_as(people["dev"])
    plain = client.submit(f"/watch/{target}/{target_id}", {"level": level, "next": "/notifications"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/notifications")
    assert watching.level_of(people["dev"], target, target_id) == level
    swapped = client.submit(f"/watch/{target}/{target_id}", {"level": level}, htmx=True)
    assert swapped.status_code == 200 and "Saved." in swapped.get_data(as_text=True)
    assert "<html" not in swapped.get_data(as_text=True)


def test_the_watch_control_refuses_nonsense(people, thread, app):
    client = app.test_client().sign_in_as(people["dev"])
    assert client.submit(f"/watch/thread/{thread.id}", {"level": "obsessed"}).status_code == 400
    assert client.submit("/watch/thread/999999", {"level": "watching"}).status_code == 404
    assert client.post(f"/watch/thread/{thread.id}", data={"level": "watching"}).status_code == 400  # no CSRF


# --- email ----------------------------------------------------------------------------------------

def mails_to(email_address) -> list[MailMessage]:
    return list(db.session.scalars(select(MailMessage).where(MailMessage.to == email_address)))


def test_a_mention_is_emailed_at_once_with_text_html_and_one_click_unsubscribe(app, people, thread, mailbox):
    app.config["NOTIFICATION_EMAIL_DELAY_SECONDS"] = 0
    threads.reply(author=people["ben"], thread=thread, body="@cara see this")
    fanout.drain()
    emails.send_due()
    [mail] = mails_to("cara@example.org")
    assert mail.text and mail.html and "Ben Example mentioned you" in mail.text
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/settings/notifications" in mail.text
    token = re.search(r"/unsubscribe/([^>\s]+)", mail.headers["List-Unsubscribe"]).group(1)
    response = app.test_client().post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    threads.reply(author=people["ben"], thread=thread, body="@cara again")
    fanout.drain()
    emails.send_due()
    assert len(mails_to("cara@example.org")) == 1
    assert any("Subject: Ben Example mentioned you" in m for m in mailbox())


def test_something_read_in_the_app_meanwhile_is_not_emailed(app, people, thread):
    app.config["NOTIFICATION_EMAIL_DELAY_SECONDS"] = 0
    threads.reply(author=people["ben"], thread=thread, body="@cara see this")
    fanout.drain()
    app.test_client().sign_in_as(people["cara"]).submit("/notifications/read")
    emails.send_due()
    assert mails_to("cara@example.org") == []


def test_the_delay_waits_before_emailing(app, people, thread):
    threads.reply(author=people["ben"], thread=thread, body="@cara see this")
    fanout.drain()
    assert emails.send_due() == 0 and mails_to("cara@example.org") == []


def test_unsubscribe_links_cannot_be_forged_or_turned_to_another_member(app, people):
    token = emails.unsubscribe_token(people["ben"].id, Kind.MENTION)
    client = app.test_client()
    assert client.post(f"/unsubscribe/{token[:-2]}xx").status_code == 400
    forged = token.replace(str(people["ben"].id), str(people["cara"].id), 1)
    assert client.post(f"/unsubscribe/{forged}").status_code == 400
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    assert client.post(f"/unsubscribe/{token}").status_code == 200          # reused: harmless, still off
    client.sign_in_as(people["cara"])
    settings = client.get("/settings/notifications").get_data(as_text=True)
    assert re.search(r'name="mail_mention"[^>]*>.*?<option selected value="now"', settings, re.S)
    ben = app.test_client().sign_in_as(people["ben"]).get("/settings/notifications").get_data(as_text=True)
    assert re.search(r'name="mail_mention"[^>]*>.*?<option selected value="never"', ben, re.S)


def test_settings_choose_email_per_kind(app, people, thread):
    app.config["NOTIFICATION_EMAIL_DELAY_SECONDS"] = 0
    client = app.test_client().sign_in_as(people["ana"])
    form = {f"mail_{k}": "never" for k in Kind.ALL}
    form.update(digest="daily", auto_watch_started="y")
    assert client.submit("/settings/notifications", form).status_code == 303
    threads.reply(author=people["ben"], thread=thread, body="February.")
    fanout.drain()
    emails.send_due()
    assert mails_to("ana@example.org") == []
    assert kinds(people["ana"]) == [Kind.REPLY]      # still in the app


# --- digests --------------------------------------------------------------------------------------

def test_a_digest_is_sent_once_per_period_and_not_when_nothing_is_new(app, people, thread, runner):
    threads.reply(author=people["ben"], thread=thread, body="February.")   # Ana: a reply (digest by default? no: at once)
    practices_watch = watch(people["dev"], "category", thread.category_id)  # noqa: F841
    threads.start_thread(author=people["ben"], title="Exit interviews that work", category_id=thread.category_id,
                         body="What do you ask?")
    fanout.drain()
    first = runner.invoke(args=["notifications", "digest"])
    assert first.exit_code == 0
    dev_mails = mails_to("dev@example.org")
    assert len(dev_mails) == 1 and "Exit interviews that work" in dev_mails[0].text
    assert runner.invoke(args=["notifications", "digest"]).exit_code == 0
    assert len(mails_to("dev@example.org")) == 1
    assert db.session.scalar(select(func.count()).select_from(DigestSent).where(DigestSent.user_id == people["dev"].id)) == 1
    assert mails_to("cara@example.org") == []          # nothing new for Cara: nothing sent
    cara_period = db.session.get(DigestSent, (people["cara"].id, digest.period_key("weekly", date.today())))
    assert cara_period is not None and cara_period.items == 0   # decided: not built again every round


def test_a_digest_recorded_for_the_period_is_never_built_again(app, people, thread):
    watch(people["dev"], "category", thread.category_id)
    threads.start_thread(author=people["ben"], title="Exit interviews that work", category_id=thread.category_id,
                         body="What do you ask?")
    fanout.drain()
    period = digest.period_key("weekly", date.today())
    assert digest.send_one(people["dev"].id, period, date.today()) is True
    assert digest.send_one(people["dev"].id, period, date.today()) is False
    assert len(mails_to("dev@example.org")) == 1


def test_the_worker_sends_digests_a_slice_per_round_and_fan_out_goes_on_between(app, people, thread, monkeypatch):
    monkeypatch.setattr(worker, "DIGEST_SLICE", 2)
    for member in ("ben", "cara", "dev"):
        watch(people[member], "category", thread.category_id)
    threads.start_thread(author=people["ana"], title="Exit interviews that work", category_id=thread.category_id,
                         body="What do you ask?")
    fanout.drain()
    recorded = lambda: db.session.scalar(select(func.count()).select_from(DigestSent))  # noqa: E731
    due = len(digest._due_members(date.today()))
    assert due > 2
    schedule = worker.Schedule()
    assert "digests" in schedule.run() and recorded() == 2 and schedule.digests_left   # the chores' first slice
    threads.reply(author=people["ben"], thread=thread, body="Meanwhile, a reply.")
    assert worker.run_once()["notified"] == 1                      # fan-out does not wait for the digests
    rounds = 1
    while schedule.digests_left:                                   # not chores time: a slice a round
        assert set(schedule.run()) == {"digests"}
        rounds += 1
    assert recorded() == due and rounds == -(-due // 2)            # every digest decided, two a round
    assert schedule.run() == {}                                    # nothing more until the next chores
    assert [len(mails_to(f"{name}@example.org")) for name in ("ben", "cara", "dev")] == [1, 1, 1]


# --- the mail queue -------------------------------------------------------------------------------

def test_mail_is_queued_in_the_request_and_sent_by_the_worker(app, client, make_user):
    from pathlib import Path

    from exchange.mail import deliver_due
    make_user(username="rita", email="rita@example.org")
    assert client.submit("/reset", {"email": "rita@example.org"}).status_code in (200, 303)
    waiting = db.session.scalars(select(MailMessage).where(MailMessage.to == "rita@example.org")).all()
    assert len(waiting) == 1 and waiting[0].sent_at is None
    assert not list(Path(app.config["MAIL_DIR"]).glob("*.eml"))          # nothing sent inside the request
    assert deliver_due() == 1
    [written] = Path(app.config["MAIL_DIR"]).glob("*.eml")
    assert "rita@example.org" in written.read_text() and f"{waiting[0].id:08d}" in written.name
    assert deliver_due() == 0                                               # sent once


def test_a_refusing_server_is_retried_with_backoff_then_given_up_and_shown_to_moderators(app, moderator_client,
                                                                                        monkeypatch):
    import smtplib

    from exchange import mail

    def refuse(row):
        raise smtplib.SMTPServerDisconnected("connection closed")

    monkeypatch.setattr(mail, "_transport", refuse)
    mail.send_mail("someone@example.org", "Hello", "Body")
    assert mail.deliver_due() == 0
    row = db.session.scalar(select(MailMessage))
    assert row.attempts == 1 and row.sent_at is None and row.failed_at is None
    assert row.next_attempt_at > row.created_at                      # waits before the next try
    for _ in range(mail.MAX_ATTEMPTS):
        db.session.execute(MailMessage.__table__.update().values(next_attempt_at=row.created_at))
        db.session.commit()
        mail.deliver_due()
    row = db.session.scalar(select(MailMessage))
    assert row.failed_at is not None and row.attempts == mail.MAX_ATTEMPTS
    page = visible(moderator_client.get("/mod/mail"))
    assert "someone@example.org" in page and "connection closed" in page


def test_a_message_claimed_by_a_worker_that_died_is_not_sent_twice_over_smtp(app, monkeypatch):
    from exchange import mail
    from exchange.models import utcnow

    app.config["MAIL_SERVER"] = "smtp.invalid"
    sent = []
    monkeypatch.setattr(mail, "_transport", lambda row: sent.append(row.id))
    mail.send_mail("someone@example.org", "Hello", "Body")
    row = db.session.scalar(select(MailMessage))
    row.claimed_at = utcnow() - mail.STALE_CLAIM - timedelta(minutes=1)   # claimed, then the worker was killed
    db.session.commit()
    assert mail.deliver_due() == 0 and sent == []
    row = db.session.scalar(select(MailMessage))
    assert row.failed_at is not None and "may or may not" in row.last_error
