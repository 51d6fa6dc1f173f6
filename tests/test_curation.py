"""Curation: featured practices on the home page, and collections with a curator's note per practice."""
import pytest
from sqlalchemy import select

from exchange.curation import services
from exchange.extensions import db
from exchange.models import (Collection, CollectionItem, FeaturedPractice, ModerationLog, ModeratorCategory, Role,
                             Thread)
from tests.helpers import visible


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture
def scoped_moderator_client(app, make_user, make_category):
    """A moderator of one category only: curation is a site-wide duty, so not theirs."""
    user = make_user(username="scoped", role=Role.MODERATOR)
    db.session.add(ModeratorCategory(user_id=user.id, category_id=make_category(name="Data and analytics").id))
    db.session.commit()
    client = app.test_client()
    client.user = user
    return client.sign_in_as(user)


@pytest.fixture
def curator(moderator_client):
    return moderator_client


@pytest.fixture
def make_collection(app, make_user):
    def make(*, title: str = "First 90 days as a turnaround lead partner", description: str = "Read these in order.",
             published: bool = True, curator=None) -> Collection:
        curator = curator or make_user(role=Role.ADMIN)
        collection = services.create_collection(curator=curator, title=title, description=description)
        if published:
            services.set_published(curator=curator, collection=collection, published=True)
        return collection

    return make


def _log(action: str) -> list[ModerationLog]:
    return list(db.session.scalars(select(ModerationLog).where(ModerationLog.action == action)
                                   .order_by(ModerationLog.id)))


def _positions(collection_id: int) -> list[tuple[str, int]]:
    return [(title, position) for title, position in db.session.execute(
        select(Thread.title, CollectionItem.position).join(CollectionItem, CollectionItem.thread_id == Thread.id)
        .where(CollectionItem.collection_id == collection_id).order_by(CollectionItem.position))]


def _order_on_page(text: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=text.index)


# --- permissions --------------------------------------------------------------------------------

CURATOR_ACTIONS = [
    ("get", "/collections/new", None),
    ("post", "/collections/new", {"title": "Building a data culture"}),
    ("get", "/collections/{slug}/edit", None),
    ("post", "/collections/{slug}/edit", {"title": "Renamed"}),
    ("post", "/collections/{slug}/unpublish", {}),
    ("post", "/collections/{slug}/items", {"practice": "{other}"}),
    ("post", "/collections/{slug}/items/{item}/note", {"note": "Start here."}),
    ("post", "/collections/{slug}/items/{item}/down", {}),
    ("post", "/collections/{slug}/items/{item}/remove", {}),
    ("get", "/practices/{practice}/collect", None),
    ("post", "/practices/{other}/collect", {"collection": "{collection}"}),
    ("post", "/practices/{practice}/feature", {}),
    ("get", "/curation/featured", None),
]


@pytest.fixture
def curation_targets(make_practice, make_collection):
    first = make_practice(title="Weekly walkthroughs with the principal")
    second = make_practice(title="A family advisory council with a budget")
    other = make_practice(title="An early-warning dashboard principals actually open")
    collection = make_collection()
    item = services.add_item(curator=collection.curator, collection=collection, thread=first)
    services.add_item(curator=collection.curator, collection=collection, thread=second)
    return {"slug": collection.slug, "item": item.id, "practice": first.id, "other": other.id,
            "collection": collection.id}


def _call(client, method: str, url: str, data, targets: dict):
    url = url.format(**targets)
    if method == "get":
        return client.get(url)
    return client.submit(url, {k: v.format(**targets) for k, v in (data or {}).items()})


@pytest.mark.parametrize("method,url,data", CURATOR_ACTIONS)
def test_anonymous_visitors_are_sent_to_sign_in(client, curation_targets, method, url, data):
    response = _call(client, method, url, data, curation_targets)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("method,url,data", CURATOR_ACTIONS)
def test_members_and_scoped_moderators_cannot_curate(member_client, scoped_moderator_client, curation_targets,
                                                     method, url, data):
    for client in (member_client, scoped_moderator_client):
        response = _call(client, method, url, data, curation_targets)
        assert response.status_code == 403, (client.user.username, url)
        assert "curate" in visible(response)
    assert db.session.scalar(select(ModerationLog).where(ModerationLog.actor_id.in_(
        [member_client.user.id, scoped_moderator_client.user.id]))) is None


@pytest.mark.parametrize("role", ["moderator_client", "admin_client"])
@pytest.mark.parametrize("method,url,data", CURATOR_ACTIONS)
def test_unscoped_moderators_and_admins_curate(request, curation_targets, role, method, url, data):
    client = request.getfixturevalue(role)
    response = _call(client, method, url, data, curation_targets)
    assert response.status_code in (200, 303), (url, response.status_code)
    if method == "post":
        assert response.status_code == 303
        assert db.session.scalar(select(ModerationLog).where(ModerationLog.actor_id == client.user.id))


def test_unknown_collections_items_and_practices_are_404(curator, curation_targets):
    slug = curation_targets["slug"]
    for url in ("/collections/nope", "/collections/nope/edit"):
        assert curator.get(url).status_code == 404
    for url in ("/collections/nope/items", f"/collections/{slug}/items/99999/note",
                f"/collections/{slug}/items/99999/up", f"/collections/{slug}/items/99999/remove",
                "/practices/99999/collect", "/practices/99999/feature", "/curation/featured/99999/up",
                "/curation/featured/99999/remove", f"/collections/{slug}/items/{curation_targets['item']}/sideways"):
        assert curator.submit(url, {"note": "x"}).status_code == 404, url


# --- collections --------------------------------------------------------------------------------

def test_a_curator_creates_a_collection_that_members_see_only_once_published(curator, member_client):
    response = curator.submit("/collections/new", {
        "title": "First 90 days as a turnaround lead partner",
        "description": "For lead partners in their **first** term."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/collections/first-90-days-as-a-turnaround-lead-partner/edit")
    url = "/collections/first-90-days-as-a-turnaround-lead-partner"
    assert member_client.get(url).status_code == 404
    assert "No collections yet" in visible(member_client.get("/collections"))
    index = visible(curator.get("/collections"))
    assert "First 90 days as a turnaround lead partner Unpublished" in index
    assert "Unpublished. Only curators can see this collection." in visible(curator.get(url))

    assert curator.submit(f"{url}/publish").status_code == 303
    page = member_client.get(url)
    assert page.status_code == 200
    assert "<strong>first</strong>" in page.get_data(as_text=True)
    assert "No practices in this collection yet." in visible(page)
    assert "Unpublished" not in visible(page)
    listing = visible(member_client.get("/collections"))
    assert "First 90 days as a turnaround lead partner" in listing and "0 practices" in listing

    assert curator.submit(f"{url}/unpublish").status_code == 303
    assert member_client.get(url).status_code == 404
    assert db.session.query(Collection).count() == 1  # unpublished, never deleted
    assert [e.action for e in db.session.scalars(select(ModerationLog).order_by(ModerationLog.id))] == [
        "create_collection", "publish_collection", "unpublish_collection"]
    assert _log("create_collection")[0].target_label == "First 90 days as a turnaround lead partner"


def test_a_second_collection_with_the_same_title_gets_its_own_address(curator, make_collection):
    make_collection(title="Building a data culture")
    response = curator.submit("/collections/new", {"title": "Building a data culture"})
    assert response.headers["Location"].endswith("/collections/building-a-data-culture-2/edit")
    reserved = curator.submit("/collections/new", {"title": "New"})
    assert reserved.headers["Location"].endswith("/collections/new-2/edit")


def test_editing_a_collection_keeps_its_address_and_is_logged(curator, make_collection, member_client):
    collection = make_collection(title="Building a data culture")
    response = curator.submit(f"/collections/{collection.slug}/edit", {
        "title": "Building a data culture, step by step", "description": "Start with *one* question."})
    assert response.status_code == 303
    page = member_client.get("/collections/building-a-data-culture")
    assert "Building a data culture, step by step" in visible(page)
    assert "<em>one</em>" in page.get_data(as_text=True)
    assert _log("edit_collection")[0].target_label == "Building a data culture, step by step"


def test_practices_are_added_from_the_practice_page_and_the_edit_page_in_order(curator, member_client,
                                                                               make_practice, make_collection,
                                                                               taxonomy):
    collection = make_collection()
    first = make_practice(title="Weekly walkthroughs with the principal", tags=[taxonomy["principal"]],
                          summary="Every Tuesday, the lead partner and the principal walk every classroom.")
    second = make_practice(title="A family advisory council with a budget")
    third = make_practice(title="Ninety-day plans reviewed by the board")

    practice_page = visible(curator.get(f"/practices/{first.id}"))
    assert "Feature on the home page" in practice_page and "Add to collection" in practice_page
    assert "Add to collection" not in visible(member_client.get(f"/practices/{first.id}"))

    response = curator.submit(f"/practices/{first.id}/collect", {"collection": collection.id,
                                                                 "note": "Start here: it sets the weekly rhythm."})
    assert response.status_code == 303
    shown = visible(curator.get(response.headers["Location"]))
    assert "Added to “First 90 days as a turnaround lead partner”." in shown
    curator.submit(f"/collections/{collection.slug}/items", {"practice": f"http://localhost/practices/{second.id}",
                                                             "note": "Families first."})
    curator.submit(f"/collections/{collection.slug}/items", {"practice": str(third.id)})

    page = member_client.get(f"/collections/{collection.slug}")
    text = visible(page)
    titles = [first.title, second.title, third.title]
    assert _order_on_page(text, titles) == titles
    assert "Curator's note: Start here: it sets the weekly rhythm." in text
    assert "Every Tuesday, the lead partner and the principal walk every classroom." in text
    assert "Principal" in text  # the tag
    assert first.author.display_name in text and "3 practices" in text
    assert f'href="/practices/{first.id}"' in page.get_data(as_text=True)
    assert "3 practices" in visible(member_client.get("/collections"))
    added = _log("add_to_collection")
    assert [e.target_label for e in added] == [f"“{t}” in “{collection.title}”" for t in titles]
    assert added[0].reason == "Start here: it sets the weekly rhythm." and added[0].actor_id == curator.user.id


def test_moving_items_changes_the_order_and_removal_keeps_positions_dense(curator, member_client, make_practice,
                                                                           make_collection):
    collection = make_collection()
    titles = ["Alpha practice for the list", "Bravo practice for the list", "Charlie practice for the list",
              "Delta practice for the list"]
    items = [services.add_item(curator=collection.curator, collection=collection, thread=make_practice(title=t))
             for t in titles]
    base = f"/collections/{collection.slug}/items"
    removed_practice = items[0].thread_id

    assert curator.submit(f"{base}/{items[2].id}/up").status_code == 303
    assert curator.submit(f"{base}/{items[0].id}/down").status_code == 303
    expected = [titles[2], titles[0], titles[1], titles[3]]
    assert _order_on_page(visible(member_client.get(f"/collections/{collection.slug}")), titles) == expected
    # Moving the first item up (or the last down) changes nothing.
    curator.submit(f"{base}/{items[2].id}/up")
    assert [t for t, _ in _positions(collection.id)] == expected

    curator.submit(f"{base}/{items[0].id}/remove")
    assert _positions(collection.id) == [(titles[2], 1), (titles[1], 2), (titles[3], 3)]
    text = visible(member_client.get(f"/collections/{collection.slug}"))
    assert titles[0] not in text and "3 practices" in text
    assert db.session.get(Thread, removed_practice) is not None  # the practice itself stays
    assert [e.reason for e in _log("move_collection_item")] == ["moved up to 2", "moved down to 2", "moved up to 1"]
    assert _log("remove_from_collection")[0].target_label == f"“{titles[0]}” in “{collection.title}”"


def test_moving_with_htmx_swaps_the_list_in_place(curator, make_practice, make_collection):
    collection = make_collection()
    items = [services.add_item(curator=collection.curator, collection=collection, thread=make_practice(title=t))
             for t in ("First practice in the list", "Second practice in the list")]
    response = curator.submit(f"/collections/{collection.slug}/items/{items[1].id}/up", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="collection-items">') and "<html" not in html
    assert html.index("Second practice in the list") < html.index("First practice in the list")
    assert 'hx-target="#collection-items"' in html and 'action="/collections/' in html  # works without JS too


def test_editing_a_note_shows_it_to_members_and_is_logged(curator, member_client, make_practice, make_collection):
    collection = make_collection()
    item = services.add_item(curator=collection.curator, collection=collection, thread=make_practice())
    response = curator.submit(f"/collections/{collection.slug}/items/{item.id}/note",
                              {"note": "Read the evidence section twice."})
    assert response.status_code == 303
    assert "Curator's note: Read the evidence section twice." in visible(
        member_client.get(f"/collections/{collection.slug}"))
    assert _log("edit_collection_note")[0].reason == "Read the evidence section twice."


def test_drafts_discussions_and_duplicates_are_refused_with_a_clear_message(curator, make_practice, make_thread,
                                                                            make_collection):
    collection = make_collection()
    draft = make_practice(title="A draft nobody may collect", publish=False)
    discussion = make_thread(title="How do you staff hard-to-fill schools?")
    practice = make_practice(title="Already in the collection")
    services.add_item(curator=collection.curator, collection=collection, thread=practice)
    url = f"/collections/{collection.slug}/items"

    cases = [(str(draft.id), "That practice is still a draft"),
             (f"/t/{discussion.id}", "No practice has that address"),
             (str(discussion.id), "That is a discussion, not a practice"),
             ("not a number", "No practice has that address"),
             (str(practice.id),
              "“Already in the collection” is already in “First 90 days as a turnaround lead partner”.")]
    for reference, message in cases:
        response = curator.submit(url, {"practice": reference, "note": "My careful note."})
        assert response.status_code == 422, reference
        text = visible(response)
        assert message in text and "My careful note." in text, reference
    duplicate = curator.submit(f"/practices/{practice.id}/collect", {"collection": collection.id, "note": "Again"})
    assert duplicate.status_code == 422 and "is already in" in visible(duplicate)
    assert curator.submit(f"/practices/{discussion.id}/collect", {"collection": collection.id}).status_code == 422
    assert db.session.query(CollectionItem).count() == 1
    assert len(_log("add_to_collection")) == 1  # the one the test made, nothing refused


# --- featured practices -------------------------------------------------------------------------

def test_featured_practices_appear_on_the_home_page_in_their_order(curator, member_client, make_practice, taxonomy):
    home = visible(member_client.get("/"))
    assert "Featured practices" not in home  # nothing featured, nothing shown
    titles = ["Weekly walkthroughs with the principal", "A family advisory council with a budget",
              "Ninety-day plans reviewed by the board"]
    practices = [make_practice(title=t, tags=[taxonomy["principal"]], summary=f"Summary of {t.lower()}.")
                 for t in titles]
    for practice in practices:
        assert curator.submit(f"/practices/{practice.id}/feature").status_code == 303
    assert "Stop featuring" in visible(curator.get(f"/practices/{practices[0].id}"))

    home = visible(member_client.get("/"))
    assert home.index("Featured practices") < home.index("Latest activity")
    assert _order_on_page(home, titles) == titles
    assert "Summary of weekly walkthroughs with the principal." in home and "Principal" in home

    assert curator.submit(f"/curation/featured/{practices[2].id}/up").status_code == 303
    assert _order_on_page(visible(member_client.get("/")), titles) == [titles[0], titles[2], titles[1]]
    listing = visible(curator.get("/curation/featured")).split("Featured practices")[-1]  # after any flash
    assert _order_on_page(listing, titles) == [titles[0], titles[2], titles[1]]

    assert curator.submit(f"/practices/{practices[0].id}/unfeature").status_code == 303
    assert curator.submit(f"/curation/featured/{practices[1].id}/remove").status_code == 303
    home = visible(member_client.get("/"))
    assert titles[0] not in home.split("Latest activity")[0] and titles[2] in home
    assert [(r.thread_id, r.position) for r in db.session.scalars(select(FeaturedPractice))] == [(practices[2].id, 1)]
    assert [e.action for e in db.session.scalars(select(ModerationLog).order_by(ModerationLog.id))] == [
        "feature_practice"] * 3 + ["move_featured_practice", "unfeature_practice", "unfeature_practice"]
    assert curator.submit(f"/curation/featured/{practices[2].id}/remove").status_code == 303
    assert "Featured practices" not in visible(member_client.get("/"))


def test_featuring_twice_or_featuring_a_draft_says_why(curator, make_practice, make_user):
    practice = make_practice()
    curator.submit(f"/practices/{practice.id}/feature")
    again = curator.submit(f"/practices/{practice.id}/feature", follow_redirects=True)
    assert "is already featured on the home page" in visible(again)
    draft = make_practice(title="My own draft practice", author=curator.user, publish=False)
    refused = curator.submit(f"/practices/{draft.id}/feature", follow_redirects=True)
    assert "That practice is still a draft" in visible(refused)
    assert "Feature on the home page" not in visible(curator.get(f"/practices/{draft.id}"))
    assert db.session.query(FeaturedPractice).count() == 1


def test_the_featured_list_reorders_in_place_with_htmx(curator, make_practice):
    first, second = make_practice(title="First featured practice"), make_practice(title="Second featured practice")
    for practice in (first, second):
        curator.submit(f"/practices/{practice.id}/feature")
    response = curator.submit(f"/curation/featured/{second.id}/up", htmx=True)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="featured-list">') and "<html" not in html
    assert html.index("Second featured practice") < html.index("First featured practice")


# --- hostile and oversized input ----------------------------------------------------------------

def test_script_in_titles_descriptions_and_notes_is_inert(curator, member_client, make_practice):
    attack = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    response = curator.submit("/collections/new", {"title": f"Data {attack}", "description": f"Intro {attack}"})
    slug = response.headers["Location"].split("/")[-2]
    curator.submit(f"/collections/{slug}/publish")
    practice = make_practice(title="A practice worth reading")
    collection = db.session.scalar(select(Collection))
    curator.submit(f"/practices/{practice.id}/collect", {"collection": collection.id, "note": f"Note {attack}"})
    curator.submit(f"/practices/{practice.id}/feature")
    for client, url in ((member_client, f"/collections/{slug}"), (member_client, "/collections"),
                        (curator, f"/collections/{slug}/edit"), (curator, f"/practices/{practice.id}"),
                        (member_client, "/")):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and 'onerror="alert' not in html, url
    page = member_client.get(f"/collections/{slug}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title and the note, shown as text


def test_posts_without_a_csrf_token_are_refused(curator, make_practice, make_collection):
    collection = make_collection()
    practice = make_practice()
    for url, data in (("/collections/new", {"title": "No token here"}),
                      (f"/collections/{collection.slug}/unpublish", {}),
                      (f"/practices/{practice.id}/collect", {"collection": collection.id}),
                      (f"/practices/{practice.id}/feature", {})):
        assert curator.post(url, data=data).status_code == 400, url
    assert db.session.query(Collection).count() == 1 and db.session.query(FeaturedPractice).count() == 0
    assert db.session.get(Collection, collection.id).is_published


def test_oversized_input_comes_back_with_the_text_and_the_limit(curator, make_practice, make_collection):
    long_title, long_description = "T" * 121, "D" * 5001
    response = curator.submit("/collections/new", {"title": long_title, "description": long_description})
    assert response.status_code == 422
    text = visible(response)
    assert "Titles are at most 120 characters." in text and "The description is at most 5,000 characters." in text
    assert f'value="{long_title}"' in response.get_data(as_text=True) and long_description in text
    assert db.session.query(Collection).count() == 0

    collection = make_collection()
    practice = make_practice()
    long_note = "N" * 501
    response = curator.submit(f"/practices/{practice.id}/collect", {"collection": collection.id, "note": long_note})
    assert response.status_code == 422
    assert "Keep the note to 500 characters or fewer." in visible(response) and long_note in visible(response)
    item = services.add_item(curator=collection.curator, collection=collection, thread=practice, note="Short.")
    for htmx in (False, True):
        response = curator.submit(f"/collections/{collection.slug}/items/{item.id}/note", {"note": long_note},
                                  htmx=htmx)
        assert response.status_code == 422
        assert "Keep the note to 500 characters or fewer." in visible(response) and long_note in visible(response)
    assert db.session.get(CollectionItem, item.id).note == "Short."
    empty = curator.submit("/collections/new", {"title": "   "})
    assert empty.status_code == 422 and "Give the collection a title." in visible(empty)


# --- navigation ---------------------------------------------------------------------------------

def test_the_library_and_the_header_link_to_collections(member_client):
    html = member_client.get("/practices").get_data(as_text=True)
    assert 'href="/collections"' in html
    assert ">Collections</a>" in member_client.get("/").get_data(as_text=True)


# --- demo data ----------------------------------------------------------------------------------

def test_the_demo_has_collections_and_featured_practices_and_loads_twice_unchanged(runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    collections = list(db.session.scalars(select(Collection).order_by(Collection.id)))
    # Three published collections, and one draft its curator has not published yet.
    assert [c.is_published for c in collections] == [True, True, True, False]
    assert collections[0].slug == "first-90-days-as-a-turnaround-lead-partner"
    for collection in collections:
        assert 3 <= len(collection.items) <= 5 and all(i.note for i in collection.items)
        assert [i.position for i in collection.items] == list(range(1, len(collection.items) + 1))
    assert db.session.query(FeaturedPractice).count() == 3

    def snapshot():
        return [(c.slug, c.title, [(i.thread_id, i.position, i.note) for i in c.items])
                for c in db.session.scalars(select(Collection).order_by(Collection.id))], \
            [(f.thread_id, f.position) for f in db.session.scalars(select(FeaturedPractice))], \
            db.session.query(ModerationLog).count()

    before = snapshot()
    again = runner.invoke(args=["demo", "load"])
    assert "nothing to add" in again.output
    db.session.expire_all()
    assert snapshot() == before

    client.submit("/login", {"email": "member@example.org", "password": "exchange-demo"})
    home = visible(client.get("/"))
    assert "Featured practices A paid teacher residency for math and special education" in home
    page = visible(client.get("/collections/building-a-data-culture"))
    assert "Notice what they cut" in page and "4 practices" in page
