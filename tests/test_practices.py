"""Best practices: writing, drafts, publishing, helpful marks, promotion, the library and feeds."""
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.models import Category, ModerationLog, Post, Practice, Region, TagProposal, Thread
from exchange.practices import services
from tests.helpers import visible

# Holds on, as in production: these are posting paths (see tests/conftest.py `holding`).
pytestmark = pytest.mark.usefixtures("holding")

ATOM = "{http://www.w3.org/2005/Atom}"


def _form(**overrides) -> dict:
    category = db.session.query(Category).first()
    if category is None:
        category = Category(name="Talent", slug="talent")
        db.session.add(category)
        db.session.commit()
    data = {"title": "Paid residencies for hard-to-staff subjects", "category": category.id,
            "tags": "human capital, Principal", "setting": "district", "region": 0, "size": "40,000 students",
            "summary": "A paid residency filled **every** math vacancy in two years.",
            "problem": "We started each year with 60 math vacancies.", "context": "",
            "steps": "1. Partner with a university\n2. Pay residents", "evidence": "Vacancies fell to 4.",
            "resources": "", "contact": "", "action": "publish"}
    data.update(overrides)
    return data


# --- writing ------------------------------------------------------------------------------------

def test_publishing_a_practice_with_an_alias_files_it_under_the_canonical_tag(taxonomy, established_client):
    response = established_client.submit("/practices/new", _form())
    assert response.status_code == 303
    page = established_client.get(response.headers["Location"])
    text = visible(page)
    assert "Paid residencies for hard-to-staff subjects" in text
    assert "Talent pipeline" in text and "Principal" in text and "human capital" not in text
    assert "The problem We started each year with 60 math vacancies." in text
    assert "What we did" in text and "Evidence and results Vacancies fell to 4." in text
    assert "last reviewed just now" in text and "0 replies" in text
    assert "<strong>every</strong>" in page.get_data(as_text=True)
    thread = db.session.scalar(select(Thread).where(Thread.kind == Thread.PRACTICE))
    assert thread.post_count == 1 and thread.category.thread_count == 1
    assert "## The problem" in db.session.scalar(select(Post.body_source).where(Post.thread_id == thread.id))


def test_required_sections_and_limits_keep_the_text(taxonomy, member_client):
    response = member_client.submit("/practices/new", _form(steps="", problem="x" * 10_001,
                                                             summary="Keep me, please."))
    assert response.status_code == 422
    text = visible(response)
    assert "What we did is required." in text
    assert "The problem is at most 10,000 characters." in text
    assert "Keep me, please." in text
    assert db.session.query(Thread).count() == 0


def test_too_many_and_repeated_tags_are_refused_with_the_text_kept(taxonomy, member_client):
    many = ", ".join(f"idea {i}" for i in range(9))
    response = member_client.submit("/practices/new", _form(tags=many))
    assert response.status_code == 422 and "Use at most 8 tags; you entered 9." in visible(response)
    assert 'value="idea 0, idea 1' in response.get_data(as_text=True)
    dup = member_client.submit("/practices/new", _form(tags="Principal, principal"))
    assert dup.status_code == 422 and "You entered “principal” twice." in visible(dup)
    assert db.session.query(Thread).count() == 0


def test_an_unknown_tag_word_becomes_a_proposal(taxonomy, member_client):
    member_client.submit("/practices/new", _form(tags="human capital, math pathways"))
    proposal = db.session.scalar(select(TagProposal))
    assert proposal.name == "math pathways" and proposal.status == "pending"


def test_preview_renders_the_whole_practice_without_saving(taxonomy, member_client):
    response = member_client.submit("/practices/new", {**_form(), "preview": "1"})
    assert response.status_code == 200
    assert "<strong>every</strong>" in response.get_data(as_text=True)
    assert db.session.query(Thread).count() == 0


def test_xss_in_sections_is_inert(taxonomy, member_client):
    response = member_client.submit("/practices/new", _form(problem='<script>alert(1)</script> [x](javascript:alert(1))'))
    html = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'href="javascript' not in html


# --- drafts and lifecycle ------------------------------------------------------------------------

def test_a_draft_is_seen_by_its_author_only_until_published(taxonomy, established_client, make_user, app):
    response = established_client.submit("/practices/new", _form(action="draft"))
    url = response.headers["Location"]
    assert "Draft." in visible(established_client.get(url))
    thread = db.session.scalar(select(Thread).where(Thread.kind == Thread.PRACTICE))
    other = app.test_client().sign_in_as(make_user())
    assert other.get(url).status_code == 404
    assert other.get(f"/t/{thread.id}").status_code == 404
    assert "Paid residencies" not in visible(other.get("/practices"))
    assert "Paid residencies" not in visible(other.get("/threads"))
    assert thread.category.thread_count == 0

    assert established_client.submit(f"/practices/{thread.id}/publish", {}).status_code == 303
    db.session.expire_all()
    assert other.get(url).status_code == 200
    assert "Paid residencies" in visible(other.get("/practices"))
    assert db.session.get(Thread, thread.id).category.thread_count == 1


def test_only_the_author_or_a_moderator_edits(taxonomy, make_practice, member_client, moderator_client):
    thread = make_practice()
    assert member_client.get(f"/practices/{thread.id}/edit").status_code == 403
    assert "Why you are editing" in visible(moderator_client.get(f"/practices/{thread.id}/edit"))
    refused = moderator_client.submit(f"/practices/{thread.id}/edit",
                                      _form(title="A 90-day onboarding plan, revised", action="save"))
    assert refused.status_code == 422 and "Say why you are changing this member's words" in visible(refused)
    assert "A 90-day onboarding plan, revised" in refused.get_data(as_text=True)     # the edit is kept
    response = moderator_client.submit(f"/practices/{thread.id}/edit",
                                       _form(title="A 90-day onboarding plan, revised", action="save",
                                             reason="Clearer title"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).title == "A 90-day onboarding plan, revised"
    entry = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "edit_practice"))
    assert entry.target_id == thread.id and entry.reason == "Clearer title"


def test_helpful_is_one_per_member_and_toggles_with_htmx(taxonomy, make_practice, member_client, app, make_user):
    thread = make_practice()
    first = member_client.submit(f"/practices/{thread.id}/helpful", {}, htmx=True)
    assert first.status_code == 200 and 'aria-pressed="true"' in first.get_data(as_text=True)
    assert "Helpful 1" in visible(first)
    other = app.test_client().sign_in_as(make_user())
    assert "Helpful 2" in visible(other.submit(f"/practices/{thread.id}/helpful", {}, htmx=True))
    again = member_client.submit(f"/practices/{thread.id}/helpful", {}, htmx=True)
    assert "Mark helpful 1" in visible(again)
    assert db.session.get(Practice, thread.id).helpful_count == 1


def test_replies_to_a_practice_show_below_it(taxonomy, make_practice, established_client):
    thread = make_practice()
    response = established_client.submit(f"/t/{thread.id}/reply", {"body": "We tried this in Denver: it worked."})
    assert response.status_code == 303
    page = visible(established_client.get(f"/practices/{thread.id}"))
    assert "We tried this in Denver: it worked." in page and "1 reply" in page
    assert established_client.get(f"/t/{thread.id}").headers["Location"].endswith(f"/practices/{thread.id}")


# --- promotion ---------------------------------------------------------------------------------------

def test_a_discussion_author_promotes_a_reply_into_a_prefilled_draft(taxonomy, member_client, make_thread, make_user):
    thread = make_thread(author=member_client.user, title="Retaining first-year teachers")
    from exchange.threads import services as threads
    reply = threads.reply(author=make_user(), thread=thread, body="We paired every new teacher with a mentor.\n\nMore.")
    page = member_client.submit(f"/p/{reply.id}/promote", {})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="Retaining first-year teachers"' in html and "We paired every new teacher" in html
    assert f'name="source_post" type="hidden" value="{reply.id}"' in html
    saved = member_client.submit("/practices/new", _form(source_post=str(reply.id), action="draft"))
    practice = db.session.scalar(select(Practice))
    assert practice.source_post_id == reply.id
    assert "Started from the discussion “Retaining first-year teachers”" in visible(member_client.get(saved.headers["Location"]))


def test_promotion_is_refused_to_others_and_for_hidden_posts(taxonomy, member_client, moderator_client, make_thread):
    thread = make_thread(title="Somebody else's thread")
    assert member_client.submit(f"/t/{thread.id}/promote", {}).status_code == 403
    assert moderator_client.submit(f"/t/{thread.id}/promote", {}).status_code == 200
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    post.is_hidden = True
    db.session.commit()
    refused = moderator_client.submit(f"/p/{post.id}/promote", {})
    assert refused.status_code == 403 and "hidden by a moderator" in visible(refused)


# --- the library ----------------------------------------------------------------------------------

@pytest.fixture
def library(taxonomy, make_practice, make_user):
    """Five practices, hand-counted:
    A: teacher-residency, principal       boston   district   helpful 2
    B: talent-pipeline                    cambridge(boston) charter network
    C: family-engagement, principal       denver   district
    D: family-engagement                  denver   state agency
    E: teacher-residency (draft)          boston   district
    """
    boston = Region(slug="boston", name="Boston")
    db.session.add(boston)
    db.session.flush()
    cambridge = Region(slug="cambridge", name="Cambridge", parent_id=boston.id)
    denver = Region(slug="denver", name="Denver")
    db.session.add_all([cambridge, denver])
    db.session.commit()
    t = taxonomy
    made = {
        "A": make_practice(title="Practice A residency", tags=[t["teacher-residency"], t["principal"]], region=boston),
        "B": make_practice(title="Practice B pipeline", tags=[t["talent-pipeline"]], region=cambridge,
                           setting="charter network"),
        "C": make_practice(title="Practice C families", tags=[t["family-engagement"], t["principal"]], region=denver),
        "D": make_practice(title="Practice D families", tags=[t["family-engagement"]], region=denver,
                           setting="state agency"),
        "E": make_practice(title="Practice E draft", tags=[t["teacher-residency"]], region=boston, publish=False),
    }
    for _ in range(2):
        services.toggle_helpful(thread=made["A"], user=make_user())
    return made


def _titles(result) -> list[str]:
    return sorted(t.title[9] for t in result.practices)


def test_facet_counts_match_the_hand_count(library):
    result = services.library(services.Filters())
    assert _titles(result) == ["A", "B", "C", "D"]
    topic = {v.key: v.count for g, vs in result.tag_facets if g.slug == "topic" for v in vs}
    assert topic == {"talent-pipeline": 2, "teacher-residency": 1, "family-engagement": 2}
    role = {v.key: v.count for g, vs in result.tag_facets if g.slug == "role" for v in vs}
    assert role == {"principal": 2}
    assert {v.key: v.count for v in result.region_facet} == {"boston": 2, "denver": 2}
    assert {v.key: v.count for v in result.setting_facet} == {"district": 2, "charter network": 1, "state agency": 1}


def test_filtering_by_a_parent_finds_its_children(library):
    result = services.library(services.Filters(tags=["talent-pipeline"]))
    assert _titles(result) == ["A", "B"]


def test_tag_filters_combine_with_and(library):
    assert _titles(services.library(services.Filters(tags=["talent-pipeline", "principal"]))) == ["A"]
    assert _titles(services.library(services.Filters(tags=["family-engagement"], setting="district"))) == ["C"]


def test_region_filter_includes_cities_within_the_metro(library):
    result = services.library(services.Filters(region="boston"))
    assert _titles(result) == ["A", "B"]
    # The region facet keeps showing the other regions, counted under the other filters.
    assert {v.key: v.count for v in result.region_facet} == {"boston": 2, "denver": 2}


def test_sorting_by_most_helpful_and_by_recent_activity(library, make_user, establish):
    result = services.library(services.Filters(sort="helpful"))
    assert result.practices[0].title == "Practice A residency"
    from exchange.threads import services as threads
    threads.reply(author=establish(make_user()), thread=db.session.get(Thread, library["C"].id),
                  body="Still works for us.")
    assert services.library(services.Filters(sort="active")).practices[0].title == "Practice C families"


def test_the_year_facet_counts_and_filters(library):
    c = db.session.get(Practice, library["C"].id)
    c.published_at = c.published_at.replace(year=2019)
    db.session.commit()
    result = services.library(services.Filters())
    this_year = str(library["A"].created_at.year)
    assert {v.key: v.count for v in result.year_facet} == {this_year: 3, "2019": 1}
    assert _titles(services.library(services.Filters(year=2019))) == ["C"]


def test_library_page_filters_with_htmx_and_shareable_urls(library, member_client):
    full = member_client.get("/practices?tag=talent-pipeline&region=boston")
    text = visible(full)
    assert "2 practices" in text and "Practice A residency" in text and "Practice C" not in text
    partial = member_client.htmx_get("/practices?tag=family-engagement")
    assert "HX-Request" in partial.headers["Vary"] and "<html" not in partial.get_data(as_text=True)
    assert "2 practices" in visible(partial)
    junk = member_client.get("/practices?tag=no-such-tag&year=abcd&sort=%27;drop&page=-3")
    assert junk.status_code == 200 and "No tag called no-such-tag" in visible(junk)


def test_library_empty_state(taxonomy, member_client):
    text = visible(member_client.get("/practices"))
    assert "0 practices" in text and "No practices match these filters." in text


# --- feeds -----------------------------------------------------------------------------------------

def test_practices_feed_is_atom_with_newest_published_first(library, member_client, client):
    response = member_client.get("/practices.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text and root.find(f"{ATOM}updated").text
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles[0] == "Practice D families" and "Practice E draft" not in titles and len(titles) == 4
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}author/{ATOM}name").text

    # Feed readers cannot sign in: the member's personal key works, a forged one does not.
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    key = self_link.split("key=")[1]
    assert client.get(f"/practices.atom?key={key}").status_code == 200
    assert client.get("/practices.atom?key=forged").status_code == 403
    assert client.get("/practices.atom").status_code == 403


def test_tag_feed_lists_what_is_filed_under_the_tag(library, member_client):
    root = ET.fromstring(member_client.get("/tags/talent-pipeline.atom").get_data())
    titles = sorted(e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry"))
    assert titles == ["Practice A residency", "Practice B pipeline"]
