"""Search behaviour, run against every backend: Whoosh always, PostgreSQL on a PostgreSQL run.

The corpus below is small and hand-made, so every expected result set and facet count can be
checked by reading it.
"""
from __future__ import annotations

import os
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from exchange.extensions import db
from exchange.models import Affiliation, Category, Post, Program, Region, Status, Thread
from exchange.search import outbox
from exchange.search.backend import get_backend
from tests.helpers import visible

ON_POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres")
BACKENDS = ["whoosh", pytest.param("postgres", marks=pytest.mark.skipif(
    not ON_POSTGRES, reason="the PostgreSQL backend needs a PostgreSQL database (CI runs it)"))]


@pytest.fixture(params=BACKENDS)
def backend(request, app):
    app.config["SEARCH_BACKEND"] = request.param
    app.extensions.pop("search", None)
    get_backend(app).rebuild([])
    return request.param


def _at(thread: Thread, when: str) -> None:
    moment = datetime.fromisoformat(when)
    thread.created_at = thread.last_post_at = moment
    db.session.execute(text("UPDATE posts SET created_at = :m WHERE thread_id = :t"), {"m": moment, "t": thread.id})


@pytest.fixture
def corpus(backend, app, taxonomy, make_user, make_category, make_thread, make_practice):
    """Seven threads (one a draft practice, one with a hidden reply) and five members."""
    uelf = db.session.query(Program).filter_by(slug="uelf").one()
    boston = Region(slug="boston", name="Boston")
    chicago = Region(slug="chicago", name="Chicago")
    db.session.add_all([boston, chicago])
    db.session.flush()
    south_side = Region(slug="chicago-south-side", name="South Side", parent_id=chicago.id)
    db.session.add(south_side)
    db.session.commit()

    alice = make_user(username="alice", display_name="Alice Archer")
    bob = make_user(username="bob", display_name="Bob Baker")
    carol = make_user(username="carol", display_name="Carol Chen")
    make_user(username="dave", display_name="Dave Pending", status=Status.PENDING)
    make_user(username="erin", display_name="Erin Suspended", status=Status.SUSPENDED)
    from exchange.database import transaction
    with transaction():  # as a profile edit would: the change and its search intent together
        for user, region, org in ((alice, boston, "Boston Public Schools"), (bob, south_side, "Chicago Data Lab"),
                                  (carol, chicago, "Chicago Teacher Residency")):
            user.region_id, user.organisation, user.headline = region.id, org, "Director of talent"
        db.session.add(Affiliation(user_id=alice.id, program_id=uelf.id, cohort_year=2019))
        outbox.queue_members(alice.id, bob.id, carol.id)

    talent = make_category(name="Talent", slug="talent")
    data = make_category(name="Data", slug="data")
    tags = taxonomy
    from exchange.taxonomy.services import file_under

    def thread(author, category, title, body, when, tag_slugs=()):
        t = make_thread(author=author, category=category, title=title, body=body)
        with transaction():
            if tag_slugs:
                file_under(t.id, [tags[s] for s in tag_slugs])
            _at(db.session.get(Thread, t.id), when)
            outbox.queue_threads(t.id)
        return db.session.get(Thread, t.id)

    t = {}
    t[1] = thread(alice, talent, "Onboarding new principals in their first 90 days",
                  "We paired every new principal with a mentor principal.", "2024-03-01", ["principal"])
    t[2] = thread(bob, data, "Building a human capital dashboard",
                  "Our dashboards track teacher vacancies weekly.", "2024-06-15", ["data-and-analytics"])
    t[3] = thread(carol, talent, "Residency stipends that keep teachers",
                  "A paid residency year with stipends funded by Title II.", "2025-01-10", ["teacher-residency"])
    practice = make_practice(author=bob, category=data, title="Family engagement nights that parents attend",
                             tags=[tags["family-engagement"]], summary="Nights with dinner and childcare.",
                             problem="Few families came to meetings.", steps="Cook dinner, offer childcare.")
    with transaction():
        _at(db.session.get(Thread, practice.id), "2025-02-01")
        outbox.queue_threads(practice.id)
    t[4] = practice
    t[5] = make_practice(author=alice, title="Secret draft about vacancies", publish=False,
                         summary="A confidential draft on vacancies.")
    t[6] = thread(carol, data, "Coaching cycles", "Six-week coaching cycles with video.", "2023-05-05")
    from exchange.threads.services import reply
    hidden = reply(author=alice, thread=db.session.get(Thread, t[6].id), body="A xylophone remark, later hidden.")
    with transaction():
        db.session.get(Post, hidden.id).is_hidden = True
        outbox.queue_threads(t[6].id)
    t[7] = thread(alice, talent, "Talent pipeline partnerships with universities",
                  "Pipeline from local universities.", "2023-09-09")
    outbox.drain()
    return {"threads": {k: v.id for k, v in t.items()}, "regions": {"chicago": chicago.id}}


def ids(client, q, **params) -> list[int]:
    """Thread ids in the order the results page lists them."""
    import re
    response = client.get("/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.text
    return [int(n) for n in re.findall(r'<li class="search-hit">\s*<h2 class="h3"><a href="/(?:t|practices)/(\d+)', response.text)]


def names(client, q) -> set[str]:
    import re
    response = client.get("/search", query_string={"q": q, "type": "members"})
    assert response.status_code == 200
    return set(re.findall(r'<span class="muted">@(\w+)</span>', response.text))


def T(corpus, *numbers) -> set[int]:
    return {corpus["threads"][n] for n in numbers}


def test_words_are_stemmed(corpus, member_client):
    assert set(ids(member_client, "mentors")) == T(corpus, 1)
    assert set(ids(member_client, "stipend")) == T(corpus, 3)


def test_every_word_must_match(corpus, member_client):
    assert set(ids(member_client, "residency stipends")) == T(corpus, 3)
    assert ids(member_client, "residency dashboard") == []


def test_exact_phrase(corpus, member_client):
    assert set(ids(member_client, '"mentor principal"')) == T(corpus, 1)
    assert ids(member_client, '"principal new"') == []


def test_excluded_words(corpus, member_client):
    assert set(ids(member_client, "teachers")) == T(corpus, 2, 3)
    assert set(ids(member_client, "teachers -residency")) == T(corpus, 2)
    assert set(ids(member_client, 'teachers -"paid residency"')) == T(corpus, 2)


def test_tag_operator_counts_child_tags_and_aliases(corpus, member_client):
    # Teacher residency sits under Talent pipeline; "human-capital" is an alias of it.
    assert set(ids(member_client, "tag:talent-pipeline")) == T(corpus, 3)
    assert set(ids(member_client, "tag:human-capital")) == T(corpus, 3)
    assert set(ids(member_client, "tag:teacher-residency")) == T(corpus, 3)
    assert set(ids(member_client, "tag:principal")) == T(corpus, 1)


def test_plain_alias_words_find_content_filed_under_the_tag(corpus, member_client):
    # Thread 2 has the words; thread 3 is filed under the tag "human capital" names.
    assert set(ids(member_client, "human capital")) == T(corpus, 2, 3)
    page = member_client.get("/search?q=human+capital").text
    assert "Matched via <em>human capital</em> → <em>Talent pipeline</em>" in page


def test_region_operator_includes_cities(corpus, member_client):
    assert set(ids(member_client, "region:chicago")) == T(corpus, 2, 3, 4, 6)
    assert set(ids(member_client, "region:chicago-south-side")) == T(corpus, 2, 4)
    assert set(ids(member_client, "region:boston")) == T(corpus, 1, 7)


def test_author_operator(corpus, member_client):
    # Alice's reply in thread 6 is hidden, so it does not make her an author there.
    assert set(ids(member_client, "author:alice")) == T(corpus, 1, 7)
    assert set(ids(member_client, "@alice")) == T(corpus, 1, 7)
    assert set(ids(member_client, "@bob dashboard")) == T(corpus, 2)


def test_kind_and_category(corpus, member_client):
    assert set(ids(member_client, "kind:practice")) == T(corpus, 4)
    assert set(ids(member_client, "kind:discussion")) == T(corpus, 1, 2, 3, 6, 7)
    assert set(ids(member_client, "in:talent")) == T(corpus, 1, 3, 7)
    assert set(ids(member_client, "in:data kind:discussion")) == T(corpus, 2, 6)


def test_dates(corpus, member_client):
    assert set(ids(member_client, "after:2025-01-01")) == T(corpus, 3, 4)
    assert set(ids(member_client, "before:2024-01-01")) == T(corpus, 6, 7)
    assert set(ids(member_client, "after:2024-01-01 before:2024-12-31")) == T(corpus, 1, 2)


def test_newest_first_sort(corpus, member_client):
    assert ids(member_client, "in:talent", sort="newest") == [corpus["threads"][n] for n in (3, 1, 7)]


def test_facet_counts(corpus, member_client):
    response = member_client.get("/search?q=in:talent")
    page = response.text
    import re
    facets = {label: int(count) for label, count in re.findall(
        r'<span class="facet-label">([^<]+)</span> <span class="count">(\d+)</span>', page)}
    assert facets == {"Discussions": 3, "Principal": 1, "Teacher residency": 1, "Talent pipeline": 1,
                      "Boston": 2, "Chicago": 1, "Talent": 1 + 1 + 1}


def test_facet_links_narrow_the_query(corpus, member_client):
    import re
    from urllib.parse import unquote_plus
    page = member_client.get("/search?q=in:talent").text
    links = {unquote_plus(q) for q in re.findall(r'href="/search\?q=([^"&]+)', page)}
    assert "tag:principal in:talent" in links
    assert set(ids(member_client, "in:talent tag:principal")) == T(corpus, 1)


def test_drafts_and_hidden_posts_never_appear(corpus, member_client):
    assert ids(member_client, "secret draft") == []
    assert ids(member_client, "confidential") == []
    assert ids(member_client, "xylophone") == []
    page = member_client.get("/search?q=coaching").text
    assert "xylophone" not in page


def test_snippets_highlight_matches(corpus, member_client):
    page = member_client.get("/search?q=stipends").text
    assert "<mark>stipends</mark>" in page


def test_member_tab_searches_visible_fields_of_active_members(corpus, member_client):
    assert names(member_client, "chicago") == {"bob", "carol"}
    assert names(member_client, "region:chicago") == {"bob", "carol"}
    assert names(member_client, "uelf") == {"alice"}
    assert names(member_client, "dave") == set()      # pending
    assert names(member_client, "erin") == set()      # suspended


def test_email_addresses_are_never_found_or_shown(corpus, member_client, make_user):
    make_user(username="gwen", display_name="Gwen Green", email="wombat.tamer@schools.example.net")
    outbox.drain()
    assert names(member_client, "gwen") == {"gwen"}
    for q in ("wombat.tamer@schools.example.net", "wombat.tamer", "wombat", "schools.example.net"):
        assert names(member_client, q) == set(), q
        assert ids(member_client, q) == [], q
    page = member_client.get("/search", query_string={"q": "gwen", "type": "members"}).text
    hits = page[page.index('<ol class="member-hits"'):page.index("</ol>", page.index('<ol class="member-hits"'))]
    assert "wombat" not in hits and "@" not in hits.replace('<span class="muted">@gwen</span>', "")


def test_the_other_tab_shows_its_count(corpus, member_client):
    page = member_client.get("/search?q=chicago").text
    assert 'Members <span class="count">2</span>' in page


def test_did_you_mean(corpus, member_client):
    page = member_client.get("/search?q=princpals").text
    assert "Did you mean" in page and "<strong>principals</strong>" in page
    assert "Did you mean" not in member_client.get("/search?q=principals").text


def test_unknown_operator_values_are_searched_as_words_with_a_note(corpus, member_client):
    page = member_client.get("/search?q=tag:nonesuch").text
    assert "No tag called “nonesuch”" in page


@pytest.mark.parametrize("q", [
    '"unbalanced', "-", "x" * 10_000, "éducation 学校 🙂", "tag:", "@", "in:", "before:2024-99-99",
    "'; DROP TABLE threads; --", "title:foo AND (bar OR", "* ? ~2 ^3 [a TO b] {x}", "\x00\x01\x02", "%00%27",
    "<script>alert(1)</script>", "NOT OR AND", '"" "" -""', "tag:" + "a" * 500,
])
def test_hostile_queries_never_fail(corpus, member_client, q):
    response = member_client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


@pytest.mark.parametrize("q, expected", [
    ("stipends AND (residency OR", (3,)),          # Whoosh operators and brackets are words and stop words
    ("title:stipends", (3,)),                      # not a field: "title" is a word (t3 says "Title II")
    ("stipends* ~residency ^2", (3,)),
    ("[stipends TO residency]", (3,)),
    ("{dashboard}", (2,)),
    ("mentor'; DROP TABLE threads; --", ()),       # SQL is words too: none has "drop table"
    ("mentor'; --", (1,)),
    ("principal' OR '1'='1", (1,)),
    ('"mentor principal', (1,)),                    # an unbalanced quote is dropped
    ("\x00stipends\x01", (3,)),
])
def test_syntax_characters_are_searched_as_text(corpus, member_client, q, expected):
    assert set(ids(member_client, q)) == T(corpus, *expected)


def test_a_long_query_is_cut_at_512_characters_and_says_so(corpus, member_client):
    page = member_client.get("/search", query_string={"q": "stipends " + "x" * 10_000}).text
    assert "Only the first 512 characters were searched." in page
    echoed = re.search(r"results? for <q>([^<]*)</q>", page).group(1)
    assert echoed.startswith("stipends x") and len(echoed) <= 512
    assert "x" * 503 in page and "x" * 504 not in page


def test_unicode_words_are_found(backend, member_client, make_thread):
    thread = make_thread(title="Une formation", body="Notre atelier résumé pour les leaders en 教育, à Montréal.")
    outbox.drain()
    for q in ("résumé", "教育", "montréal"):
        assert ids(member_client, q) == [thread.id], q
    assert ids(member_client, "resume") == []  # an accent is part of the word


def test_best_match_ranks_the_document_about_the_words_first(backend, member_client, make_thread):
    strong = make_thread(title="Quokka mentoring", body="Quokka mentoring: pair each quokka with a mentor.")
    weak = make_thread(title="Notes from the retreat", body="We talked about mentoring, and saw a quokka.")
    outbox.drain()
    assert ids(member_client, "quokka mentoring") == [strong.id, weak.id]       # the newer one second
    assert ids(member_client, "quokka mentoring", sort="newest") == [weak.id, strong.id]


def test_a_query_matching_a_script_in_a_post_shows_it_inert(backend, member_client, make_thread):
    make_thread(title="A trick for reports", body="The <script>alert('x')</script> trick for reports.")
    outbox.drain()
    page = member_client.get("/search?q=trick").text
    assert "<mark>trick</mark>" in page
    assert "<script>alert" not in page  # escaped (Whoosh) or left out of the fragment (ts_headline)


def test_pagination(backend, member_client, make_thread, make_user):
    author = make_user()
    for n in range(25):
        make_thread(author=author, title=f"Widget idea {n}", body="Widgets everywhere.")
    outbox.drain()
    first = member_client.get("/search?q=widget").text
    assert first.count('class="search-hit"') == 20 and "Page 1 of 2" in first
    second = member_client.get("/search?q=widget&page=2").text
    assert second.count('class="search-hit"') == 5


def test_search_is_for_members_only(client, pending_client):
    assert client.get("/search?q=x").status_code == 302
    assert pending_client.get("/search?q=x").status_code == 403


def test_htmx_requests_get_the_results_alone(backend, member_client):
    response = member_client.get("/search?q=anything", headers={"HX-Request": "true", "HX-Target": "search-results"})
    assert response.text.lstrip().startswith('<div id="search-results"')
    assert "HX-Request" in response.headers["Vary"]
    header = member_client.get("/search?q=anything", headers={"HX-Request": "true", "HX-Target": "main"})
    assert header.text.lstrip().startswith('<div id="search-main"')


def test_an_empty_search_explains_itself(backend, member_client):
    page = member_client.get("/search").text
    assert "Search everything members have written" in page


def test_edits_and_retags_reach_the_index(backend, app, taxonomy, member_client, make_thread):
    from exchange.threads.services import edit_post, first_post
    thread = make_thread(title="Season planning", body="Zero-based budgeting worked.")
    outbox.drain()
    assert len(ids(member_client, "budgeting")) == 1
    edit_post(post=first_post(thread), body="Priority-based allocation worked.", tags=[taxonomy["principal"]])
    outbox.drain()
    assert ids(member_client, "budgeting") == []
    assert ids(member_client, "allocation") == [thread.id]
    assert ids(member_client, "tag:principal") == [thread.id]


def test_a_new_alias_finds_existing_content(backend, app, taxonomy, member_client, make_thread, make_user):
    from exchange.database import transaction
    from exchange.taxonomy.services import add_alias, file_under
    thread = make_thread(title="Coaching new heads", body="Weekly walkthroughs.")
    with transaction():
        file_under(thread.id, [taxonomy["principal"]])
    outbox.drain()
    assert ids(member_client, "headmaster") == []
    add_alias(tag=taxonomy["principal"], name="Headmaster", program=None)
    outbox.drain()
    assert ids(member_client, "headmaster") == [thread.id]


def test_a_match_deep_in_a_long_thread_is_highlighted(backend, app, make_user, make_thread, member_client):
    filler = " ".join(["Our district reviewed attendance and scheduling every week."] * 120)   # ~7,000 characters
    make_thread(author=make_user(), title="A long retrospective", body=f"{filler} The turning point was a quokka.")
    outbox.drain()
    page = member_client.get("/search", query_string={"q": "quokka"}).get_data(as_text=True)
    assert "<mark>quokka</mark>" in page


def test_a_region_its_author_keeps_private_is_not_searchable(backend, member_client, make_user, make_thread):
    from exchange.models import Visibility
    denver = Region(slug="denver", name="Denver")
    db.session.add(denver)
    db.session.commit()
    written, authors = {}, []
    for username, shown in (("pat", Visibility.ONLY_ME), ("quinn", Visibility.PROGRAMS), ("rita", Visibility.MEMBERS)):
        author = make_user(username=username, display_name=f"{username.title()} Writer")
        author.region_id, author.show_region = denver.id, shown
        author.headline, author.show_headline = f"Chief {username}zymurgist", shown
        db.session.commit()
        authors.append(author.id)
        written[username] = make_thread(author=author, title=f"Snow days by {username}", body="Snow-day packets.").id
    outbox.queue_members(*authors)
    db.session.commit()
    outbox.drain()
    assert set(ids(member_client, "snow")) == set(written.values())
    assert ids(member_client, "region:denver") == [written["rita"]]
    assert ids(member_client, "denver") == [written["rita"]]
    page = member_client.get("/search?q=snow").text
    assert re.findall(r'<span class="facet-label">Denver</span> <span class="count">(\d+)</span>', page) == ["1"]
    # Members: the region and the headline count only where every member may see them.
    assert names(member_client, "denver") == names(member_client, "region:denver") == {"rita"}
    assert names(member_client, "patzymurgist") == names(member_client, "quinnzymurgist") == set()
    assert names(member_client, "ritazymurgist") == {"rita"}


def test_private_programs_and_cohorts_are_not_searchable(corpus, member_client):
    from exchange.models import User, Visibility
    alice = db.session.query(User).filter_by(username="alice").one()
    assert names(member_client, "uelf") == names(member_client, "2019") == {"alice"}
    alice.show_affiliations = Visibility.PROGRAMS
    outbox.queue_members(alice.id)
    db.session.commit()
    outbox.drain()
    assert names(member_client, "uelf") == names(member_client, "2019") == set()
    assert names(member_client, "alice") == {"alice"}


def test_stop_words_are_left_out_of_the_query(corpus, member_client):
    assert set(ids(member_client, "how to coach")) == T(corpus, 6)
    assert set(ids(member_client, "residency and stipends")) == T(corpus, 3)
    assert set(ids(member_client, "before:stipends")) == T(corpus, 3)     # not a date: two words, one of them common
    assert set(ids(member_client, '"stipends funded by title"')) == T(corpus, 3)
    assert set(ids(member_client, "the tag:principal")) == T(corpus, 1)
    assert set(ids(member_client, "teachers -the")) == T(corpus, 2, 3)
    assert "too common" not in member_client.get("/search?q=how+to+coach").text


@pytest.mark.parametrize("q", ["the", "how", "to be or not", '"of the"', "a b c"])
def test_a_query_of_stop_words_only_says_they_are_too_common(corpus, member_client, q):
    response = member_client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert "too common to search" in response.text
    assert ids(member_client, q) == [] and names(member_client, q) == set()


def test_dotted_words_are_found_whole(backend, member_client, make_thread):
    thread = make_thread(title="Rubric update", body="Sign up at k12.org for version 2.5 of the rubric.")
    outbox.drain()
    assert ids(member_client, "k12.org") == [thread.id]
    assert ids(member_client, "2.5 rubric") == [thread.id]
    assert "<mark>k12.org</mark>" in member_client.get("/search?q=k12.org").text


@pytest.mark.parametrize("number", ["99999999999999999999", "-3", "0", "abc", "1001"])
def test_any_page_number_answers(backend, member_client, make_thread, number):
    thread = make_thread(title="Widget idea", body="Widgets everywhere.")
    outbox.drain()
    response = member_client.get("/search", query_string={"q": "widget", "page": number})
    assert response.status_code == 200
    assert "1 result for widget" in visible(response)
    if number in ("-3", "0", "abc"):
        assert ids(member_client, "widget", page=number) == [thread.id]


def test_hits_the_index_has_not_caught_up_with_are_left_out(corpus, member_client, make_user):
    from exchange.models import Role, User
    from exchange.moderation.suspensions import suspend_member
    bob = db.session.query(User).filter_by(username="bob").one()
    suspend_member(moderator=make_user(role=Role.MODERATOR), member=bob, reason="Spam")  # the outbox is not drained
    assert names(member_client, "chicago") == {"carol"}
    # Changed behind the indexer's back altogether: every backend's index is stale now.
    db.session.execute(text("UPDATE users SET status = 'suspended' WHERE username = 'carol'"))
    opener = db.session.scalar(select(func.min(Post.id)).where(Post.thread_id == corpus["threads"][2]))
    db.session.execute(text("UPDATE posts SET is_hidden = :yes WHERE id = :id"), {"yes": True, "id": opener})
    db.session.execute(text("UPDATE threads SET status = 'hidden' WHERE id = :id"), {"id": corpus["threads"][2]})
    db.session.execute(text("UPDATE threads SET status = 'merged' WHERE id = :id"), {"id": corpus["threads"][3]})
    db.session.commit()
    assert names(member_client, "chicago") == set()
    assert ids(member_client, "dashboard") == []
    assert ids(member_client, "stipends") == []
    assert set(ids(member_client, "in:talent")) == T(corpus, 1, 7)


def test_a_hidden_opening_post_takes_the_discussion_out_of_search(backend, member_client, make_user, make_thread):
    from exchange.models import Role
    from exchange.moderation.flags import hide_post, unhide_post
    from exchange.threads.services import first_post, reply
    moderator = make_user(role=Role.MODERATOR)
    thread = make_thread(title="Walrus timetables", body="Bell schedules that work.")
    reply(author=make_user(), thread=thread, body="We tried the walrus rota too.")
    outbox.drain()
    assert ids(member_client, "walrus timetables") == [thread.id]
    hide_post(moderator=moderator, post=first_post(thread), reason="Off topic")
    outbox.drain()
    assert ids(member_client, "walrus") == [] and ids(member_client, "timetables") == []
    unhide_post(moderator=moderator, post=first_post(thread))
    outbox.drain()
    assert ids(member_client, "walrus timetables") == [thread.id]


def test_a_practice_with_a_hidden_opening_post_leaves_search_and_comes_back_whole(
        backend, member_client, make_user, make_practice):
    from exchange.models import Role
    from exchange.moderation.flags import hide_post, unhide_post
    from exchange.threads.services import first_post, reply
    moderator = make_user(role=Role.MODERATOR)
    practice = make_practice(title="Ocelot onboarding", summary="Mentors for every new hire.")
    reply(author=make_user(), thread=practice, body="The first reply: a marmoset checklist.")
    reply(author=make_user(), thread=practice, body="The second reply: a pangolin calendar.")
    outbox.drain()
    hide_post(moderator=moderator, post=first_post(practice), reason="Duplicate text")
    outbox.drain()
    for q in ("ocelot", "mentors hire", "marmoset", "pangolin"):
        assert ids(member_client, q) == [], q
    unhide_post(moderator=moderator, post=first_post(practice))
    outbox.drain()
    for q in ("ocelot", "mentors hire", "marmoset", "pangolin"):   # the first reply too, not only the sections
        assert ids(member_client, q) == [practice.id], q


def test_member_expertise_counts_for_its_parent_tags(backend, taxonomy, member_client, make_user):
    from exchange.database import transaction
    expert = make_user(username="tess", display_name="Tess Trainer")
    with transaction():
        expert.expertise = [taxonomy["teacher-residency"]]
        outbox.queue_members(expert.id)
    outbox.drain()
    assert names(member_client, "tag:teacher-residency") == {"tess"}
    assert names(member_client, "tag:talent-pipeline") == {"tess"}
    assert names(member_client, "tag:human-capital") == {"tess"}    # an alias of the parent
    assert names(member_client, "tag:family-engagement") == set()
