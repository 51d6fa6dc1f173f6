"""Suspending and reinstating members: who may, what it does, and when it ends by itself."""
from __future__ import annotations

from datetime import timedelta

import pytest

from exchange.extensions import db
from exchange.models import ModerationLog, Role, Status, User, utcnow
from exchange.search import outbox
from tests.conftest import PASSWORD
from tests.helpers import visible


@pytest.fixture
def people(app, make_user):
    return {"member": make_user(username="mia", display_name="Mia Member"),
            "other": make_user(username="otto", display_name="Otto Other"),
            "moderator": make_user(username="mod", role=Role.MODERATOR),
            "moderator2": make_user(username="mod2", role=Role.MODERATOR, display_name="Second Moderator"),
            "admin": make_user(username="root", role=Role.ADMIN)}


def as_(app, user):
    return app.test_client().sign_in_as(user)


def sign_in(app, email):
    return app.test_client().submit("/login", {"email": email, "password": PASSWORD})


def test_a_suspended_member_is_signed_out_cannot_sign_in_and_disappears(app, people, mailbox):
    member, other = people["member"], people["other"]
    outbox.drain()
    members_page = as_(app, member)
    assert members_page.get("/members").status_code == 200
    response = as_(app, people["moderator"]).submit(f"/mod/members/{member.id}/suspend",
                                                    {"reason": "Repeated spam", "until": ""})
    assert response.status_code == 303
    assert db.session.get(User, member.id).status == Status.SUSPENDED
    assert members_page.get("/members").status_code == 302                       # signed out at the next request
    refused = sign_in(app, "mia@example.org")
    assert "This account is suspended." in visible(refused)
    outbox.drain()
    viewer = as_(app, other)
    assert "Mia Member" not in visible(viewer.get("/members"))
    assert "Mia Member" not in visible(viewer.get("/search", query_string={"q": "mia", "type": "members"}))
    assert "Otto Other" in visible(viewer.get("/search", query_string={"q": "otto", "type": "members"}))
    assert viewer.get("/members/mia").status_code == 404
    assert "Repeated spam" in mailbox()[-1]
    row = db.session.query(ModerationLog).filter_by(action="suspend_member").one()
    assert row.reason == "Repeated spam" and row.actor_id == people["moderator"].id


def test_moderators_see_and_reinstate_a_suspended_member(app, people):
    member, moderator = people["member"], people["moderator"]
    client = as_(app, moderator)
    client.submit(f"/mod/members/{member.id}/suspend", {"reason": "Cooling off", "until": ""})
    profile = visible(client.get("/members/mia"))
    assert "Suspended: Cooling off" in profile and "Reinstate" in profile
    client.submit(f"/mod/members/{member.id}/reinstate", {"reason": "Apologised"})
    assert db.session.get(User, member.id).status == Status.ACTIVE
    assert sign_in(app, "mia@example.org").status_code == 303
    assert "Mia Member" in visible(as_(app, people["other"]).get("/members"))
    outbox.drain()
    found = visible(as_(app, people["other"]).get("/search", query_string={"q": "mia", "type": "members"}))
    assert "Mia Member" in found                                                   # back in search too
    actions = [r.action for r in db.session.query(ModerationLog).order_by(ModerationLog.id)]
    assert actions == ["suspend_member", "reinstate_member"]


def test_a_suspension_with_an_end_date_ends_by_itself(app, people):
    member = people["member"]
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    as_(app, people["moderator"]).submit(f"/mod/members/{member.id}/suspend", {"reason": "A week off", "until": tomorrow})
    assert f"suspended until {tomorrow}" in visible(sign_in(app, "mia@example.org"))
    user = db.session.get(User, member.id)
    user.suspended_until = utcnow() - timedelta(minutes=1)     # the date passes
    db.session.commit()
    assert sign_in(app, "mia@example.org").status_code == 303
    assert db.session.get(User, member.id).status == Status.ACTIVE
    row = db.session.query(ModerationLog).filter_by(action="suspension_ended").one()
    assert row.actor_id is None


@pytest.mark.parametrize("form, message", [({"reason": "", "until": ""}, "Say why the member is suspended."),
                                           ({"reason": "x", "until": "2001-01-01"}, "must be in the future"),
                                           ({"reason": "x", "until": "next week"}, "Not a valid date value.")])
def test_bad_suspension_input_is_explained(app, people, form, message):
    client = as_(app, people["moderator"])
    response = client.submit(f"/mod/members/{people['member'].id}/suspend", form)
    assert response.status_code == 303
    assert message in visible(client.get("/members/mia"))
    assert db.session.get(User, people["member"].id).status == Status.ACTIVE


@pytest.mark.parametrize("actor, target, allowed", [
    ("member", "other", False), ("moderator", "moderator", False), ("moderator", "moderator2", False),
    ("moderator", "admin", False), ("admin", "moderator", True), ("moderator", "member", True)])
def test_who_may_suspend_whom(app, people, actor, target, allowed):
    response = as_(app, people[actor]).submit(f"/mod/members/{people[target].id}/suspend", {"reason": "Test"})
    assert (response.status_code == 303) is allowed
    if not allowed:
        assert response.status_code == 403
    assert (db.session.get(User, people[target].id).status == Status.SUSPENDED) is allowed


def test_suspending_needs_csrf(app, people):
    response = as_(app, people["moderator"]).post(f"/mod/members/{people['member'].id}/suspend", data={"reason": "x"})
    assert response.status_code == 400


def test_a_moderator_moves_a_thread_and_the_counts_and_log_follow(app, people, make_thread, make_category):
    from exchange.models import Category, Thread
    source = make_category(name="Talent and human capital")
    target = make_category(name="Data and analytics")
    thread = make_thread(author=people["member"], category=source, title="Which dashboards do principals use?")
    client = as_(app, people["moderator"])
    page = client.get(f"/t/{thread.id}")
    assert 'for="move-category">Move to category' in page.get_data(as_text=True)
    response = client.submit(f"/mod/threads/{thread.id}/move", {"category": str(target.id), "reason": "Wrong place"})
    assert response.status_code == 303
    assert db.session.get(Thread, thread.id).category_id == target.id
    assert (db.session.get(Category, source.id).thread_count, db.session.get(Category, target.id).thread_count) == (0, 1)
    assert "Which dashboards" in visible(client.get(f"/c/{target.slug}"))
    row = db.session.query(ModerationLog).filter_by(action="move_thread").one()
    assert row.reason == "Talent and human capital → Data and analytics: Wrong place"
    member = as_(app, people["other"])
    assert member.submit(f"/mod/threads/{thread.id}/move", {"category": str(source.id)}).status_code == 403
    assert "move-category" not in member.get(f"/t/{thread.id}").get_data(as_text=True)
    bad = client.submit(f"/mod/threads/{thread.id}/move", {"category": "999"})
    assert bad.status_code == 303 and "Choose a category" in visible(client.get(f"/t/{thread.id}"))


def test_an_ended_suspension_is_lifted_when_a_moderator_opens_the_queue(app, people):
    member = people["member"]
    as_(app, people["moderator"]).submit(f"/mod/members/{member.id}/suspend",
                                         {"reason": "A week off", "until": (utcnow() + timedelta(days=7)).date().isoformat()})
    db.session.get(User, member.id).suspended_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert db.session.get(User, member.id).status == Status.SUSPENDED
    as_(app, people["moderator2"]).get("/mod")
    db.session.expire_all()
    assert db.session.get(User, member.id).status == Status.ACTIVE
    assert db.session.query(ModerationLog).filter_by(action="suspension_ended").one().actor_id is None
