"""Every action answers: what a member is told after posting, replying, tagging and marking helpful."""
from __future__ import annotations

import html as entities
import re

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.models import Category, Post, Status, TagGroup, TagProposal, Thread, ThreadTag
from exchange.taxonomy import services as taxonomy_services
from tests.helpers import visible

HELD = "waits for a moderator's review"
PROPOSED = "proposed, waits for a moderator"


@pytest.fixture
def talent(app):
    category = Category(name="Talent", slug="talent")
    db.session.add(category)
    db.session.commit()
    return category


def _thread_form(in_category, **changes) -> dict:
    return {"title": "Exit interviews that teach us something", "category": str(in_category.id),
            "tags": "", "body": "We ask three questions.", **changes}


def _practice_form(in_category, **changes) -> dict:
    return {"title": "Paid residencies for hard-to-staff subjects", "category": str(in_category.id), "tags": "",
            "setting": "district", "region": 0, "size": "", "summary": "A paid residency filled our vacancies.",
            "problem": "We started each year with 60 math vacancies.", "context": "",
            "steps": "1. Partner with a university", "evidence": "", "resources": "", "contact": "",
            "action": "publish", **changes}


def _flashes(response) -> str:
    found = re.search(r'<div class="flashes" role="status">(.*?)</div>', response.get_data(as_text=True), re.S)
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split()) if found else ""


def _newest_thread() -> Thread:
    return db.session.scalar(select(Thread).order_by(Thread.id.desc()))


# --- posting answers with a flash ---------------------------------------------------------------

def test_a_new_thread_lands_with_a_flash_saying_it_is_posted(established_client, talent):
    response = established_client.submit("/threads/new", _thread_form(talent), follow_redirects=True)
    assert response.status_code == 200
    assert "Thanks! Your thread is posted." in _flashes(response)
    assert "Exit interviews that teach us something" in visible(response)


def test_a_newcomers_held_thread_says_it_waits_for_review_once(holding, member_client, talent):
    response = member_client.submit("/threads/new", _thread_form(talent), follow_redirects=True)
    assert _newest_thread().status == Thread.HELD
    assert HELD in _flashes(response)
    page = visible(response)
    assert page.count("waits for a moderator") == 1 and "Waiting for a moderator" not in page
    # Coming back later, with no flash, the thread's own notice says it, once.
    again = visible(member_client.get(f"/t/{_newest_thread().id}"))
    assert again.count("waits for a moderator") == 1 and "Waiting for a moderator" not in again


def test_a_published_practice_lands_with_a_flash(established_client, talent):
    response = established_client.submit("/practices/new", _practice_form(talent), follow_redirects=True)
    assert "Published. Thank you for sharing what worked." in _flashes(response)


def test_a_newcomers_held_practice_says_it_waits_for_review_once(holding, member_client, talent):
    response = member_client.submit("/practices/new", _practice_form(talent), follow_redirects=True)
    assert _newest_thread().status == Thread.HELD
    assert HELD in _flashes(response)
    assert visible(response).count("waits for a moderator") == 1
    assert visible(member_client.get(f"/practices/{_newest_thread().id}")).count("waits for a moderator") == 1


def test_a_reply_without_javascript_lands_with_a_flash(established_client, make_thread):
    thread = make_thread()
    response = established_client.submit(f"/t/{thread.id}/reply", {"body": "Plain old form post"},
                                         follow_redirects=True)
    assert "Thanks! Your reply is posted." in _flashes(response)


def test_an_htmx_reply_focuses_the_new_post_and_says_it_was_posted(established_client, make_thread):
    thread = make_thread(replies=1)
    response = established_client.submit(f"/t/{thread.id}/reply", {"body": "We pair every new hire.", "page": "1"},
                                         htmx=True)
    html = response.get_data(as_text=True)
    post = db.session.scalar(select(Post).order_by(Post.id.desc()))
    assert html.lstrip().startswith(f'<article id="post-{post.id}" class="post" tabindex="-1" autofocus>')
    status = re.search(r'<div id="reply-status" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert status and "Your reply is posted." in status.group(1)
    assert "Your reply is posted" not in visible(established_client.get(f"/t/{thread.id}"))  # no flash left over


def test_the_thread_page_has_a_polite_live_region_for_replies(member_client, make_thread):
    html = member_client.get(f"/t/{make_thread().id}").get_data(as_text=True)
    assert '<div id="reply-status" class="reply-status" role="status" aria-live="polite" aria-atomic="true"></div>' in html


def test_a_newcomers_htmx_reply_says_it_is_held_once(holding, member_client, make_thread):
    thread = make_thread()
    response = member_client.submit(f"/t/{thread.id}/reply", {"body": "Our coaching cycles", "page": "1"},
                                    htmx=True)
    html = entities.unescape(response.get_data(as_text=True))
    held = db.session.scalar(select(Post).where(Post.author_id == member_client.user.id))
    assert held.review == Post.HELD
    assert html.count(HELD) == 1
    assert re.search(r'<div id="reply-status" hx-swap-oob="innerHTML"><p [^>]*>[^<]*' + re.escape(HELD), html)
    assert 'role="status"' not in html  # the page's one live region says it; nothing else does
    assert f'<article id="post-{held.id}" class="post" tabindex="-1" autofocus>' in html


def test_an_empty_htmx_reply_is_an_alert_and_the_text_box_takes_the_focus(established_client, make_thread):
    thread = make_thread()
    response = established_client.submit(f"/t/{thread.id}/reply", {"body": "", "page": "1"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#reply-form"
    assert re.search(r'<p class="error" id="body-error" role="alert">Write something first.</p>', html)
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert "autofocus" in textarea and 'aria-invalid="true"' in textarea
    assert '<div id="reply-status" hx-swap-oob="innerHTML"></div>' in html  # the last "posted" goes


def test_a_reply_link_at_the_top_of_a_thread_goes_to_the_reply_box(member_client, make_thread):
    thread = make_thread(replies=5)
    html = member_client.get(f"/t/{thread.id}").get_data(as_text=True)
    link = html.index('<a class="button small" href="#body">Reply</a>')
    assert link < html.index('id="post-list"') < re.search(r'<textarea[^>]* id="body"', html).start()
    locked = make_thread(title="A locked conversation", locked=True)
    assert 'href="#body">Reply</a>' not in member_client.get(f"/t/{locked.id}").get_data(as_text=True)


# --- tags ----------------------------------------------------------------------------------------

def test_a_proposed_tag_is_shown_beside_the_post_to_its_author_and_moderators_only(
        taxonomy, talent, member_client, moderator_client, make_user, app):
    response = member_client.submit("/threads/new", _thread_form(talent, tags="Grow your own, Principal"),
                                    follow_redirects=True)
    assert "New tag “Grow your own”: proposed, waits for a moderator." in _flashes(response)
    thread = _newest_thread()
    own = visible(member_client.get(f"/t/{thread.id}"))
    assert f"Grow your own {PROPOSED}" in own and "Principal" in own
    assert f"Grow your own {PROPOSED}" in visible(moderator_client.get(f"/t/{thread.id}"))
    other = app.test_client().sign_in_as(make_user(username="reader"))
    theirs = visible(other.get(f"/t/{thread.id}"))
    assert PROPOSED not in theirs and "Grow your own" not in theirs
    # The author's edit form says so too, since the word is not among the tags there.
    edit = visible(member_client.get(f"/p/{_opening(thread).id}/edit"))
    assert f"Grow your own {PROPOSED}" in edit
    # Once a moderator decides, the note goes: the word is a tag now.
    proposal = db.session.scalar(select(TagProposal))
    topic = db.session.scalar(select(TagGroup).where(TagGroup.slug == "topic"))
    taxonomy_services.approve_proposal(proposal=proposal, actor=moderator_client.user, group=topic)
    assert PROPOSED not in visible(member_client.get(f"/t/{thread.id}"))


def test_a_proposed_tag_on_a_practice_is_shown_to_its_author(taxonomy, talent, established_client, make_user, app):
    established_client.submit("/practices/new", _practice_form(talent, tags="math pathways"))
    thread = _newest_thread()
    assert f"math pathways {PROPOSED}" in visible(established_client.get(f"/practices/{thread.id}"))
    other = app.test_client().sign_in_as(make_user(username="reader"))
    assert PROPOSED not in visible(other.get(f"/practices/{thread.id}"))


def _opening(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))


def test_two_words_for_one_concept_are_merged_silently_into_one_tag(taxonomy, talent, established_client):
    category = talent
    response = established_client.submit("/threads/new", _thread_form(
        category, tags="Talent pipeline, human capital, educator workforce"))
    assert response.status_code == 303
    thread = _newest_thread()
    chosen = db.session.scalars(select(ThreadTag.tag_id).where(ThreadTag.thread_id == thread.id,
                                                               ThreadTag.implied.is_(False))).all()
    assert chosen == [taxonomy["talent-pipeline"].id]
    assert db.session.scalar(select(TagProposal)) is None
    # The same word twice is still worth a word.
    twice = established_client.submit("/threads/new", _thread_form(category, tags="Principal, principal"))
    assert twice.status_code == 422 and "You entered “principal” twice." in visible(twice)


# --- forms -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/threads/new", "/practices/new"])
def test_the_category_is_chosen_by_the_member_not_for_them(member_client, talent, url):
    html = member_client.get(url).get_data(as_text=True)
    select_html = re.search(r'<select id="category".*?</select>', html, re.S).group(0)
    assert '<option selected value="">— Choose a category —</option>' in select_html
    assert select_html.count("selected") == 1
    form = (_thread_form if url == "/threads/new" else _practice_form)(talent, category="")
    response = member_client.submit(url, form)
    assert response.status_code == 422 and "Choose a category." in visible(response)
    assert form["title"] in response.get_data(as_text=True)
    assert db.session.scalar(select(Thread)) is None


@pytest.mark.parametrize("url", ["/threads/new", "/practices/new"])
def test_a_refused_whole_page_form_says_what_is_wrong_at_once(member_client, talent, url):
    form = (_thread_form if url == "/threads/new" else _practice_form)(talent, category="")
    form["summary" if url == "/practices/new" else "body"] = ""
    html = member_client.submit(url, form).get_data(as_text=True)
    summary = re.search(r'<div class="form-errors error-summary" role="alert" tabindex="-1" autofocus>(.*?)</div>',
                        html, re.S)
    assert summary and "2 things need fixing:" in summary.group(1)
    assert '<a href="#category">Category: Choose a category.</a>' in summary.group(1)
    assert html.count("autofocus") == 1  # the summary, not the title


def test_a_category_named_in_the_address_is_chosen(member_client, talent):
    html = member_client.get("/threads/new?category=talent").get_data(as_text=True)
    assert f'<option selected value="{talent.id}">Talent</option>' in html


# --- a practice's resources, contact and helpful mark ---------------------------------------------

def test_resources_are_links(member_client, make_practice):
    thread = make_practice(resources="- Mentor rubric — https://example.org/rubric.pdf\n"
                                     "Stipend model: https://example.org/stipend\nhttps://example.org/bare\n"
                                     "Ask us for the timeline one-pager")
    html = member_client.get(f"/practices/{thread.id}").get_data(as_text=True)
    section = html.split('id="section-resources"')[1].split("</section>")[0]
    assert '<a href="https://example.org/rubric.pdf" rel="nofollow ugc noopener">Mentor rubric</a>' in section
    assert '<a href="https://example.org/stipend" rel="nofollow ugc noopener">Stipend model</a>' in section
    assert '<a href="https://example.org/bare" rel="nofollow ugc noopener">https://example.org/bare</a>' in section
    assert "Ask us for the timeline one-pager" in section


def test_resources_in_code_and_unsafe_addresses_stay_text(member_client, make_practice):
    thread = make_practice(resources="```\nKit — https://example.org/kit\n```\nBad — javascript:alert(1)")
    section = member_client.get(f"/practices/{thread.id}").get_data(as_text=True).split(
        'id="section-resources"')[1].split("</section>")[0]
    assert "<code>Kit — https://example.org/kit" in section and "javascript:alert" in section
    assert 'href="javascript' not in section


def test_contact_links_to_the_authors_contact_form_when_they_can_be_contacted(member_client, make_practice,
                                                                               make_user, app):
    author = make_user(username="ana", display_name="Ana Author")
    thread = make_practice(author=author, contact="Ana runs the program office.")
    html = member_client.get(f"/practices/{thread.id}").get_data(as_text=True)
    section = html.split('id="section-contact"')[1].split("</section>")[0]
    assert "Ana runs the program office." in section
    assert 'href="/members/ana#contact"' in section and "Write to Ana Author through Exchange" in section
    # Not to themselves, and not to a member who can no longer be contacted.
    own = app.test_client().sign_in_as(author).get(f"/practices/{thread.id}").get_data(as_text=True)
    assert "/members/ana#contact" not in own
    author.status = Status.SUSPENDED
    db.session.commit()
    assert "/members/ana#contact" not in member_client.get(f"/practices/{thread.id}").get_data(as_text=True)


def test_mark_helpful_is_a_clear_button_at_the_end_of_the_practice(member_client, make_practice):
    thread = make_practice(evidence="Vacancies fell to 4.")
    html = member_client.get(f"/practices/{thread.id}").get_data(as_text=True)
    head = html.split('<div class="head-actions">')[1].split("</div>")[0]
    assert "helpful" not in head.lower()
    button = html.index('id="helpful-button"')
    assert html.index('id="section-evidence"') < button < html.index('id="discussion"')
    assert "Did this practice help you?" in visible(member_client.get(f"/practices/{thread.id}"))
    marked = member_client.submit(f"/practices/{thread.id}/helpful", {}, htmx=True)
    assert 'id="helpful-button"' in marked.get_data(as_text=True) and 'aria-pressed="true"' in marked.get_data(
        as_text=True)
    assert "You found this practice helpful. ♥ Helpful 1" in visible(marked)
