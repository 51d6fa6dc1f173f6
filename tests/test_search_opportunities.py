"""Openings in search, on every backend: Whoosh always, PostgreSQL on a PostgreSQL run.

Only listed openings are findable (``Opportunity.listed_sql``): open, not hidden, not past their
closing date. The index drops the others when their change is indexed, and the results page checks
every hit against the database, so a stale index never shows one either.
"""
from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from exchange.extensions import db
from exchange.models import Opportunity, Region, Role
from exchange.opportunities import services
from exchange.search import documents, outbox
from exchange.search.backend import get_backend
from exchange.search.cli import reindex
from exchange.search.plan import resolve
from exchange.search.query import parse
from exchange.taxonomy.services import add_alias
from tests.helpers import visible

ON_POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres")
BACKENDS = ["whoosh", pytest.param("postgres", marks=pytest.mark.skipif(
    not ON_POSTGRES, reason="the PostgreSQL backend needs a PostgreSQL database (CI runs it)"))]
TODAY = date.today()
CONTENT = (documents.THREAD, documents.OPPORTUNITY)


@pytest.fixture(params=BACKENDS)
def backend(request, app):
    app.config["SEARCH_BACKEND"] = request.param
    app.extensions.pop("search", None)
    get_backend(app).rebuild([])
    return request.param


@pytest.fixture
def regions(app):
    denver = Region(slug="denver", name="Denver")
    chicago = Region(slug="chicago", name="Chicago")
    db.session.add_all([denver, chicago])
    db.session.flush()
    aurora = Region(slug="aurora", name="Aurora", parent_id=denver.id)
    db.session.add(aurora)
    db.session.commit()
    return {"denver": denver, "chicago": chicago, "aurora": aurora}


@pytest.fixture
def poster(make_user):
    """A moderator: their openings publish at once."""
    return make_user(username="hr", role=Role.MODERATOR, display_name="Hiring Team")


@pytest.fixture
def post(backend, taxonomy, poster):
    """Post an opening (published unless ``publish=False``) and index it."""
    def make(title, *, organisation="Denver Public Schools", region=None, remote=False, tags=(), days=30,
             body="Lead the data team of a district of 90,000 students.", by=None, publish=True) -> Opportunity:
        opening = services.create(poster=by or poster, publish=publish, data=services.OpeningInput(
            title=title, organisation=organisation, kind="full_time", level="director", sector="district",
            region_id=region.id if region else None, remote=remote or region is None,
            salary_min=90_000, salary_max=120_000, closes_on=TODAY + timedelta(days=days), body=body,
            tags=[taxonomy[s] for s in tags]))
        outbox.drain()
        return db.session.get(Opportunity, opening.id)

    return make


def openings(client, q) -> list[int]:
    """Opening ids in the order the results page lists them."""
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200, response.text
    return [int(n) for n in re.findall(
        r'<li class="search-hit" data-doctype="opportunity">\s*<h2 class="h3"><a href="/opportunities/(\d+)">',
        response.text)]


def threads(client, q) -> list[int]:
    response = client.get("/search", query_string={"q": q})
    return [int(n) for n in re.findall(r'<li class="search-hit">\s*<h2 class="h3"><a href="/(?:t|practices)/(\d+)',
                                       response.text)]


def in_index(q) -> list[int]:
    """Opening ids the index itself returns, before the results page checks them against the database."""
    hits = get_backend().search(resolve(parse(q)), doctype=CONTENT, per_page=50, facets=False).hits
    return [h.id for h in hits if h.doctype == documents.OPPORTUNITY]


def test_an_open_opening_is_found_by_a_title_word_and_by_its_kind(post, regions, member_client, make_practice):
    opening = post("Chief Data Officer", region=regions["denver"], tags=["data-and-analytics"], days=12)
    practice = make_practice(title="Weekly data reviews with principals")
    outbox.drain()
    assert openings(member_client, "officer") == [opening.id]
    assert openings(member_client, "kind:opportunity") == [opening.id]
    assert openings(member_client, "kind:openings data") == [opening.id]
    assert openings(member_client, "kind:practice data") == []
    assert threads(member_client, "kind:practice data") == [practice.id]
    assert threads(member_client, "kind:opportunity data") == []
    assert openings(member_client, "data") == [opening.id] and threads(member_client, "data") == [practice.id]
    assert openings(member_client, "denver public schools") == [opening.id]   # the organisation
    assert openings(member_client, "90,000 students") == [opening.id]         # the description

    page = member_client.get("/search", query_string={"q": "data"})
    shown = visible(page)
    assert f'href="/opportunities/{opening.id}"' in page.text
    assert "Denver Public Schools" in shown and f"closes {(TODAY + timedelta(days=12)).isoformat()}" in shown
    assert "2 results for data" in shown and "Threads, practices and openings 2" in shown
    kinds = re.search(r"<h2>Kind</h2>(.*?)</section>", page.text, re.S).group(1)
    assert dict(re.findall(r'<span class="facet-label">([^<]+)</span> <span class="count">(\d+)</span>', kinds)) == \
        {"Opportunities": "1", "Practices": "1"}
    assert member_client.get(f"/opportunities/{opening.id}").status_code == 200


def test_tags_count_with_their_aliases_and_parents(post, member_client):
    residency = post("Residency program lead", tags=["teacher-residency"])   # a child of talent-pipeline
    post("Data analyst", tags=["data-and-analytics"])
    assert openings(member_client, "tag:teacher-residency") == [residency.id]
    assert openings(member_client, "tag:talent-pipeline") == [residency.id]  # the parent has its children
    assert openings(member_client, "tag:human-capital") == [residency.id]    # an alias of the parent
    assert openings(member_client, "tag:residency-model") == [residency.id]  # an alias of the tag itself
    assert openings(member_client, "tag:family-engagement") == []
    response = member_client.get("/search", query_string={"q": "human capital"})
    assert openings(member_client, "human capital") == [residency.id]
    assert "Matched via human capital → Talent pipeline" in visible(response)


def test_a_metro_has_the_openings_of_its_cities(post, regions, member_client):
    aurora = post("Aurora analyst", region=regions["aurora"])
    denver = post("Denver analyst", region=regions["denver"])
    chicago = post("Chicago analyst", region=regions["chicago"])
    remote = post("Remote analyst")
    assert sorted(openings(member_client, "region:denver")) == sorted([aurora.id, denver.id])
    assert openings(member_client, "region:aurora") == [aurora.id]
    assert openings(member_client, "region:chicago analyst") == [chicago.id]
    assert openings(member_client, "remote analyst") == [remote.id]
    assert "Aurora, Denver" in visible(member_client.get("/search", query_string={"q": "region:aurora"}))


def test_closing_hiding_and_expiring_take_an_opening_out_of_the_index(post, member_client, make_user):
    moderator = make_user(role=Role.MODERATOR)
    closed, filled, hidden, expired, stays = (post(f"Opening {word}", days=days) for word, days in (
        ("alpha", 30), ("bravo", 30), ("charlie", 30), ("delta", 5), ("echo", 60)))
    assert len(openings(member_client, "opening")) == 5
    services.end(opening=closed, actor=moderator, outcome=Opportunity.CLOSED)
    services.end(opening=filled, actor=moderator, outcome=Opportunity.FILLED)
    services.hide(opening=hidden, moderator=moderator, reason="Not a real opening.")
    assert services.expire_past_closing(TODAY + timedelta(days=6)) == 1
    outbox.drain()
    assert openings(member_client, "opening") == [stays.id]
    assert in_index("opening") == [stays.id]      # deleted from the index, not only filtered out
    services.unhide(opening=db.session.get(Opportunity, hidden.id), moderator=moderator)
    services.reopen(opening=db.session.get(Opportunity, closed.id), actor=moderator)
    outbox.drain()
    assert sorted(openings(member_client, "opening")) == sorted([closed.id, hidden.id, stays.id])


def test_an_opening_past_its_closing_date_is_never_shown_even_before_the_sweep(post, member_client):
    past, stays = post("Opening alpha"), post("Opening bravo")
    db.session.execute(text("UPDATE opportunities SET closes_on = :d WHERE id = :id"),
                       {"d": TODAY - timedelta(days=1), "id": past.id})
    db.session.commit()   # nothing queued: the index still holds it
    assert sorted(in_index("opening")) == sorted([past.id, stays.id])
    assert openings(member_client, "opening") == [stays.id]
    assert services.expire_past_closing() == 1
    outbox.drain()
    assert in_index("opening") == [stays.id]


def test_a_stale_index_never_shows_an_opening_changed_behind_its_back(post, member_client):
    made = [post(f"Opening {word}") for word in ("alpha", "bravo", "charlie", "delta")]
    for opening, change in zip(made, ("status = 'closed'", "status = 'held'", "hidden_at = CURRENT_TIMESTAMP")):
        db.session.execute(text(f"UPDATE opportunities SET {change} WHERE id = :id"), {"id": opening.id})
    db.session.commit()
    assert len(in_index("opening")) == 4
    assert openings(member_client, "opening") == [made[3].id]


def test_held_and_draft_openings_are_never_found(holding, post, member_client, make_user, moderator_client):
    newcomer = make_user(username="newcomer")
    held = post("Opening held for review", by=newcomer)
    draft = post("Opening still a draft", publish=False)
    assert (held.status, draft.status) == (Opportunity.HELD, Opportunity.DRAFT)
    assert openings(member_client, "opening") == [] and in_index("opening") == []
    assert openings(member_client, "kind:opportunity") == []
    services.approve(opening=held, moderator=moderator_client.user)
    outbox.drain()
    assert openings(member_client, "opening") == [held.id]


def test_threads_and_openings_are_ranked_and_paged_together_newest_first(post, member_client, make_thread):
    made = []
    for n in range(3):
        made.append((documents.THREAD, make_thread(title=f"Walrus thread {n}", body="About walruses.").id))
        made.append((documents.OPPORTUNITY, post(f"Walrus keeper {n}").id))
    stamps = {key: datetime(2025, 1, 1) + timedelta(days=i) for i, key in enumerate(made)}
    for (doctype, doc_id), when in stamps.items():
        table, column = ("threads", "created_at") if doctype == documents.THREAD else ("opportunities", "published_at")
        db.session.execute(text(f"UPDATE {table} SET {column} = :w WHERE id = :id"), {"w": when, "id": doc_id})
    db.session.commit()
    outbox.queue_threads(*(i for t, i in made if t == documents.THREAD))
    outbox.queue_opportunities(*(i for t, i in made if t == documents.OPPORTUNITY))
    db.session.commit()
    outbox.drain()
    plan = resolve(parse("walrus"))
    newest = list(reversed(made))
    for facets in (True, False):   # (PostgreSQL: read by the matched keys, or matched again per doctype)
        pages = [get_backend().search(plan, doctype=CONTENT, sort="newest", page=p, per_page=4, facets=facets)
                 for p in (1, 2)]
        assert [(h.doctype, h.id) for page in pages for h in page.hits] == newest
        assert pages[0].total == 6
    response = member_client.get("/search", query_string={"q": "walrus", "sort": "newest"})
    assert response.text.count('class="search-hit"') == 6


def test_reindex_includes_the_listed_openings(post, member_client, runner):
    listed, closed = post("Opening alpha").id, post("Opening bravo").id   # (a reindex empties the session)
    db.session.execute(text("UPDATE opportunities SET status = 'closed' WHERE id = :id"), {"id": closed})
    db.session.commit()
    get_backend().rebuild([])
    assert in_index("opening") == []
    assert reindex() >= 2   # the two posters' member documents, the listed opening
    assert in_index("opening") == [listed]
    assert openings(member_client, "opening") == [listed]
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert in_index("kind:opportunity") == [listed]


def test_a_new_alias_reaches_the_openings_filed_under_its_tag(post, member_client, taxonomy):
    residency = post("Residency program lead", tags=["teacher-residency"])
    assert openings(member_client, "apprenticeship") == []
    add_alias(tag=taxonomy["teacher-residency"], name="Apprenticeship pathway", program=None)
    outbox.drain()
    assert openings(member_client, "apprenticeship") == [residency.id]
