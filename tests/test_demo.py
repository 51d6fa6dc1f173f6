"""`flask demo load`: a believable network, consistent counters, safe to run twice."""
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.models import Category, Post, Program, Region, Role, Status, TalentProfile, Thread, User

NAMED_METROS = {"Boston", "Chicago", "Denver", "Los Angeles", "Memphis", "Newark", "New Orleans",
                "New York", "Oakland", "Philadelphia", "Pittsburgh", "Seattle", "Washington DC",
                "Houston", "Nashville"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _snapshot() -> dict:
    return {model.__name__: _count(model) for model in (Program, Region, Category, User, Thread, Post)}


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
    assert all(u.affiliations and u.region_id for u in active)
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
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.submit("/login", {"email": "member@example.org", "password": "exchange-demo"})
    assert "Viewed by" in client.get("/members/member/talent").get_data(as_text=True)
