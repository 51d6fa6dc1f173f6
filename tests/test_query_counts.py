"""Pages run a fixed, small number of SQL statements whatever the data size (no N+1)."""
import pytest

from tests.test_practices import library  # noqa: F401 - the hand-counted practices fixture

from exchange.extensions import db
from exchange.instrumentation import configure_sql_counter
from exchange.models import Thread
from exchange.threads import services

PAGE_BUDGET = 12


@pytest.fixture
def counting(app):
    app.config["SQL_COUNT_HEADER"] = True
    configure_sql_counter(app)
    return app


def _statements(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(response.headers["X-SQL-Statements"])


def test_thread_page_statements_do_not_grow_with_posts(counting, app, make_user, make_thread, make_category):
    app.config["POSTS_PER_PAGE"] = 50
    authors = [make_user() for _ in range(5)]
    small = make_thread(author=authors[0])
    big = make_thread(author=authors[0], replies=0)
    for i in range(40):
        services.reply(author=authors[i % 5], thread=db.session.get(Thread, big.id), body=f"reply {i}")
    warm_up = make_thread(author=authors[0])
    client = app.test_client().sign_in_as(authors[1])
    _statements(client, f"/t/{warm_up.id}")  # site-wide caches (who has held posts) are filled once for all pages
    few, many = _statements(client, f"/t/{small.id}"), _statements(client, f"/t/{big.id}")
    assert few == many <= PAGE_BUDGET


def test_list_pages_statements_do_not_grow_with_threads(counting, app, make_user, make_thread, make_category):
    users = [make_user() for _ in range(6)]
    category = make_category()
    client = app.test_client().sign_in_as(users[0])
    make_thread(author=users[1], category=category)
    before = {url: _statements(client, url) for url in ("/", "/threads", f"/c/{category.slug}")}
    for i in range(12):
        make_thread(author=users[i % 6], category=category, title=f"Thread number {i}", replies=1)
    after = {url: _statements(client, url) for url in before}
    assert before == after
    assert max(after.values()) <= PAGE_BUDGET


def test_practice_pages_statements_do_not_grow(counting, app, library, make_practice, taxonomy, make_user):
    """The library (with every filter), a practice and a tag page stay within the budget as content grows."""
    client = app.test_client().sign_in_as(make_user())
    urls = ["/practices", "/practices?tag=talent-pipeline&tag=principal&region=boston&setting=district&year=2026",
            f"/practices/{library['A'].id}", "/tags/talent-pipeline", "/tags", "/"]
    before = {url: _statements(client, url) for url in urls}
    for i in range(10):
        make_practice(title=f"Another practice number {i}", tags=[taxonomy["teacher-residency"], taxonomy["principal"]])
    after = {url: _statements(client, url) for url in urls}
    assert before == after
    assert max(after.values()) <= PAGE_BUDGET, after


def test_directory_pages_statements_do_not_grow_with_members(counting, app, make_user, taxonomy):
    from exchange.models import Affiliation, MemberOffer, Program, Region, Tag, User

    denver = Region(slug="denver", name="Denver")
    db.session.add_all([denver, Region(slug="aurora", name="Aurora", parent=denver)])
    db.session.commit()
    program = db.session.query(Program).first()
    tags = db.session.query(Tag).all()

    def add_members(count: int) -> User:
        for _ in range(count):
            user = db.session.get(User, make_user().id)
            user.region_id = denver.id
            user.affiliations = [Affiliation(program_id=program.id, cohort_year=2020)]
            user.expertise = tags[:2]
            user.offer_links = [MemberOffer(offer="mentoring")]
        db.session.commit()
        return user

    viewer = add_members(3)
    pages = ["/members", "/members?region=denver&tag=talent-pipeline&offer=mentoring&program=uelf&cohort=2020",
             "/members?q=example&sort=name&page=1", "/regions", "/regions/denver", f"/members/{viewer.username}"]
    client = app.test_client().sign_in_as(viewer)
    few = [_statements(client, url) for url in pages]
    add_members(30)
    client = app.test_client().sign_in_as(viewer)
    many = [_statements(client, url) for url in pages]
    assert few == many
    assert max(many) <= PAGE_BUDGET


def test_curation_pages_statements_do_not_grow(counting, app, make_user, make_practice, taxonomy):
    """The home page (with featured practices), a collection and the collections index stay within the budget."""
    from exchange.curation import services as curation
    from exchange.models import Role

    curator = make_user(role=Role.ADMIN)
    collection = curation.create_collection(curator=curator, title="Building a data culture")
    curation.set_published(curator=curator, collection=collection, published=True)

    def add(count: int) -> None:
        for _ in range(count):
            practice = make_practice(title=f"Practice number {db.session.query(Thread).count() + 1}",
                                     tags=[taxonomy["principal"], taxonomy["teacher-residency"]])
            curation.add_item(curator=curator, collection=collection, thread=practice, note="Read this first.")
            curation.feature(curator=curator, thread=practice)

    add(1)
    urls = ["/", f"/collections/{collection.slug}", "/collections"]
    client = app.test_client().sign_in_as(make_user())
    before = {url: _statements(client, url) for url in urls}
    add(8)
    after = {url: _statements(client, url) for url in urls}
    assert before == after
    assert max(after.values()) <= PAGE_BUDGET, after
    curators = app.test_client().sign_in_as(curator)
    assert _statements(curators, f"/collections/{collection.slug}/edit") <= PAGE_BUDGET
    assert _statements(curators, "/curation/featured") <= PAGE_BUDGET
