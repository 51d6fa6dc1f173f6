"""The first moderation tools: approving members, locking threads, and the append-only log."""
from datetime import timedelta

from sqlalchemy import select

from exchange.extensions import db
from exchange.models import ModerationLog, Role, Status, Thread, utcnow
from tests.helpers import visible


def test_the_queue_has_a_calm_empty_state(moderator_client):
    assert "Nobody is waiting." in visible(moderator_client.get("/mod"))


def test_declining_a_request_records_the_reason(moderator_client, make_user):
    pending = make_user(username="spammy", status=Status.PENDING)
    response = moderator_client.submit(f"/mod/members/{pending.id}/reject", {"reason": "Not an alumnus"})
    assert response.status_code == 303
    assert "Declined" in visible(moderator_client.get(response.location))
    db.session.refresh(pending)
    assert pending.status == Status.REJECTED
    log = db.session.scalar(select(ModerationLog))
    assert (log.action, log.reason) == ("reject_member", "Not an alumnus")


def test_approving_someone_twice_is_a_clear_message_not_an_error(moderator_client, make_user):
    pending = make_user(username="twice", status=Status.PENDING)
    moderator_client.submit(f"/mod/members/{pending.id}/approve")
    again = moderator_client.submit(f"/mod/members/{pending.id}/approve", htmx=True)
    assert again.status_code == 200
    assert "is not waiting for approval" in visible(again)
    assert db.session.scalar(select(db.func.count()).select_from(ModerationLog)) == 1


def test_an_overlong_reason_is_refused(moderator_client, make_user):
    pending = make_user(username="longwinded", status=Status.PENDING)
    response = moderator_client.submit(f"/mod/members/{pending.id}/reject", {"reason": "x" * 501})
    assert response.status_code == 400
    assert "500 characters" in visible(response)


def test_locking_and_unlocking_a_thread_is_logged(moderator_client, make_thread):
    thread = make_thread(title="Heated debate")
    assert moderator_client.submit(f"/mod/threads/{thread.id}/lock", {"reason": "Cooling off"}).status_code == 303
    assert db.session.get(Thread, thread.id).is_locked
    assert moderator_client.submit(f"/mod/threads/{thread.id}/unlock").status_code == 303
    assert not db.session.get(Thread, thread.id).is_locked
    page = visible(moderator_client.get("/mod/log"))
    assert "lock thread" in page and "unlock thread" in page and "Cooling off" in page and "Heated debate" in page
    filtered = visible(moderator_client.get("/mod/log?action=unlock_thread"))
    assert "Cooling off" not in filtered and "unlock thread" in filtered


def test_moderation_actions_on_unknown_targets_are_404(moderator_client):
    assert moderator_client.submit("/mod/members/9999/approve").status_code == 404
    assert moderator_client.submit("/mod/threads/9999/lock").status_code == 404


def test_the_log_filters_by_who_what_target_and_dates(app, moderator_client, make_user, make_thread):
    other = make_user(username="othermod", role=Role.MODERATOR)
    first, second = make_thread(title="First heated debate"), make_thread(title="Second heated debate")
    moderator_client.submit(f"/mod/threads/{first.id}/lock", {"reason": "Cooling off"})
    app.test_client().sign_in_as(other).submit(f"/mod/threads/{second.id}/lock", {"reason": "Spam wave"})
    by_other = visible(moderator_client.get("/mod/log?who=othermod"))
    assert "Spam wave" in by_other and "Cooling off" not in by_other
    one_thread = visible(moderator_client.get(f"/mod/log?target=thread&id={first.id}"))
    assert "Cooling off" in one_thread and "Spam wave" not in one_thread
    today = utcnow().date()
    assert "Spam wave" in visible(moderator_client.get(f"/mod/log?after={today}&before={today}"))
    past = visible(moderator_client.get(f"/mod/log?before={today - timedelta(days=1)}"))
    assert "Nothing matches these filters" in past and "Spam wave" not in past
    # Malformed filters are ignored, never an error.
    assert moderator_client.get("/mod/log?after=2026-02-30&id=²&who=%00").status_code == 200
