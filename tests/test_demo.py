"""`flask demo load`: a believable network, consistent counters, safe to run twice."""
import re
from datetime import date

from sqlalchemy import func, select

from exchange.extensions import db
from exchange.models import (Application, Category, Collection, ModerationLog, Opportunity, Post, Program, Region,
                             Role, Seeking, Status, TalentProfile, Thread, User)
from exchange.posting import NEW_MEMBER
from tests.helpers import visible

NAMED_METROS = {"Boston", "Chicago", "Denver", "Los Angeles", "Memphis", "Newark", "New Orleans",
                "New York", "Oakland", "Philadelphia", "Pittsburgh", "Seattle", "Washington DC",
                "Houston", "Nashville"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _snapshot() -> dict:
    return {model.__name__: _count(model) for model in (Program, Region, Category, User, Thread, Post, Opportunity,
                                                        Application)}


def test_demo_load_builds_a_consistent_network_and_is_idempotent(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "300 threads" in result.output

    assert _count(Program) == 3
    metros = set(db.session.scalars(select(Region.name).where(Region.parent_id.is_(None))))
    assert NAMED_METROS <= metros and len(metros) >= 15
    assert all(r.latitude and r.longitude for r in db.session.scalars(select(Region)))
    assert _count(Category) >= 8
    discussions = db.session.scalar(select(func.count()).select_from(Thread).where(Thread.kind == Thread.DISCUSSION))
    assert 280 <= discussions <= 320 and _count(Post) > 3 * discussions       # ~300 threads, with replies

    active = list(db.session.scalars(select(User).where(User.status == Status.ACTIVE, User.role != Role.EMPLOYER)))
    assert 190 <= len(active) <= 210
    assert all(u.affiliations for u in active)
    # Region is optional at registration: the demo has one member who never gave one, and only one.
    assert [u.email for u in active if u.region_id is None] == ["rowan.reyes@example.org"]
    assert db.session.scalar(select(func.count()).select_from(User).where(User.status == Status.PENDING)) >= 3
    roles = {u.email: u.role for u in active}
    assert roles["admin@example.org"] == Role.ADMIN and roles["moderator@example.org"] == Role.MODERATOR

    # Counters the lists rely on agree with the posts themselves.
    # Held posts stay out of the counts until a moderator approves them (the demo has a few).
    actual = dict(db.session.execute(select(Post.thread_id, func.count()).where(Post.review == Post.SHOWN)
                                     .group_by(Post.thread_id)).all())
    newest = dict(db.session.execute(select(Post.thread_id, func.max(Post.created_at)).where(Post.review == Post.SHOWN)
                                     .group_by(Post.thread_id)).all())
    for thread in db.session.scalars(select(Thread).where(Thread.status == Thread.PUBLISHED)):
        assert thread.post_count == actual[thread.id]
        assert thread.last_post_at == newest[thread.id]
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.review == Post.HELD)) == 2
    per_category = dict(db.session.execute(select(Thread.category_id, func.count())
                                           .where(Thread.status == Thread.PUBLISHED).group_by(Thread.category_id)).all())
    for category in db.session.scalars(select(Category)):
        assert category.thread_count == per_category.get(category.id, 0)
    assert max(actual.values()) >= 10  # some long discussions, not a uniform grid

    before = _snapshot()
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "nothing to add" in again.output
    db.session.expire_all()
    assert _snapshot() == before


def test_demo_accounts_sign_in_and_see_the_discussions(runner, client):
    runner.invoke(args=["demo", "load"])
    response = client.submit("/login", {"email": "member@example.org", "password": "exchange-demo"})
    assert response.status_code == 303
    home = client.get("/threads")
    assert home.status_code == 200
    newest = db.session.scalars(select(Thread).where(Thread.status == Thread.PUBLISHED)
                                .order_by(Thread.last_post_at.desc())).first()
    assert newest.title in home.get_data(as_text=True)


def test_demo_employers_search_a_pool_of_about_forty_and_the_demo_member_sees_who_looked(runner, client):
    runner.invoke(args=["demo", "load"])
    employers = dict(db.session.execute(select(User.email, User.status).where(User.role == Role.EMPLOYER)).all())
    assert employers == {"employer@example.org": Status.ACTIVE, "recruiter@example.org": Status.ACTIVE,
                         "pending.employer@example.org": Status.PENDING}
    in_pool = db.session.scalar(select(func.count()).select_from(TalentProfile).where(TalentProfile.is_open))
    assert 35 <= in_pool <= 45
    shares = db.session.execute(select(TalentProfile.share_region, TalentProfile.share_bio)).all()
    assert len(set(shares)) > 1                               # members share different fields
    assert client.submit("/login", {"email": "employer@example.org", "password": "exchange-demo"}).status_code == 303
    pool = client.get("/talent")
    assert pool.status_code == 200 and "people in the pool" in pool.get_data(as_text=True)
    assert client.get("/threads").status_code == 403
    lists = visible(client.get("/talent/lists"))
    assert "Data analysts to call" in lists and "Principal supervisor candidates" in lists
    assert re.search(r"Data analysts to call [1-9] members?", lists)
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.submit("/login", {"email": "member@example.org", "password": "exchange-demo"})
    assert "Viewed by" in client.get("/members/member/talent").get_data(as_text=True)


def test_demo_holds_the_awkward_cases_real_data_has(runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output

    # A newcomer whose first thread and reply wait for a moderator.
    newcomer = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))
    held = list(db.session.scalars(select(Post).where(Post.review == Post.HELD)))
    assert held and {p.author_id for p in held} == {newcomer.id}
    assert {p.thread.status for p in held} == {Thread.HELD, Thread.PUBLISHED}

    # A reply a moderator hid, with the reason in the log; its thread stays listed.
    hidden = db.session.scalar(select(Post).where(Post.is_hidden))
    assert hidden is not None and hidden.hidden_reason and hidden.thread.status == Thread.PUBLISHED
    first = db.session.scalar(select(func.min(Post.id)).where(Post.thread_id == hidden.thread_id))
    assert hidden.id != first
    assert db.session.scalar(select(ModerationLog).where(ModerationLog.action == "hide_post",
                                                         ModerationLog.target_id == hidden.id)) is not None

    # A collection its curator has not published: members do not see it.
    draft = db.session.scalar(select(Collection).where(Collection.is_published.is_(False)))
    assert draft is not None and draft.items
    assert client.submit("/login", {"email": "member@example.org", "password": "exchange-demo"}).status_code == 303
    assert draft.title not in client.get("/collections").get_data(as_text=True)
    assert client.get(f"/collections/{draft.slug}").status_code == 404


def test_demo_openings_fill_the_board_with_every_kind_and_the_awkward_cases(runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    today = date.today()
    openings = list(db.session.scalars(select(Opportunity)))
    assert 75 <= len(openings) <= 85 and "80 openings" in result.output
    listed = [o for o in openings if o.is_listed(today)]
    assert len(listed) >= 25
    assert {o.kind for o in openings} == set(Seeking.KINDS) and {o.level for o in openings} == set(Seeking.LEVELS)
    assert {o.sector for o in openings} >= {"district", "charter", "state", "nonprofit", "federal"}
    assert any(o.remote and o.region_id is None for o in listed) and any(o.region and o.region.parent for o in listed)
    for o in openings:
        if o.kind in Opportunity.PAID_KINDS:
            assert o.salary_min and o.salary_max and o.salary_min <= o.salary_max
        assert o.tags and o.body_html.startswith("<p>")
        assert (o.published_at is None) == (o.status == Opportunity.HELD)
    expired = [o for o in openings if o.status == Opportunity.EXPIRED]
    assert len(expired) >= 5 and all(o.closes_on < today and o.ended_at for o in expired)
    assert {Opportunity.CLOSED, Opportunity.FILLED} <= {o.status for o in openings}

    # Exactly one opening waits for review: the newcomer's first, held as the posting policy holds it.
    held = [o for o in openings if o.status == Opportunity.HELD]
    assert len(held) == 1 and held[0].poster.email == "newcomer@example.org" and held[0].held_reason == NEW_MEMBER

    # The two approved employers post, members too; members applied in Exchange to the employers' openings.
    employers = dict(db.session.execute(select(User.email, User.status).where(User.role == Role.EMPLOYER)).all())
    assert sorted(employers.values()) == sorted([Status.ACTIVE, Status.ACTIVE, Status.PENDING])
    posters = {o.poster.email: o.poster.role for o in openings}
    assert {e for e, s in employers.items() if s == Status.ACTIVE} <= set(posters)
    assert "pending.employer@example.org" not in posters and Role.MEMBER in posters.values()
    applications = list(db.session.scalars(select(Application)))
    assert len(applications) >= 2
    assert all(a.opportunity.poster.role == Role.EMPLOYER and a.opportunity.applies_in_exchange for a in applications)

    assert client.submit("/login", {"email": "member@example.org", "password": "exchange-demo"}).status_code == 303
    page = client.get("/opportunities").get_data(as_text=True)
    shown = set(re.findall(r'class="opening-title"><a href="/opportunities/(\d+)"', page))
    assert len(shown & {str(o.id) for o in listed}) >= 20


def test_the_demo_member_finds_notifications_that_lead_somewhere(runner, client):
    runner.invoke(args=["demo", "load"])
    client.submit("/login", {"email": "member@example.org", "password": "exchange-demo"})
    html = client.get("/notifications").get_data(as_text=True)
    page = visible(client.get("/notifications"))
    assert "replied in" in page or "new replies in" in page
    assert "match your saved search" in page or "matches your saved search" in page
    badge = client.get("/notifications/count").get_data(as_text=True)
    assert int(re.search(r">(\d+)<span class=\"visually-hidden\"> unread", badge).group(1)) > 0
    for link in dict.fromkeys(re.findall(r'href="(/notifications/\d+)"', html)):
        target = client.get(link)
        assert target.status_code == 302 and client.get(target.location, follow_redirects=True).status_code == 200, link
    runner.invoke(args=["demo", "load"])                      # safe to run twice: nothing added again
    assert visible(client.get("/notifications")).count("saved search") == page.count("saved search")
