"""Watching levels on the pages they belong to, unread tracking ("N new", opening at the first unread
post) and mutes leaving a member's lists — all within the pages' statement budgets, and without
breaking the fragments every member shares."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from exchange.extensions import db
from exchange.instrumentation import configure_sql_counter
from exchange.models import Category, Level, Post, Region, SiteState, Thread, ThreadRead
from exchange.notifications import reading, watching
from exchange.threads import services as threads
from tests.helpers import visible
from tests.test_auth import OFF_SITE

PAGE_BUDGET = 12  # as tests/test_query_counts.py


@pytest.fixture
def people(app, make_user):
    """Ana starts threads; Ben reads them; Cara replies; Dev reads nothing."""
    return {name: make_user(username=name, display_name=f"{name.title()} Example") for name in ("ana", "ben", "cara", "dev")}


@pytest.fixture
def client_of(app):
    return lambda user: app.test_client().sign_in_as(user)


@pytest.fixture
def hiring(people, make_category):
    return make_category(name="Hiring")


def start(author, category, title, *, tags=()) -> Thread:
    return threads.start_thread(author=author, title=title, category_id=category.id,
                                body="What has worked for you?", tags=list(tags))


def reply(author, thread, body="Here is what we did.") -> int:
    return threads.reply(author=author, thread=db.session.get(Thread, thread.id), body=body).id


def new_badge(response, thread) -> str | None:
    """The "N new" on the thread's row of a list, if any."""
    page = response.get_data(as_text=True)
    row = re.search(rf'<li class="thread-row">(?:(?!</li>).)*?href="/t/{thread.id}/(?:(?!</li>).)*</li>', page, re.S)
    assert row, f"thread {thread.id} is not listed"
    badge = re.search(r'class="badge badge-new"[^>]*>([^<]+)<', row.group(0))
    return badge.group(1) if badge else None


def listed(response, thread) -> bool:
    return f'href="/t/{thread.id}/' in response.get_data(as_text=True)


def read_mark(user, thread) -> int | None:
    return db.session.scalar(select(ThreadRead.last_post_id).where(ThreadRead.user_id == user.id,
                                                                   ThreadRead.thread_id == thread.id))


# --- the control on each page ---------------------------------------------------------------------

@pytest.fixture
def targets(people, hiring, taxonomy):
    """One of each kind of page, and its URL."""
    denver = Region(slug="denver", name="Denver")
    db.session.add(denver)
    db.session.commit()
    thread = start(people["ana"], hiring, "Hiring season timelines")
    return {"thread": (thread.id, f"/t/{thread.id}"), "category": (hiring.id, f"/c/{hiring.slug}"),
            "tag": (taxonomy["talent-pipeline"].id, "/tags/talent-pipeline"), "region": (denver.id, "/regions/denver")}


def control(response, target_type: str, target_id: int) -> str:
    """The watch control on a page (or the partial an htmx request gets back)."""
    page = response.get_data(as_text=True)
    found = re.search(rf'<form id="watch-{target_type}-{target_id}".*?</form>', page, re.S)
    assert found, f"no watch control for {target_type} {target_id}"
    return found.group(0)


def selected(form_html: str) -> str:
    return re.search(r'<option value="(\w+)" selected>', form_html).group(1)


def field(form_html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', form_html).group(1)


@pytest.mark.parametrize("target", ["thread", "category", "tag", "region"])
def test_each_page_shows_the_members_level_and_normal_when_none_is_set(targets, people, client_of, target):
    target_id, url = targets[target]
    client = client_of(people["dev"])
    assert selected(control(client.get(url), target, target_id)) == Level.NORMAL
    watching.set_level(user=people["dev"], target_type=target, target_id=target_id, level=Level.TRACKING)
    assert selected(control(client.get(url), target, target_id)) == Level.TRACKING
    # Another member's level is their own.
    assert selected(control(client_of(people["cara"]).get(url), target, target_id)) == Level.NORMAL


def test_the_watch_control_never_sends_a_member_off_site(targets, people, client_of):
    target_id, url = targets["thread"]
    client = client_of(people["dev"])
    action = re.search(r'action="([^"]+)"', control(client.get(url), "thread", target_id)).group(1)
    for hostile in OFF_SITE:
        response = client.submit(action, {"level": Level.WATCHING, "next": hostile})
        assert response.status_code == 303 and response.headers["Location"] == "/settings/notifications", hostile


@pytest.mark.parametrize("target", ["thread", "category", "tag", "region"])
@pytest.mark.parametrize("level", Level.ALL)
def test_the_control_on_each_page_sets_every_level_without_javascript(targets, people, client_of, target, level):
    target_id, url = targets[target]
    client = client_of(people["dev"])
    form = control(client.get(url), target, target_id)
    action = re.search(r'action="([^"]+)"', form).group(1)
    assert field(form, "next") == url
    response = client.submit(action, {"level": level, "next": field(form, "next")})
    assert response.status_code == 303 and response.headers["Location"] == url
    assert watching.level_of(people["dev"], target, target_id) == level
    page = client.get(url, follow_redirects=True)
    assert selected(control(page, target, target_id)) == level
    assert Level.HINTS[level] in visible(page)  # the flash says what the level means


@pytest.mark.parametrize("target", ["thread", "category", "tag", "region"])
@pytest.mark.parametrize("level", Level.ALL)
def test_the_control_on_each_page_sets_every_level_in_place_with_htmx(targets, people, client_of, target, level):
    target_id, url = targets[target]
    client = client_of(people["dev"])
    form = control(client.get(url), target, target_id)
    assert re.search(r'hx-post="([^"]+)"', form).group(1) == re.search(r'action="([^"]+)"', form).group(1)
    swapped = client.submit(re.search(r'hx-post="([^"]+)"', form).group(1), {"level": level}, htmx=True)
    body = swapped.get_data(as_text=True)
    assert swapped.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<form id="watch-{target}-{target_id}"')  # the same root id: swapped in place
    assert selected(body) == level and "Saved." in body
    assert selected(control(client.get(url), target, target_id)) == level


def test_a_boosted_thread_page_and_an_htmx_category_list_still_work(targets, people, client_of):
    client = client_of(people["dev"])
    thread_id, url = targets["thread"]
    boosted = client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert selected(control(boosted, "thread", thread_id)) == Level.NORMAL
    category_id, category_url = targets["category"]
    partial = client.htmx_get(category_url).get_data(as_text=True)
    assert partial.lstrip().startswith('<section id="thread-list"')  # the list alone: the control stays on the page


# --- unread: "N new" in lists ---------------------------------------------------------------------

def test_tracked_and_watched_threads_show_how_many_posts_are_new_until_read(people, hiring, client_of):
    tracked = start(people["ana"], hiring, "Tracked thread")
    watched = start(people["ana"], hiring, "Watched thread")
    plain = start(people["ana"], hiring, "Thread read at normal level")
    ben = client_of(people["ben"])
    for thread in (tracked, watched, plain):
        ben.get(f"/t/{thread.id}")
    watching.set_level(user=people["ben"], target_type="thread", target_id=tracked.id, level=Level.TRACKING)
    watching.set_level(user=people["ben"], target_type="thread", target_id=watched.id, level=Level.WATCHING)
    for thread in (tracked, watched, plain):
        reply(people["cara"], thread)
    reply(people["cara"], tracked, "And one more thing.")

    for url in ("/threads", f"/c/{hiring.slug}", "/"):
        page = ben.get(url)
        assert new_badge(page, tracked) == "2 new", url
        assert new_badge(page, watched) == "1 new", url
        assert new_badge(page, plain) is None, url  # read, but not followed

    assert ben.get(f"/t/{tracked.id}", follow_redirects=True).status_code == 200  # at the first new post
    page = ben.get("/threads")
    assert new_badge(page, tracked) is None and new_badge(page, watched) == "1 new"


def test_a_followed_thread_never_opened_and_my_own_replies_are_not_new(people, hiring, client_of):
    unopened = start(people["ana"], hiring, "Never opened")
    mine = start(people["ben"], hiring, "Ben's own thread")  # starting it watches it
    watching.set_level(user=people["ben"], target_type="thread", target_id=unopened.id, level=Level.WATCHING)
    ben = client_of(people["ben"])
    ben.get(f"/t/{mine.id}")
    reply(people["cara"], unopened)
    reply(people["ben"], mine, "An update from me.")
    page = ben.get("/threads")
    assert new_badge(page, unopened) is None  # nothing to count from
    assert new_badge(page, mine) is None
    reply(people["cara"], mine)
    assert new_badge(ben.get("/threads"), mine) == "1 new"


def test_badges_are_each_members_own_and_the_shared_list_stays_shared(people, hiring, client_of):
    thread = start(people["ana"], hiring, "Shared list")
    ben, dev = client_of(people["ben"]), client_of(people["dev"])
    ben.get(f"/t/{thread.id}")
    reply(people["cara"], thread)
    assert new_badge(ben.get("/threads"), thread) is None  # Ben reads it at the normal level
    watching.set_level(user=people["ben"], target_type="thread", target_id=thread.id, level=Level.TRACKING)
    assert new_badge(ben.get("/threads"), thread) == "1 new"
    assert new_badge(dev.get("/threads"), thread) is None
    assert new_badge(ben.get("/threads"), thread) == "1 new"


# --- unread: opening a thread where I stopped -----------------------------------------------------

@pytest.fixture
def long_thread(app, people, hiring):
    """Five posts, three to a page: Ben has read the first page."""
    app.config["POSTS_PER_PAGE"] = 3
    thread = start(people["ana"], hiring, "Five posts long")
    posts = [db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))]
    posts += [reply(people["cara"], thread, f"Reply {i}") for i in range(4)]
    watching.set_level(user=people["ben"], target_type="thread", target_id=thread.id, level=Level.TRACKING)
    return thread, posts


def test_opening_a_thread_goes_to_the_first_unread_post_and_a_named_page_is_respected(people, long_thread, client_of):
    thread, posts = long_thread
    ben = client_of(people["ben"])
    first = ben.get(f"/t/{thread.id}")
    assert first.status_code == 200 and "Reply 1" in visible(first)  # never read: the first page
    assert "Reply 2" not in visible(first)
    assert read_mark(people["ben"], thread) == posts[2]
    again = ben.get(f"/t/{thread.id}")
    assert again.status_code == 302
    assert again.headers["Location"] == f"/t/{thread.id}/{thread.slug}?page=2#post-{posts[3]}"
    assert ben.get(f"/t/{thread.id}/{thread.slug}").status_code == 302  # with its slug too
    assert ben.get(f"/t/{thread.id}?page=1").status_code == 200
    assert "Reply 2" in visible(ben.get(again.headers["Location"]))
    assert read_mark(people["ben"], thread) == posts[4]
    assert ben.get(f"/t/{thread.id}").status_code == 200  # all read: no redirect
    newest = reply(people["cara"], thread, "Reply 5")
    assert ben.get(f"/t/{thread.id}").headers["Location"].endswith(f"?page=2#post-{newest}")


def test_the_first_unread_post_on_the_first_page_is_named_too(people, hiring, client_of):
    thread = start(people["ana"], hiring, "Short thread")
    ben = client_of(people["ben"])
    ben.get(f"/t/{thread.id}")
    post = reply(people["cara"], thread)
    # The page is named, so that arriving there does not redirect again.
    assert ben.get(f"/t/{thread.id}").headers["Location"] == f"/t/{thread.id}/{thread.slug}?page=1#post-{post}"
    assert ben.get(f"/t/{thread.id}?page=1").status_code == 200


def test_htmx_navigation_reloads_at_the_first_unread_post(people, long_thread, client_of):
    thread, posts = long_thread
    ben = client_of(people["ben"])
    ben.get(f"/t/{thread.id}")
    boosted = ben.get(f"/t/{thread.id}", headers={"HX-Request": "true", "HX-Boosted": "true"})
    # htmx would follow a redirect without its #fragment; a full load scrolls to the post.
    assert boosted.status_code == 204
    assert boosted.headers["HX-Redirect"] == f"/t/{thread.id}/{thread.slug}?page=2#post-{posts[3]}"


def test_the_read_mark_only_moves_forward_and_my_own_posts_are_not_unread(people, long_thread, client_of):
    thread, posts = long_thread
    ben = client_of(people["ben"])
    ben.get(f"/t/{thread.id}?page=2")
    ben.get(f"/t/{thread.id}?page=1")
    assert read_mark(people["ben"], thread) == posts[4]
    reply(people["ben"], thread, "My own reply")
    assert ben.get(f"/t/{thread.id}").status_code == 200


def test_reading_leaves_the_content_version_and_so_every_shared_fragment_alone(people, long_thread, client_of):
    thread, posts = long_thread
    ben = client_of(people["ben"])
    version = db.session.get(SiteState, 1).content_version
    ben.get(f"/t/{thread.id}?page=2")
    assert read_mark(people["ben"], thread) == posts[4]
    db.session.expire_all()
    assert db.session.get(SiteState, 1).content_version == version  # every shared fragment stays valid


def test_a_failure_to_record_reading_never_fails_the_page(people, long_thread, client_of, monkeypatch, caplog):
    thread, _ = long_thread

    @contextmanager
    def broken():
        raise RuntimeError("database is locked")
        yield  # pragma: no cover

    monkeypatch.setattr(reading, "transaction", broken)
    response = client_of(people["ben"]).get(f"/t/{thread.id}")
    assert response.status_code == 200
    assert read_mark(people["ben"], thread) is None
    assert "could not record" in caplog.text


# --- mutes ----------------------------------------------------------------------------------------

@pytest.fixture
def two_categories(people, hiring, make_category):
    data = make_category(name="Data")
    return {"hiring": start(people["ana"], hiring, "A hiring thread"),
            "data": start(people["ana"], data, "A data thread"),
            "hiring2": start(people["ana"], hiring, "Another hiring thread")}, hiring, data


def test_a_muted_category_leaves_my_latest_lists_but_not_its_own_page(people, two_categories, client_of):
    made, hiring, data = two_categories
    ben, dev = client_of(people["ben"]), client_of(people["dev"])
    watching.set_level(user=people["ben"], target_type="category", target_id=hiring.id, level=Level.MUTED)
    for url in ("/threads", "/"):
        page = ben.get(url)
        assert not listed(page, made["hiring"]) and not listed(page, made["hiring2"]) and listed(page, made["data"])
        assert listed(dev.get(url), made["hiring"])  # only Ben's lists
    assert listed(ben.get(f"/c/{hiring.slug}"), made["hiring"])  # opened on purpose
    assert listed(ben.get("/threads"), made["data"])


def test_a_muted_thread_leaves_every_list(people, two_categories, client_of):
    made, hiring, _ = two_categories
    ben = client_of(people["ben"])
    watching.set_level(user=people["ben"], target_type="thread", target_id=made["hiring"].id, level=Level.MUTED)
    for url in ("/threads", "/", f"/c/{hiring.slug}"):
        page = ben.get(url)
        assert not listed(page, made["hiring"]) and listed(page, made["hiring2"]), url
    assert listed(client_of(people["dev"]).get("/threads"), made["hiring"])


def test_threads_under_a_muted_tag_or_its_narrower_tags_leave_latest_and_category_lists(
        people, hiring, taxonomy, client_of):
    broad = start(people["ana"], hiring, "Pipelines", tags=[taxonomy["talent-pipeline"]])
    narrow = start(people["ana"], hiring, "Residencies", tags=[taxonomy["teacher-residency"]])
    other = start(people["ana"], hiring, "Families", tags=[taxonomy["family-engagement"]])
    ben = client_of(people["ben"])
    watching.set_level(user=people["ben"], target_type="tag", target_id=taxonomy["talent-pipeline"].id,
                       level=Level.MUTED)
    for url in ("/threads", f"/c/{hiring.slug}", "/"):
        page = ben.get(url)
        assert not listed(page, broad) and not listed(page, narrow) and listed(page, other), url
    watching.set_level(user=people["ben"], target_type="tag", target_id=taxonomy["talent-pipeline"].id,
                       level=Level.NORMAL)
    assert listed(ben.get("/threads"), narrow)


def test_a_tag_page_leaves_out_muted_threads_categories_and_other_tags_but_not_itself(
        people, hiring, make_category, taxonomy, client_of):
    pipeline, families = taxonomy["talent-pipeline"], taxonomy["family-engagement"]
    kept = start(people["ana"], hiring, "Pipelines that worked", tags=[pipeline])
    muted_thread = start(people["ana"], hiring, "A thread Ben muted", tags=[pipeline])
    elsewhere = start(people["cara"], make_category(name="Noise"), "In a muted category", tags=[pipeline])
    also_muted = start(people["cara"], hiring, "Pipelines and families", tags=[pipeline, families])
    ben = client_of(people["ben"])
    for target_type, target_id in (("thread", muted_thread.id), ("category", elsewhere.category_id),
                                   ("tag", families.id), ("tag", pipeline.id)):
        watching.set_level(user=people["ben"], target_type=target_type, target_id=target_id, level=Level.MUTED)
    page = ben.get(f"/tags/{pipeline.slug}")
    assert listed(page, kept), "the muted tag's own page still lists it"
    assert not listed(page, muted_thread) and not listed(page, elsewhere) and not listed(page, also_muted)
    dev_page = client_of(people["dev"]).get(f"/tags/{pipeline.slug}")
    assert all(listed(dev_page, t) for t in (kept, muted_thread, elsewhere, also_muted))   # only Ben's page


def test_a_muted_pinned_thread_leaves_the_list_too(people, two_categories, client_of):
    made, _, _ = two_categories
    thread = db.session.get(Thread, made["data"].id)
    thread.pinned, thread.pinned_at = Thread.PIN_GLOBAL, thread.created_at
    db.session.commit()
    ben = client_of(people["ben"])
    assert listed(ben.get("/threads"), made["data"])
    watching.set_level(user=people["ben"], target_type="thread", target_id=thread.id, level=Level.MUTED)
    assert not listed(ben.get("/threads"), made["data"])


# --- statement budgets ----------------------------------------------------------------------------

@pytest.fixture
def counting(app):
    app.config["SQL_COUNT_HEADER"] = True
    configure_sql_counter(app)
    return app


@contextmanager
def recorded():
    """The SQL the block ran."""
    seen: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        seen.append(statement.strip())

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def statements(client, url: str, status: int = 200) -> int:
    response = client.get(url)
    assert response.status_code == status, url
    return int(response.headers["X-SQL-Statements"])


def test_lists_with_badges_and_mutes_stay_within_budget_whatever_the_number_of_tracked_threads(
        counting, people, hiring, taxonomy, client_of, make_user):
    ben = client_of(people["ben"])
    watching.set_level(user=people["ben"], target_type="tag", target_id=taxonomy["principal"].id, level=Level.MUTED)

    def follow_and_fall_behind(count: int) -> None:
        for i in range(count):
            thread = start(make_user(), hiring, f"Tracked thread number {db.session.query(Thread).count() + 1}")
            watching.set_level(user=people["ben"], target_type="thread", target_id=thread.id, level=Level.TRACKING)
            ben.get(f"/t/{thread.id}")
            reply(people["cara"], thread)

    follow_and_fall_behind(1)
    urls = ("/threads", f"/c/{hiring.slug}", "/")
    cold = {url: statements(ben, url) for url in urls}
    warm = {url: statements(ben, url) for url in urls}
    follow_and_fall_behind(12)
    assert {url: statements(ben, url) for url in urls} == cold
    assert {url: statements(ben, url) for url in urls} == warm
    assert new_badge(ben.get("/threads"), db.session.query(Thread).order_by(Thread.id.desc()).first()) == "1 new"
    assert max(cold.values()) <= PAGE_BUDGET, cold


def test_a_member_without_mutes_gets_the_shared_list_from_the_cache(counting, people, hiring, client_of,
                                                                    make_category):
    for i in range(3):
        start(people["ana"], hiring, f"Thread number {i}")
    start(people["cara"], make_category(name="Data"), "Not muted")
    ben, dev = client_of(people["ben"]), client_of(people["dev"])
    statements(ben, "/threads")
    warm = statements(ben, "/threads")
    assert statements(dev, "/threads") == warm  # Dev's first visit renders nothing again
    watching.set_level(user=people["dev"], target_type="category", target_id=hiring.id, level=Level.MUTED)
    statements(ben, "/threads")
    assert statements(dev, "/threads") == warm + 3  # Dev's own list: threads, their tags, pins
    assert statements(ben, "/threads") == warm  # still shared by Ben


def test_thread_pages_stay_within_budget_when_reading_and_when_sent_to_the_first_unread(
        counting, people, long_thread, client_of):
    thread, _ = long_thread
    ben = client_of(people["ben"])
    statements(ben, f"/t/{start(people['ana'], db.session.get(Category, thread.category_id), 'Warm-up').id}")
    first_read = statements(ben, f"/t/{thread.id}")  # writes the read mark
    assert statements(ben, f"/t/{thread.id}", status=302) <= PAGE_BUDGET  # to the first unread post
    read_page_two = statements(ben, f"/t/{thread.id}?page=2")
    assert max(first_read, read_page_two) <= PAGE_BUDGET
    assert statements(ben, f"/t/{thread.id}") <= PAGE_BUDGET


def test_a_page_read_before_writes_nothing(people, long_thread, client_of):
    thread, _ = long_thread
    ben = client_of(people["ben"])
    with recorded() as sql:
        ben.get(f"/t/{thread.id}?page=2")
    assert any("INSERT INTO thread_reads" in s for s in sql)
    with recorded() as sql:
        ben.get(f"/t/{thread.id}?page=2")
        ben.get(f"/t/{thread.id}?page=1")
    assert not any(s.startswith(("INSERT", "UPDATE", "BEGIN IMMEDIATE")) for s in sql), sql


@pytest.mark.parametrize("target", ["thread", "category", "tag", "region"])
def test_pages_with_the_control_stay_within_budget(counting, targets, people, client_of, target):
    target_id, url = targets[target]
    watching.set_level(user=people["dev"], target_type=target, target_id=target_id, level=Level.WATCHING)
    client = client_of(people["dev"])
    cold = statements(client, url)
    assert cold <= PAGE_BUDGET
    assert statements(client, url) <= cold
