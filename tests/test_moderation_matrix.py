"""Every moderator action reachable through the web, at its permission boundary, with its log row.

Each action is one ``Action``: how to build its target, the POST a browser sends, whose duty it
is, what a member (or the person concerned) sees once it is done, and the moderation-log row it
writes. Duties: ``category`` (moderators of the target's category, unscoped moderators, admins),
``site`` (unscoped moderators and admins: registrations, suspensions, tags, global pins,
practices to refresh, curation) and ``admin`` (roles).

Every action is tried by six actors: a member; a moderator of the target's category (Talent,
and Data, where threads are moved to); a moderator of another category (Finance); a moderator
of every category; an admin; a suspended moderator of every category. A refusal is a 403 (a
suspended account is signed out: a redirect to the login page) and leaves the whole database as
it was, log included. An allowed action shows its effect and writes exactly one log row naming
the action, the actor and the target.

A cell marked ``xfail(strict=True)`` with "BUG:" is the application being wrong: fix the app and
remove the mark.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from sqlalchemy import func, select

from exchange.curation import services as curation
from exchange.extensions import db
from exchange.models import (Category, Collection, Flag, ModerationLog, Post, Practice, Role, Status, Tag, TagGroup,
                             TagProposal, Thread, User, utcnow)
from exchange.moderation import flags as moderation
from exchange.taxonomy import services as taxonomy_services
from exchange.threads import services as threads
from tests.helpers import visible

REASON = "Matrix check: keeping the forum tidy"
ACTORS = ("member", "scoped_in", "scoped_out", "moderator", "admin", "suspended")
ALLOWED = {"category": {"scoped_in", "moderator", "admin"}, "site": {"moderator", "admin"}, "admin": {"admin"}}
HIDDEN = "This post was hidden by a moderator."
REPLY = "A reply with a distinctive phrase: marmalade rubric"


# --- the people, the places, and how they see pages -----------------------------------------------

class Scene:
    def __init__(self, app, make_user, make_category, make_thread, make_practice, tags):
        self.app, self.make_user, self._make_thread, self._make_practice, self.tags = (
            app, make_user, make_thread, make_practice, tags)
        self.talent, self.finance, self.data = (make_category(name=n) for n in ("Talent", "Finance", "Data"))
        self.author = make_user(username="author", display_name="Ann Author")
        self.people = {
            "member": make_user(username="member"),
            "scoped_in": self._scoped("talentmod", self.talent, self.data),
            "scoped_out": self._scoped("financemod", self.finance),
            "moderator": make_user(username="mod", role=Role.MODERATOR),
            "admin": make_user(username="root", role=Role.ADMIN),
            "suspended": make_user(username="gone", role=Role.MODERATOR, status=Status.SUSPENDED),
        }

    def _scoped(self, username, *categories):
        user = self.make_user(username=username, role=Role.MODERATOR)
        db.session.get(User, user.id).moderated_categories = [db.session.get(Category, c.id) for c in categories]
        db.session.commit()
        return user

    def client(self, who):
        user = self.people[who] if isinstance(who, str) else who
        return self.app.test_client().sign_in_as(user)

    def get(self, url, who="member"):
        return self.client(who).get(url)

    def page(self, url, who="member") -> str:
        response = self.get(url, who)
        assert response.status_code == 200, (url, response.status_code)
        return visible(response)

    def redirects(self, url, to, who="member") -> bool:
        response = self.get(url, who)
        return response.status_code == 301 and to in response.location

    # targets
    def thread(self, *, category=None, **kwargs) -> int:
        return self._make_thread(author=self.author, category=category or self.talent, **kwargs).id

    def reply(self, thread_id, body=REPLY, **kwargs) -> int:
        return threads.reply(author=self.author, thread=db.session.get(Thread, thread_id), body=body, **kwargs).id

    def practice(self, title="Weekly walkthroughs with the principal", **kwargs) -> int:
        return self._make_practice(author=self.author, category=self.talent, title=title, **kwargs).id

    def member(self, username, **kwargs) -> User:
        return self.make_user(username=username, display_name=f"{username.title()} Person", **kwargs)


@pytest.fixture
def scene(app, make_user, make_category, make_thread, make_practice, taxonomy):
    return Scene(app, make_user, make_category, make_thread, make_practice, taxonomy)


def snapshot() -> dict:
    """Every row of every table: a refused action changes none of them (the log included)."""
    db.session.rollback()
    return {table.name: sorted(map(repr, db.session.execute(table.select()).all()))
            for table in db.metadata.sorted_tables}


def last_log_id() -> int:
    return db.session.scalar(select(func.max(ModerationLog.id))) or 0


def log_since(last_id: int) -> list[ModerationLog]:
    return list(db.session.scalars(select(ModerationLog).where(ModerationLog.id > last_id).order_by(ModerationLog.id)))


def set_columns(model, id_, **values) -> None:
    row = db.session.get(model, id_)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.commit()


def tag_id(slug: str) -> int | None:
    return db.session.scalar(select(Tag.id).where(Tag.slug == slug))


def first_post(thread_id: int) -> int:
    return db.session.scalar(select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id))


def in_order(text: str, *titles: str) -> bool:
    return all(t in text for t in titles) and sorted(titles, key=text.index) == list(titles)


def featured_section(s: Scene) -> str:
    home = s.page("/")
    if "Featured practices" not in home:
        return ""
    return home.split("Featured practices", 1)[1].split("Curated collections", 1)[0]


# --- targets ---------------------------------------------------------------------------------------

PIN_ME, NEWER = "Pin me to the top of the list", "A newer thread nobody pinned"


def pinnable(s: Scene) -> dict:
    """The target is the least recently active thread: only a pin can put it first."""
    target = s.thread(title=PIN_ME)
    s.thread(title=NEWER)
    set_columns(Thread, target, last_post_at=utcnow() - timedelta(days=30))
    return {"thread": target}


def pinned(where: str) -> Callable[[Scene], dict]:
    def build(s: Scene) -> dict:
        thread = s.thread(title=PIN_ME)
        set_columns(Thread, thread, pinned=where, pinned_at=utcnow())
        return {"thread": thread}
    return build


def a_reply(s: Scene, **kwargs) -> dict:
    thread = s.thread(title="Coaching cycles that stick")
    return {"thread": thread, "post": s.reply(thread, **kwargs)}


def a_held_reply(s: Scene) -> dict:
    """The author's reply, held by the posting policy: for it, a member's first two posts wait
    (the thread was the author's first)."""
    thread = s.thread(title="Coaching cycles that stick")
    s.app.config["HOLD_FIRST_POSTS"] = 2
    post = s.reply(thread)
    s.app.config["HOLD_FIRST_POSTS"] = 0
    return {"thread": thread, "post": post}


def a_hidden_reply(s: Scene) -> dict:
    target = a_reply(s)
    set_columns(Post, target["post"], is_hidden=True, hidden_reason="Looked like spam", hidden_at=utcnow())
    return target


def a_flagged_reply(s: Scene) -> dict:
    """Three members' flags hide a post until a moderator decides."""
    target = a_reply(s)
    for n in range(Flag.AUTO_HIDE_AT):
        moderation.flag_post(member=s.member(f"flagger{n}"), post=db.session.get(Post, target["post"]), reason="spam")
    assert db.session.get(Post, target["post"]).is_hidden
    return target


def an_opening_post(s: Scene) -> dict:
    thread = s.thread(title="Exit interviews that teach us something", body="We ask three questions.")
    return {"thread": thread, "post": first_post(thread)}


def a_practice(s: Scene) -> dict:
    return {"practice": s.practice()}


def a_stale_practice(s: Scene) -> dict:
    practice = s.practice()
    set_columns(Practice, practice, reviewed_at=utcnow() - timedelta(days=400))
    return {"practice": practice}


def an_applicant(s: Scene) -> dict:
    return {"user": s.member("applicant", status=Status.PENDING).id}


def a_subject(status=Status.ACTIVE, role=Role.MEMBER) -> Callable[[Scene], dict]:
    def build(s: Scene) -> dict:
        user = s.member("subject", status=status, role=role)
        return {"user": user.id, "username": user.username}
    return build


def a_proposal(s: Scene) -> dict:
    thread = s.thread(title="Who runs a grow-your-own program?")
    proposal, = taxonomy_services.propose_words(["Grow your own"], proposer=s.author, thread_id=thread)
    db.session.commit()
    topic = db.session.scalar(select(TagGroup.id).where(TagGroup.slug == "topic"))
    return {"proposal": proposal.id, "topic": topic, "talent_pipeline": tag_id("talent-pipeline")}


def a_tag(slug: str) -> Callable[[Scene], dict]:
    def build(s: Scene) -> dict:
        topic = db.session.scalar(select(TagGroup.id).where(TagGroup.slug == "topic"))
        return {"tag": tag_id(slug), "topic": topic, "talent_pipeline": tag_id("talent-pipeline")}
    return build


def featured(count: int) -> Callable[[Scene], dict]:
    def build(s: Scene) -> dict:
        ids = [s.practice(title=t) for t in ("Weekly walkthroughs with the principal",
                                            "A family advisory council with a budget")[:count]]
        for thread_id in ids:
            curation.feature(curator=s.people["admin"], thread=db.session.get(Thread, thread_id))
        return {"practice": ids[0], "second": ids[-1]}
    return build


def a_collection(*, published: bool = True, items: int = 0) -> Callable[[Scene], dict]:
    def build(s: Scene) -> dict:
        curator = s.people["admin"]
        collection = curation.create_collection(curator=curator, title="First 90 days as a lead partner")
        if published:
            curation.set_published(curator=curator, collection=collection, published=True)
        practices = [s.practice(title=t) for t in ("Weekly walkthroughs with the principal",
                                                  "A family advisory council with a budget",
                                                  "An early-warning dashboard principals open")]
        added = [curation.add_item(curator=curator, collection=collection, thread=db.session.get(Thread, p)).id
                 for p in practices[:items]]
        return {"collection": collection.id, "slug": collection.slug, "practice": practices[-1],
                "item": added[-1] if added else None, "first_item": added[0] if added else None}
    return build


def collection_page(s: Scene, t: dict) -> str:
    return s.page(f"/collections/{t['slug']}")


PRACTICE_FORM = {"title": "Weekly walkthroughs with the principal", "category": "{talent}", "tags": "",
                 "summary": "Every Tuesday the lead partner and the principal walk every classroom together.",
                 "problem": "Half our new principals left within two years.",
                 "steps": "1. Match a mentor\n2. Weekly data review", "setting": "district", "size": "",
                 "region": "0", "context": "", "evidence": "", "resources": "", "contact": "", "action": "save"}


# --- the actions -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    name: str
    duty: str                                      # "category", "site" or "admin"
    build: Callable[[Scene], dict]                 # makes the target; values fill url and form
    url: str
    form: dict
    done: Callable[[Scene, dict], bool]            # what a member (or the person concerned) sees once done
    log: str                                       # the moderation-log action
    target: Callable[[dict], tuple[str, int]]      # the log row's (target_type, target_id)
    reason: bool = False                           # the form carries a reason the log keeps
    bug: str | None = None                         # allowed cells fail because the app is wrong
    reason_bug: str | None = None                  # the log loses the reason

    def data(self, t: dict, s: Scene) -> dict:
        values = {**t, "talent": s.talent.id, "data": s.data.id}
        form = {k: v.format(**values) for k, v in self.form.items()}
        return {**form, "reason": REASON} if self.reason else form


def on(kind: str, key: str) -> Callable[[dict], tuple[str, int]]:
    return lambda t: (kind, t[key])


ACTIONS = [
    # threads
    Action("lock", "category", lambda s: {"thread": s.thread()}, "/mod/threads/{thread}/lock", {},
           lambda s, t: "Locked" in s.page(f"/t/{t['thread']}"), "lock_thread", on("thread", "thread"), reason=True),
    Action("unlock", "category", lambda s: {"thread": s.thread(locked=True)}, "/mod/threads/{thread}/unlock", {},
           lambda s, t: "Locked" not in s.page(f"/t/{t['thread']}"), "unlock_thread", on("thread", "thread"),
           reason=True),
    Action("pin_category", "category", pinnable, "/mod/threads/{thread}/pin", {"where": "category"},
           lambda s, t: in_order(s.page("/c/talent"), PIN_ME, "Pinned", NEWER), "pin_thread", on("thread", "thread"),
           reason=True),
    Action("pin_global", "site", pinnable, "/mod/threads/{thread}/pin", {"where": "global"},
           lambda s, t: in_order(s.page("/threads"), PIN_ME, "Pinned", NEWER), "pin_thread", on("thread", "thread"),
           reason=True),
    Action("unpin_category", "category", pinned(Thread.PIN_CATEGORY), "/mod/threads/{thread}/unpin", {},
           lambda s, t: "Pinned" not in s.page("/c/talent"), "unpin_thread", on("thread", "thread"), reason=True),
    Action("unpin_global", "site", pinned(Thread.PIN_GLOBAL), "/mod/threads/{thread}/unpin", {},
           lambda s, t: "Pinned" not in s.page("/threads"), "unpin_thread", on("thread", "thread"), reason=True),
    Action("move", "category", lambda s: {"thread": s.thread(title="Which dashboards do principals use?")},
           "/mod/threads/{thread}/move", {"category": "{data}"},
           lambda s, t: "Which dashboards do principals use?" in s.page("/c/data"), "move_thread",
           on("thread", "thread"), reason=True),
    Action("merge", "category", lambda s: {"into": s.thread(title="The thread that stays"),
                                           "thread": s.thread(title="A newer duplicate")},
           "/mod/threads/{thread}/merge", {"target": "{into}"},
           lambda s, t: s.redirects(f"/t/{t['thread']}", f"/t/{t['into']}"), "merge_thread",
           on("thread", "thread"), reason=True),
    # posts
    Action("hide", "category", a_reply, "/mod/posts/{post}/hide", {},
           lambda s, t: HIDDEN in (p := s.page(f"/t/{t['thread']}")) and REPLY not in p, "hide_post",
           on("post", "post"), reason=True),
    Action("unhide", "category", a_hidden_reply, "/mod/posts/{post}/unhide", {},
           lambda s, t: REPLY in (p := s.page(f"/t/{t['thread']}")) and HIDDEN not in p, "unhide_post",
           on("post", "post"), reason=True),
    Action("dismiss_flags", "category", a_flagged_reply, "/mod/posts/{post}/dismiss", {},
           lambda s, t: REPLY in s.page(f"/t/{t['thread']}") and not db.session.scalar(
               select(func.count()).select_from(Flag).where(Flag.resolved_at.is_(None))),
           "dismiss_flags", on("post", "post"), reason=True),
    Action("approve_held", "category", a_held_reply,
           "/mod/posts/{post}/approve", {}, lambda s, t: REPLY in s.page(f"/t/{t['thread']}"), "approve_post",
           on("post", "post"), reason=True),
    Action("reject_held", "category", a_held_reply,
           "/mod/posts/{post}/reject", {},
           lambda s, t: "A moderator did not approve this post" in s.page(f"/t/{t['thread']}", s.author),
           "reject_post", on("post", "post"), reason=True),
    Action("edit_post", "category", a_reply, "/p/{post}/edit", {"body": "Tidied by a moderator"},
           lambda s, t: "Tidied by a moderator" in (p := s.page(f"/t/{t['thread']}")) and REASON in p,
           "edit_post", on("post", "post"), reason=True),
    Action("edit_thread_tags", "category", an_opening_post, "/p/{post}/edit",
           {"title": "Exit interviews that teach us something", "body": "We ask three questions.",
            "tags": "Principal"},
           lambda s, t: "Principal" in s.page(f"/t/{t['thread']}"), "edit_post", on("post", "post"), reason=True),
    Action("edit_practice", "category", a_practice, "/practices/{practice}/edit", PRACTICE_FORM,
           lambda s, t: "walk every classroom together" in s.page(f"/practices/{t['practice']}"), "edit_practice",
           on("thread", "practice"), reason=True),
    # registrations, suspensions, roles
    Action("approve_registration", "site", an_applicant, "/mod/members/{user}/approve", {},
           lambda s, t: s.get("/threads", db.session.get(User, t["user"])).status_code == 200, "approve_member",
           on("user", "user"), reason=True),
    Action("decline_registration", "site", an_applicant, "/mod/members/{user}/reject", {},
           lambda s, t: s.get("/threads", db.session.get(User, t["user"])).status_code == 302, "reject_member",
           on("user", "user"), reason=True),
    Action("suspend", "site", a_subject(), "/mod/members/{user}/suspend", {"until": ""},
           lambda s, t: s.get("/threads", db.session.get(User, t["user"])).status_code == 302, "suspend_member",
           on("user", "user"), reason=True),
    Action("reinstate", "site", a_subject(status=Status.SUSPENDED), "/mod/members/{user}/reinstate", {},
           lambda s, t: s.get("/threads", db.session.get(User, t["user"])).status_code == 200, "reinstate_member",
           on("user", "user"), reason=True),
    Action("set_role", "admin", a_subject(), "/mod/team", {"member": "{username}", "role": "moderator"},
           lambda s, t: s.get("/mod", db.session.get(User, t["user"])).status_code == 200, "set_role",
           on("user", "user"), reason=True),
    Action("reset_role", "admin", a_subject(role=Role.MODERATOR), "/mod/team",
           {"member": "{username}", "role": "member"},
           lambda s, t: s.get("/mod", db.session.get(User, t["user"])).status_code == 403, "set_role",
           on("user", "user"), reason=True),
    # practices to refresh
    Action("mark_reviewed", "site", a_stale_practice, "/mod/practices/{practice}/reviewed", {},
           lambda s, t: "Needs refresh" not in s.page(f"/practices/{t['practice']}"), "review_practice",
           on("thread", "practice"), reason=True),
    # the taxonomy
    Action("approve_tag_proposal", "site", a_proposal, "/tags/proposals/{proposal}/approve",
           {"group": "{topic}", "parent": "0", "guidance": "Local pathways into teaching."},
           lambda s, t: "Local pathways into teaching." in visible(s.get("/tags/grow-your-own")), "approve_tag",
           lambda t: ("tag", tag_id("grow-your-own"))),
    Action("merge_tag_proposal", "site", a_proposal, "/tags/proposals/{proposal}/merge",
           {"group": "{topic}", "parent": "0", "target": "Talent pipeline"},
           lambda s, t: s.redirects("/tags/grow-your-own", "/tags/talent-pipeline"), "merge_proposal",
           on("tag", "talent_pipeline")),
    Action("reject_tag_proposal", "site", a_proposal, "/tags/proposals/{proposal}/reject",
           {"group": "{topic}", "parent": "0"},
           lambda s, t: db.session.get(TagProposal, t["proposal"]).status == TagProposal.REJECTED
           and s.get("/tags/grow-your-own").status_code == 404, "reject_tag", on("tagproposal", "proposal")),
    Action("edit_tag", "site", a_tag("teacher-residency"), "/tags/teacher-residency/edit",
           {"name": "Teacher residency", "guidance": "Paid apprenticeships with a mentor teacher.",
            "group": "{topic}", "parent": "{talent_pipeline}"},
           lambda s, t: "Paid apprenticeships with a mentor teacher." in s.page("/tags/teacher-residency"),
           "edit_tag", on("tag", "tag")),
    Action("add_tag_alias", "site", a_tag("principal"), "/tags/principal/aliases",
           {"name": "School leader", "program": "0"},
           lambda s, t: s.redirects("/tags/school-leader", "/tags/principal"), "add_alias", on("tag", "tag")),
    Action("merge_tag", "site", a_tag("family-engagement"), "/tags/data-and-analytics/merge",
           {"target": "Family engagement"},
           lambda s, t: s.redirects("/tags/data-and-analytics", "/tags/family-engagement"), "merge_tag",
           on("tag", "tag")),
    # curation: featured practices
    Action("feature", "site", a_practice, "/practices/{practice}/feature", {},
           lambda s, t: "Weekly walkthroughs with the principal" in featured_section(s), "feature_practice",
           on("thread", "practice")),
    Action("unfeature", "site", featured(1), "/practices/{practice}/unfeature", {},
           lambda s, t: not featured_section(s), "unfeature_practice", on("thread", "practice")),
    Action("unfeature_from_list", "site", featured(1), "/curation/featured/{practice}/remove", {},
           lambda s, t: not featured_section(s), "unfeature_practice", on("thread", "practice")),
    Action("reorder_featured", "site", featured(2), "/curation/featured/{second}/up", {},
           lambda s, t: in_order(featured_section(s), "A family advisory council", "Weekly walkthroughs"),
           "move_featured_practice", on("thread", "second")),
    # curation: collections
    Action("create_collection", "site", lambda s: {}, "/collections/new",
           {"title": "Building a data culture", "description": "Start with one question."},
           lambda s, t: db.session.scalar(select(Collection.id).where(Collection.title == "Building a data culture"))
           is not None, "create_collection",
           lambda t: ("collection", db.session.scalar(select(Collection.id)
                                                      .where(Collection.title == "Building a data culture")))),
    Action("edit_collection", "site", a_collection(), "/collections/{slug}/edit",
           {"title": "The first 90 days, step by step", "description": ""},
           lambda s, t: "The first 90 days, step by step" in collection_page(s, t), "edit_collection",
           on("collection", "collection")),
    Action("publish_collection", "site", a_collection(published=False), "/collections/{slug}/publish", {},
           lambda s, t: s.get(f"/collections/{t['slug']}").status_code == 200, "publish_collection",
           on("collection", "collection")),
    Action("unpublish_collection", "site", a_collection(), "/collections/{slug}/unpublish", {},
           lambda s, t: s.get(f"/collections/{t['slug']}").status_code == 404, "unpublish_collection",
           on("collection", "collection")),
    Action("add_item", "site", a_collection(), "/collections/{slug}/items", {"practice": "{practice}"},
           lambda s, t: "An early-warning dashboard" in collection_page(s, t), "add_to_collection",
           on("collection", "collection")),
    Action("add_item_from_practice", "site", a_collection(), "/practices/{practice}/collect",
           {"collection": "{collection}"},
           lambda s, t: "An early-warning dashboard" in collection_page(s, t), "add_to_collection",
           on("collection", "collection")),
    Action("edit_item_note", "site", a_collection(items=1), "/collections/{slug}/items/{item}/note",
           {"note": "Read the second section first."},
           lambda s, t: "Read the second section first." in collection_page(s, t), "edit_collection_note",
           on("collection", "collection")),
    Action("reorder_items", "site", a_collection(items=2), "/collections/{slug}/items/{item}/up", {},
           lambda s, t: in_order(collection_page(s, t), "A family advisory council", "Weekly walkthroughs"),
           "move_collection_item", on("collection", "collection")),
    Action("remove_item", "site", a_collection(items=1), "/collections/{slug}/items/{item}/remove", {},
           lambda s, t: "Weekly walkthroughs" not in collection_page(s, t), "remove_from_collection",
           on("collection", "collection")),
]


def cells():
    for action in ACTIONS:
        for who in ACTORS:
            allowed = who in ALLOWED[action.duty]
            marks = [pytest.mark.xfail(reason=action.bug, strict=True)] if allowed and action.bug else []
            yield pytest.param(action, who, id=f"{action.name}-{who}", marks=marks)


@pytest.mark.parametrize("action, who", list(cells()))
def test_each_action_at_its_permission_boundary(scene, action, who):
    target = action.build(scene)
    before, last = snapshot(), last_log_id()
    response = scene.client(who).submit(action.url.format(**target), action.data(target, scene))
    if who in ALLOWED[action.duty]:
        assert response.status_code == 303, (response.status_code, visible(response)[:300])
        assert action.done(scene, target)
        actor = scene.people[who]
        assert [(r.action, r.actor_id, r.target_type, r.target_id) for r in log_since(last)] == [
            (action.log, actor.id, *action.target(target))]
    else:
        if who == "suspended":                       # signed out at this request
            assert response.status_code == 302 and response.location.startswith("/login")
        else:
            assert response.status_code == 403, (response.status_code, visible(response)[:300])
        assert snapshot() == before                  # nothing changed, and no log row
        assert not action.done(scene, target)


def _reason_param(action: Action):
    why = action.reason_bug or action.bug
    return pytest.param(action, id=action.name, marks=[pytest.mark.xfail(reason=why, strict=True)] if why else [])


@pytest.mark.parametrize("action", [_reason_param(a) for a in ACTIONS if a.reason])
def test_the_log_keeps_the_moderators_reason(scene, action):
    target = action.build(scene)
    last = last_log_id()
    who = "admin" if action.duty == "admin" else "moderator"
    assert scene.client(who).submit(action.url.format(**target), action.data(target, scene)).status_code == 303
    rows = log_since(last)
    assert len(rows) == 1 and REASON in rows[0].reason, [(r.action, r.reason) for r in rows]


# --- refusals inside an allowed role -----------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    name: str
    who: str
    build: Callable[[Scene], dict]
    url: str
    form: dict
    status: tuple[int, ...] = (403,)
    bug: str | None = None


def two_categories(s: Scene) -> dict:
    return {"thread": s.thread(title="Which dashboards do principals use?"),
            "into": s.thread(title="Budget season survival guide", category=s.finance), "finance": s.finance.id}


def a_self(who: str) -> Callable[[Scene], dict]:
    return lambda s: {"user": s.people[who].id, "username": s.people[who].username}


REFUSALS = [
    # A scoped moderator's thread actions stay inside their categories.
    Refusal("move_out_of_scope", "scoped_in", two_categories, "/mod/threads/{thread}/move",
            {"category": "{finance}", "reason": REASON}, status=(303,)),  # the thread page says why
    Refusal("merge_out_of_scope", "scoped_in", two_categories, "/mod/threads/{thread}/merge", {"target": "{into}"}),
    Refusal("repin_global_as_category", "scoped_in", pinned(Thread.PIN_GLOBAL), "/mod/threads/{thread}/pin",
            {"where": "category"}),
    Refusal("practice_edit_moves_out_of_scope", "scoped_in", a_practice, "/practices/{practice}/edit",
            {**PRACTICE_FORM, "category": "{finance}", "reason": REASON}, status=(403, 422)),
    # Suspensions: only admins suspend moderators; nobody suspends themselves.
    Refusal("moderator_suspends_a_moderator", "moderator", a_subject(role=Role.MODERATOR),
            "/mod/members/{user}/suspend", {"reason": REASON}),
    Refusal("moderator_reinstates_a_moderator", "moderator", a_subject(status=Status.SUSPENDED, role=Role.MODERATOR),
            "/mod/members/{user}/reinstate", {"reason": REASON}),
    Refusal("admin_suspends_themselves", "admin", a_self("admin"), "/mod/members/{user}/suspend", {"reason": REASON}),
    # Roles: an admin cannot demote themselves.
    Refusal("admin_demotes_themselves", "admin", a_self("admin"), "/mod/team",
            {"member": "{username}", "role": "member"}, status=(422,)),
]


@pytest.mark.parametrize("refusal", [pytest.param(r, id=r.name, marks=[pytest.mark.xfail(reason=r.bug, strict=True)]
                                                  if r.bug else []) for r in REFUSALS])
def test_refusals_inside_an_allowed_role_change_nothing(scene, refusal):
    target = refusal.build(scene)
    values = {**target, "talent": scene.talent.id, "finance": scene.finance.id}
    before = snapshot()
    response = scene.client(refusal.who).submit(refusal.url.format(**target),
                                                {k: v.format(**values) for k, v in refusal.form.items()})
    assert response.status_code in refusal.status, (response.status_code, visible(response)[:300])
    assert snapshot() == before
