"""Pins, merges, roles and scopes, practices to refresh, and the one queue's other sections."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.models import Category, ModerationLog, Post, Practice, Role, Status, TagGroup, TagProposal, Thread, User, utcnow
from exchange.search import outbox
from exchange.threads import services as threads
from tests.helpers import visible


def as_(app, user):
    return app.test_client().sign_in_as(user)


def logged(action: str) -> list[ModerationLog]:
    return list(db.session.scalars(select(ModerationLog).where(ModerationLog.action == action)))


@pytest.fixture
def scene(app, make_user, make_thread, make_category):
    talent, finance = make_category(name="Talent"), make_category(name="Finance")
    author = make_user(username="author")
    scoped = make_user(username="talentmod", role=Role.MODERATOR)
    db.session.get(User, scoped.id).moderated_categories = [db.session.get(Category, talent.id)]
    db.session.commit()
    return {
        "talent": talent, "finance": finance, "author": author, "scoped": scoped,
        "member": make_user(username="member"), "moderator": make_user(username="mod", role=Role.MODERATOR),
        "admin": make_user(username="root", role=Role.ADMIN),
        # The welcome thread is the older one: a duplicate is merged into the thread it repeats.
        "pinned": make_thread(author=author, category=talent, title="Read this first: how we work here"),
        "old": make_thread(author=author, category=talent, title="An old thread about onboarding"),
        "money": make_thread(author=author, category=finance, title="Budget season survival guide"),
    }


def titles(page: str) -> list[str]:
    order = ["Read this first", "An old thread", "Budget season"]
    return sorted((t for t in order if t in page), key=page.index)


# --- pins ---------------------------------------------------------------------------------------

def test_a_pinned_thread_heads_its_category_and_a_global_pin_every_list(app, scene):
    pin = scene["pinned"]
    # Make the pinned thread the least recent so that only the pin can put it first.
    db.session.get(Thread, pin.id).last_post_at = utcnow() - timedelta(days=30)
    db.session.commit()
    member = as_(app, scene["member"])
    assert titles(visible(member.get("/c/talent")))[0] == "An old thread"
    response = as_(app, scene["scoped"]).submit(f"/mod/threads/{pin.id}/pin", {"where": "category"})
    assert response.status_code == 303
    category_page = visible(member.get("/c/talent"))
    assert titles(category_page)[0] == "Read this first" and "Pinned" in category_page
    assert category_page.count("Read this first") == 1                       # not repeated below
    assert titles(visible(member.get("/threads")))[0] != "Read this first"   # a category pin stays there
    # Pinning to every list is for unscoped moderators.
    assert as_(app, scene["scoped"]).submit(f"/mod/threads/{pin.id}/pin", {"where": "global"}).status_code == 403
    as_(app, scene["moderator"]).submit(f"/mod/threads/{pin.id}/pin", {"where": "global"})
    assert titles(visible(member.get("/threads")))[0] == "Read this first"
    assert as_(app, scene["scoped"]).submit(f"/mod/threads/{pin.id}/unpin", {}).status_code == 403
    assert titles(visible(member.get("/c/talent")))[0] == "Read this first"
    as_(app, scene["moderator"]).submit(f"/mod/threads/{pin.id}/unpin", {"reason": "Season over"})
    assert titles(visible(member.get("/threads")))[0] != "Read this first"
    assert [e.reason for e in logged("pin_thread")] == ["pinned to its category", "pinned to every list"]
    assert logged("unpin_thread")[0].reason == "Season over"


def test_pin_permissions(app, scene):
    money = scene["money"]
    assert as_(app, scene["member"]).submit(f"/mod/threads/{money.id}/pin", {"where": "category"}).status_code == 403
    assert as_(app, scene["scoped"]).submit(f"/mod/threads/{money.id}/pin", {"where": "category"}).status_code == 403
    assert not db.session.get(Thread, money.id).pinned
    response = as_(app, scene["moderator"]).submit(f"/mod/threads/{money.id}/pin", {"where": "sideways"},
                                                   follow_redirects=True)
    assert "Choose where to pin the thread" in visible(response)


# --- merges -------------------------------------------------------------------------------------

def test_merging_moves_the_posts_and_the_old_address_redirects(app, scene):
    old, target = scene["old"], scene["pinned"]
    threads.reply(author=scene["member"], thread=db.session.get(Thread, old.id), body="A duplicate's wise reply")
    target_posts = db.session.get(Thread, target.id).post_count
    outbox.drain()
    mod = as_(app, scene["scoped"])
    form = mod.get(f"/mod/threads/{old.id}/merge")
    assert form.status_code == 200 and "Merge this thread into another" in visible(form)
    response = mod.submit(f"/mod/threads/{old.id}/merge", {"target": f"http://localhost/t/{target.id}/slug",
                                                          "reason": "Same question"})
    assert response.status_code == 303 and response.location.endswith(f"/t/{target.id}/read-this-first-how-we-work-here")
    moved = db.session.get(Thread, target.id)
    assert moved.post_count == target_posts + 2
    page = visible(as_(app, scene["member"]).get(f"/t/{target.id}"))
    assert "A duplicate's wise reply" in page
    redirect = as_(app, scene["member"]).get(f"/t/{old.id}")
    assert redirect.status_code == 301 and f"/t/{target.id}" in redirect.location
    assert db.session.get(Thread, old.id).status == Thread.MERGED             # kept, not deleted
    assert "An old thread about onboarding" not in visible(as_(app, scene["member"]).get("/c/talent"))
    assert db.session.get(Category, scene["talent"].id).thread_count == 1
    outbox.drain()
    results = visible(as_(app, scene["member"]).get("/search", query_string={"q": "wise"}))
    assert "Read this first" in results and "An old thread about onboarding" not in results
    entry = logged("merge_thread")[0]
    assert entry.actor_id == scene["scoped"].id and entry.reason == "2 posts moved: Same question"


def test_merge_refusals_keep_the_form(app, scene, make_practice):
    mod = as_(app, scene["moderator"])
    for target, message in ((str(scene["old"].id), "Choose a different thread"),
                            ("99999", "There is no thread with that number"),
                            ("", "Say which thread to merge into")):
        response = mod.submit(f"/mod/threads/{scene['old'].id}/merge", {"target": target})
        assert response.status_code == 422 and message in visible(response), target
    # A scoped moderator cannot merge into a category they do not moderate.
    response = as_(app, scene["scoped"]).submit(f"/mod/threads/{scene['old'].id}/merge",
                                                {"target": str(scene["money"].id)})
    assert response.status_code == 403
    assert as_(app, scene["member"]).get(f"/mod/threads/{scene['old'].id}/merge").status_code == 403
    assert db.session.get(Thread, scene["old"].id).status == Thread.PUBLISHED


# --- roles and scopes ---------------------------------------------------------------------------

def test_admins_give_roles_and_scopes(app, scene):
    admin = as_(app, scene["admin"])
    profile = admin.get("/members/member").get_data(as_text=True)
    assert "/mod/team?member=member" in profile                       # from the member's profile
    assert 'value="member"' in admin.get("/mod/team?member=member").get_data(as_text=True)
    page = admin.get("/mod/team")
    assert page.status_code == 200 and "Talentmod Example" in visible(page) and "Talent" in visible(page)
    response = admin.submit("/mod/team", {"member": "@member", "role": "moderator",
                                          "categories": [str(scene["finance"].id)], "reason": "Runs finance"})
    assert response.status_code == 303
    member = db.session.get(User, scene["member"].id)
    assert member.role == Role.MODERATOR and [c.name for c in member.moderated_categories] == ["Finance"]
    assert logged("set_role")[0].reason == "member → moderator of Finance: Runs finance"
    # Now a scoped moderator: locks finance threads, not talent ones.
    new_mod = as_(app, member)
    assert new_mod.submit(f"/mod/threads/{scene['money'].id}/lock", {}).status_code == 303
    assert new_mod.submit(f"/mod/threads/{scene['old'].id}/lock", {}).status_code == 403
    # Reset to member.
    admin.submit("/mod/team", {"member": "member", "role": "member"})
    assert db.session.get(User, member.id).role == Role.MEMBER
    assert as_(app, member).get("/mod").status_code == 403


def test_only_admins_manage_roles_and_bad_input_is_explained(app, scene):
    for who in ("member", "moderator", "scoped"):
        assert as_(app, scene[who]).get("/mod/team").status_code == 403
        assert as_(app, scene[who]).submit("/mod/team", {"member": who, "role": "admin"}).status_code == 403
    admin = as_(app, scene["admin"])
    missing = admin.submit("/mod/team", {"member": "nobody-here", "role": "moderator"})
    assert missing.status_code == 422 and "There is no member @nobody-here" in visible(missing)
    self_demote = admin.submit("/mod/team", {"member": "root", "role": "member"})
    assert "You cannot take away your own admin role" in visible(self_demote)
    assert db.session.get(User, scene["admin"].id).role == Role.ADMIN


def test_scoped_moderators_cannot_do_site_wide_duties(app, scene, make_user):
    pending = make_user(username="newbie", status=Status.PENDING)
    scoped = as_(app, scene["scoped"])
    assert scoped.submit(f"/mod/members/{pending.id}/approve", {}).status_code == 403
    assert scoped.submit(f"/mod/members/{scene['member'].id}/suspend", {"reason": "x"}).status_code == 403
    assert db.session.get(User, pending.id).status == Status.PENDING
    queue = visible(scoped.get("/mod"))
    assert "You moderate Talent" in queue and "Tag proposals" not in queue


def test_a_scoped_moderator_moderates_posts_in_their_categories_only(app, scene):
    inside = threads.reply(author=scene["member"], thread=db.session.get(Thread, scene["old"].id), body="Inside")
    outside = threads.reply(author=scene["member"], thread=db.session.get(Thread, scene["money"].id), body="Outside")
    scoped = as_(app, scene["scoped"])
    assert scoped.submit(f"/mod/posts/{inside.id}/hide", {"reason": "Off-topic"}).status_code == 303
    assert scoped.submit(f"/mod/posts/{outside.id}/hide", {"reason": "Off-topic"}).status_code == 403
    assert db.session.get(Post, inside.id).is_hidden and not db.session.get(Post, outside.id).is_hidden
    # Edit controls follow the scope too.
    assert scoped.submit(f"/p/{outside.id}/edit", {"body": "Changed", "reason": "x"}).status_code == 403
    assert scoped.submit(f"/p/{inside.id}/edit", {"body": "Changed", "reason": "Tidy"}).status_code == 303


# --- the queue's site-wide sections ---------------------------------------------------------------

def test_practices_unreviewed_for_a_year_need_a_refresh(app, scene, make_practice, mailbox):
    stale = make_practice(author=scene["author"], title="Hiring fairs that work")
    fresh = make_practice(author=scene["author"], title="Budget hearings with families")
    db.session.get(Practice, stale.id).reviewed_at = utcnow() - timedelta(days=400)
    db.session.commit()
    mod = as_(app, scene["moderator"])
    queue = visible(mod.get("/mod"))
    assert "Practices to refresh 1" in queue and "Hiring fairs that work" in queue
    assert "Budget hearings" not in queue.split("Practices to refresh")[1]
    mails = [m for m in mailbox() if "still how you do it" in m]
    assert len(mails) == 1 and "author@example.org" in mails[0] and f"/practices/{stale.id}/edit" in mails[0]
    mod.get("/mod")
    assert len([m for m in mailbox() if "still how you do it" in m]) == 1       # asked once
    assert "Needs refresh" in visible(as_(app, scene["member"]).get(f"/practices/{stale.id}"))
    assert "Needs refresh" not in visible(as_(app, scene["member"]).get(f"/practices/{fresh.id}"))
    assert as_(app, scene["scoped"]).submit(f"/mod/practices/{stale.id}/reviewed", {}).status_code == 403
    done = mod.submit(f"/mod/practices/{stale.id}/reviewed", {}, htmx=True)
    assert "Marked “Hiring fairs that work” as reviewed" in visible(done) and "Practices to refresh 0" in visible(done)
    assert [e.action for e in db.session.scalars(select(ModerationLog).order_by(ModerationLog.id))][-2:] == [
        "request_refresh", "review_practice"]


def test_the_queue_holds_tag_proposals_and_roster_matches(app, scene, make_user, taxonomy):
    db.session.add(TagProposal(name="Grow-your-own", slug="grow-your-own", proposer_id=scene["member"].id))
    invited = make_user(username="maria.roster", display_name="Maria Lopez", status=Status.INVITED,
                        email="maria@district.org")
    pending = make_user(username="maria", display_name="maria lopez", status=Status.PENDING, email="m@home.net")
    stranger = make_user(username="someone", display_name="Some One", status=Status.PENDING)
    db.session.commit()
    queue = visible(as_(app, scene["moderator"]).get("/mod"))
    assert "Tag proposals 1" in queue and "“Grow-your-own”" in queue
    assert "On a roster Maria Lopez" in queue and "invited as maria@district.org" in queue
    assert "Not on any imported roster" in queue
    assert queue.count("Not on any imported roster") == 1 and pending.display_name in queue
    # Deciding a proposal from the queue without JavaScript comes back to the queue.
    proposal = db.session.scalar(select(TagProposal))
    group = db.session.scalar(select(TagGroup))
    response = as_(app, scene["moderator"]).submit(f"/tags/proposals/{proposal.id}/reject",
                                                   {"back": "queue", "group": str(group.id), "parent": "0"})
    assert response.status_code == 303 and response.location.endswith("/mod")


def test_the_header_count_covers_the_viewers_scope(app, scene, make_user):
    app.config["HOLD_FIRST_POSTS"] = 1
    make_user(username="waiting", status=Status.PENDING)
    newcomer = make_user(username="newcomer")
    as_(app, newcomer).submit(f"/t/{scene['money'].id}/reply", {"body": "Held in finance", "page": "1"})
    everyone = visible(as_(app, scene["moderator"]).get("/threads"))
    assert "Moderation 2" in everyone                       # a registration and a held post
    scoped_page = as_(app, scene["scoped"]).get("/threads").get_data(as_text=True)
    assert "Moderation" in scoped_page and 'class="badge queue-badge"' not in scoped_page  # talent only: nothing


def test_the_sweep_command_lifts_suspensions_and_asks_authors(app, runner, scene, make_practice, mailbox):
    stale = make_practice(author=scene["author"], title="Hiring fairs that work")
    db.session.get(Practice, stale.id).reviewed_at = utcnow() - timedelta(days=400)
    suspended = db.session.get(User, scene["member"].id)
    suspended.status, suspended.suspended_until = Status.SUSPENDED, utcnow() - timedelta(hours=1)
    db.session.commit()
    result = runner.invoke(args=["moderation", "sweep"])
    assert result.exit_code == 0 and "1 suspension(s) lifted, 1 author(s) asked" in result.output
    assert db.session.get(User, scene["member"].id).status == Status.ACTIVE
    assert any("Hiring fairs that work" in m for m in mailbox())
    assert "0 suspension(s) lifted, 0 author(s) asked" in runner.invoke(args=["moderation", "sweep"]).output


# --- every thread and post action at its permission boundary ----------------------------------------

ACTIONS = {
    "lock": (lambda s: f"/mod/threads/{s['old'].id}/lock", lambda s: {},
             lambda s: db.session.get(Thread, s["old"].id).is_locked),
    "pin": (lambda s: f"/mod/threads/{s['old'].id}/pin", lambda s: {"where": "category"},
            lambda s: db.session.get(Thread, s["old"].id).pinned == Thread.PIN_CATEGORY),
    "move": (lambda s: f"/mod/threads/{s['old'].id}/move", lambda s: {"category": str(s["data"].id)},
             lambda s: db.session.get(Thread, s["old"].id).category_id == s["data"].id),
    "merge": (lambda s: f"/mod/threads/{s['old'].id}/merge", lambda s: {"target": str(s["pinned"].id)},
              lambda s: db.session.get(Thread, s["old"].id).status == Thread.MERGED),
    "hide": (lambda s: f"/mod/posts/{s['reply'].id}/hide", lambda s: {"reason": "Off-topic"},
             lambda s: db.session.get(Post, s["reply"].id).is_hidden),
    "edit": (lambda s: f"/p/{s['reply'].id}/edit", lambda s: {"body": "Tidied", "reason": "Typo"},
             lambda s: db.session.get(Post, s["reply"].id).body_source == "Tidied"),
}


@pytest.fixture
def boundary(scene, make_category, make_user):
    scene["data"] = make_category(name="Data")
    db.session.get(User, scene["scoped"].id).moderated_categories = [
        db.session.get(Category, scene["talent"].id), db.session.get(Category, scene["data"].id)]
    outsider = make_user(username="financemod", role=Role.MODERATOR)
    db.session.get(User, outsider.id).moderated_categories = [db.session.get(Category, scene["finance"].id)]
    suspended = make_user(username="gone", role=Role.MODERATOR)
    db.session.get(User, suspended.id).status = Status.SUSPENDED
    db.session.commit()
    scene["reply"] = threads.reply(author=scene["author"], thread=db.session.get(Thread, scene["old"].id),
                                   body="A reply to act on")
    return {**scene, "outsider": outsider, "suspended": suspended}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who, allowed", [("member", False), ("suspended", False), ("outsider", False),
                                          ("scoped", True), ("moderator", True), ("admin", True)])
def test_each_action_respects_its_boundary_and_is_logged(app, boundary, action, who, allowed):
    url, data, done = ACTIONS[action]
    response = as_(app, boundary[who]).submit(url(boundary), data(boundary))
    if allowed:
        assert response.status_code == 303, response.status_code
        assert done(boundary)
        entry = db.session.scalar(select(ModerationLog).order_by(ModerationLog.id.desc()))
        assert entry.actor_id == boundary[who].id
        assert entry.action == {"lock": "lock_thread", "pin": "pin_thread", "move": "move_thread",
                                "merge": "merge_thread", "hide": "hide_post", "edit": "edit_post"}[action]
    else:
        expected = 302 if who == "suspended" else 403       # a suspended account is signed out
        assert response.status_code == expected
        assert not done(boundary)
        assert db.session.scalar(select(ModerationLog).where(ModerationLog.actor_id == boundary[who].id)) is None


# --- audit follow-ups: pins everywhere, merge order, reasons, bad input ------------------------------

def test_a_global_pin_heads_every_category_too(app, scene):
    as_(app, scene["moderator"]).submit(f"/mod/threads/{scene['money'].id}/pin", {"where": "global"})
    talent = visible(as_(app, scene["member"]).get("/c/talent"))
    assert titles(talent)[0] == "Budget season" and talent.count("Budget season survival guide") == 1
    finance = visible(as_(app, scene["member"]).get("/c/finance"))
    assert finance.count("Budget season survival guide") == 1


def test_a_scoped_moderator_cannot_turn_a_global_pin_into_a_category_pin(app, scene):
    pin = scene["pinned"]
    as_(app, scene["moderator"]).submit(f"/mod/threads/{pin.id}/pin", {"where": "global"})
    scoped = as_(app, scene["scoped"])
    assert scoped.submit(f"/mod/threads/{pin.id}/pin", {"where": "category"}).status_code == 403
    assert db.session.get(Thread, pin.id).pinned == Thread.PIN_GLOBAL
    page = visible(scoped.get(f"/t/{pin.id}"))
    assert "Pinned on every list" in page and "Unpin" not in page


def test_an_older_thread_cannot_be_merged_into_a_newer_one(app, scene):
    older, newer = scene["pinned"], scene["old"]
    response = as_(app, scene["moderator"]).submit(f"/mod/threads/{older.id}/merge", {"target": str(newer.id)})
    assert response.status_code == 422 and "merge it into this one instead" in visible(response)
    assert db.session.get(Thread, older.id).status == Thread.PUBLISHED and not logged("merge_thread")
    # The opening post of the thread the duplicate went into is still its first post.
    as_(app, scene["moderator"]).submit(f"/mod/threads/{newer.id}/merge", {"target": str(older.id)})
    assert threads.first_post(db.session.get(Thread, older.id)).thread_id == older.id
    assert "Read this first" in visible(as_(app, scene["author"]).get(f"/p/{threads.first_post(db.session.get(Thread, older.id)).id}/edit"))


def test_a_moderators_retag_of_someone_elses_thread_is_logged(app, scene, taxonomy):
    thread = db.session.get(Thread, scene["old"].id)
    opening = threads.first_post(thread)
    response = as_(app, scene["moderator"]).submit(f"/p/{opening.id}/edit", {
        "title": thread.title, "body": opening.body_source, "tags": "human capital", "reason": "Filed under talent"})
    assert response.status_code == 303
    entry = logged("edit_post")[0]
    assert entry.actor_id == scene["moderator"].id and "Filed under talent" in entry.reason
    assert "Talent pipeline" in visible(as_(app, scene["member"]).get(f"/t/{thread.id}"))


def test_queue_decisions_keep_their_reason_and_refuse_what_is_already_decided(app, scene, make_user):
    app.config["HOLD_FIRST_POSTS"] = 1
    newcomer = make_user(username="newcomer")
    as_(app, newcomer).submit(f"/t/{scene['old'].id}/reply", {"body": "My first reply", "page": "1"})
    held = db.session.scalar(select(Post).where(Post.review == Post.HELD))
    mod = as_(app, scene["moderator"])
    done = mod.submit(f"/mod/posts/{held.id}/approve", {"reason": "Welcome aboard"}, htmx=True)
    assert logged("approve_post")[0].reason == "Welcome aboard"
    html = done.get_data(as_text=True)
    assert 'id="queue-badge" hx-swap-oob="true"' in html        # the header's count follows the queue
    # Dismissing flags that are not there is a clear message in the queue, shown as an error.
    refused = mod.submit(f"/mod/posts/{held.id}/dismiss", {}, htmx=True)
    assert "has no open flags" in visible(refused) and "flash-error" in refused.get_data(as_text=True)
    assert not logged("dismiss_flags")


@pytest.mark.parametrize("path", ["/threads?page=99999999999999999999", "/c/talent?page=²",
                                  "/mod/log?page=99999999999999999999999", "/members?cohort=²²²²",
                                  "/practices?year=²²²²&page=99999999999999999999", "/t/1?page=99999999999999999999"])
def test_odd_numbers_in_addresses_are_ignored_not_errors(app, scene, path):
    response = as_(app, scene["moderator"]).get(path.replace("/t/1", f"/t/{scene['old'].id}"))
    assert response.status_code == 200


def test_odd_numbers_in_moderation_forms_are_explained(app, scene):
    mod = as_(app, scene["moderator"])
    for value in ("²", "99999999999999999999999999999"):
        moved = mod.submit(f"/mod/threads/{scene['old'].id}/move", {"category": value}, follow_redirects=True)
        assert moved.status_code == 200 and "Choose a category to move the thread to" in visible(moved)
    admin = as_(app, scene["admin"])
    team = admin.submit("/mod/team", {"member": "mod", "role": "moderator",
                                      "categories": "99999999999999999999999999999"})
    assert team.status_code == 422
    assert db.session.get(Thread, scene["old"].id).category_id == scene["talent"].id


def test_an_address_merged_twice_still_leads_to_the_thread(app, scene, make_thread):
    third = make_thread(author=scene["author"], category=scene["talent"], title="A third copy of the question")
    mod = as_(app, scene["moderator"])
    # pinned (oldest) ← old ← third: merge the newest into the middle one, then the middle into the oldest.
    assert mod.submit(f"/mod/threads/{third.id}/merge", {"target": str(scene["old"].id)}).status_code == 303
    assert mod.submit(f"/mod/threads/{scene['old'].id}/merge", {"target": str(scene["pinned"].id)}).status_code == 303
    member = as_(app, scene["member"])
    first_hop = member.get(f"/t/{third.id}")
    assert first_hop.status_code == 301 and first_hop.location.endswith(
        f"/t/{scene['pinned'].id}/read-this-first-how-we-work-here")
    landed = member.get(f"/t/{third.id}", follow_redirects=True)
    assert "Read this first" in visible(landed) and landed.status_code == 200
    assert db.session.get(Thread, scene["pinned"].id).post_count == 3
