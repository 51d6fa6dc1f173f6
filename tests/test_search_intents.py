"""Every change a document shows reaches the index: through the real services, then one drain of
the outbox (what the indexer does), asserting what a member finds and no longer finds.

A thread's document carries its authors' names and its starter's region; a member's document
carries their expertise tags with every alias. So renaming a member re-indexes their threads,
and renaming, aliasing or merging a tag re-indexes both its content and its experts.

A query that *is* a tag's name or alias also matches by tag id, whatever the documents say; the
tag tests search one word of a longer alias, which only the documents' text can match.
"""
from __future__ import annotations

from exchange.database import transaction
from exchange.extensions import db
from exchange.members import roster
from exchange.members.services import ProfileInput, update_profile
from exchange.models import Region, Role, Status, Tag, TagProposal, Visibility
from exchange.search import outbox
from exchange.taxonomy import services as taxonomy_services
from exchange.threads import services as threads
from tests.test_search import backend, ids, names  # noqa: F401 - backend: Whoosh, and PostgreSQL on its run


def _filed(thread, *tags: Tag):
    with transaction():
        taxonomy_services.file_under(thread.id, list(tags))
    return thread


def _expert(make_user, username: str, tag: Tag):
    user = make_user(username=username, display_name=f"{username.title()} Example")
    update_profile(user, ProfileInput(display_name=user.display_name, expertise=[tag]))
    return user


def _moderator(make_user):
    return make_user(username="moddy", role=Role.MODERATOR, display_name="Mod Example")


# --- members renamed: their threads follow ---------------------------------------------------

def test_a_renamed_member_finds_their_threads_by_the_new_name_only(backend, member_client, make_user, make_thread):
    author = make_user(username="zeb", display_name="Zebulon Quimby")
    started = make_thread(author=author, title="Bell schedules", body="Block periods.")
    other = make_thread(title="Lunch duty", body="Rotating rosters.")
    threads.reply(author=author, thread=other, body="We pay a stipend for it.")
    outbox.drain()
    assert set(ids(member_client, "zebulon")) == {started.id, other.id}

    update_profile(author, ProfileInput(display_name="Ottoline Vantongeren"))
    outbox.drain()
    assert set(ids(member_client, "ottoline")) == {started.id, other.id}
    assert ids(member_client, "zebulon") == []


def test_a_member_who_moves_region_takes_their_threads_along(backend, member_client, make_user, make_thread):
    boston, denver = Region(slug="boston", name="Boston"), Region(slug="denver", name="Denver")
    db.session.add_all([boston, denver])
    db.session.commit()
    author = make_user(username="rae")
    update_profile(author, ProfileInput(display_name="Rae Example", region_id=boston.id))
    thread = make_thread(author=author, title="Bus routes", body="An optimiser cut two routes.")
    outbox.drain()
    assert ids(member_client, "region:boston") == [thread.id]

    update_profile(author, ProfileInput(display_name="Rae Example", region_id=denver.id))
    outbox.drain()
    assert ids(member_client, "region:denver") == [thread.id]
    assert ids(member_client, "region:boston") == []

    update_profile(author, ProfileInput(display_name="Rae Example", region_id=denver.id,
                                        visibility={"region": Visibility.ONLY_ME}))
    outbox.drain()
    assert ids(member_client, "region:denver") == []      # a region kept to oneself leaves their threads too


def test_a_roster_import_that_sets_a_region_reaches_the_members_threads(backend, taxonomy, member_client, make_user,
                                                                        make_thread):
    db.session.add(Region(slug="denver", name="Denver"))
    db.session.commit()
    author = make_user(username="lee", email="lee@district.org", display_name="Lee Example")
    thread = make_thread(author=author, title="Hiring fairs", body="Spring fairs filled most posts.")
    outbox.drain()
    assert ids(member_client, "region:denver") == []

    plan = roster.read("Email,First Name,Last Name,Program,Cohort Year,Region\n"
                       "lee@district.org,Lee,Example,UELF,2019,Denver\n")
    roster.apply(plan)                      # the member had no region: the roster fills it in
    outbox.drain()
    assert ids(member_client, "region:denver") == [thread.id]


# --- tags renamed, aliased, merged: content and experts follow ---------------------------------

def test_a_renamed_tag_finds_its_content_and_experts_by_the_new_name(backend, taxonomy, member_client, make_user,
                                                                      make_thread):
    principal = taxonomy["principal"]
    thread = _filed(make_thread(title="Coaching new heads", body="Weekly walkthroughs."), principal)
    _expert(make_user, "pat", principal)
    outbox.drain()
    assert ids(member_client, "quillmaster") == [] and names(member_client, "quillmaster") == set()

    taxonomy_services.update_tag(tag=principal, actor=_moderator(make_user), name="Quillmaster", guidance="",
                                 group=principal.group, parent=None)
    outbox.drain()
    assert ids(member_client, "quillmaster") == [thread.id]
    assert names(member_client, "quillmaster") == {"pat"}


def test_a_new_alias_finds_the_tags_experts(backend, taxonomy, member_client, make_user):
    _expert(make_user, "pat", taxonomy["principal"])
    outbox.drain()
    assert names(member_client, "keeper") == set()

    taxonomy_services.add_alias(tag=taxonomy["principal"], name="Quill keeper", program=None)
    outbox.drain()
    assert names(member_client, "keeper") == {"pat"}


def test_a_merged_tag_finds_both_tags_content_and_experts_by_either_word(backend, taxonomy, member_client, make_user,
                                                                         make_thread):
    source, target = taxonomy["data-and-analytics"], taxonomy["family-engagement"]
    under_source = _filed(make_thread(title="Cabinet meetings", body="Fortnightly."), source)
    under_target = _filed(make_thread(title="Walkthrough rubrics", body="Four rows."), target)
    _expert(make_user, "sue", source)
    _expert(make_user, "pat", target)
    outbox.drain()

    taxonomy_services.merge_tag(source=source, target=target, actor=_moderator(make_user))
    outbox.drain()
    # "Data and analytics" is an alias of Family engagement now: each word finds everything under it.
    assert set(ids(member_client, "analytics")) == {under_source.id, under_target.id}
    assert set(ids(member_client, "engagement")) == {under_source.id, under_target.id}
    assert names(member_client, "analytics") == {"sue", "pat"}
    assert names(member_client, "engagement") == {"sue", "pat"}     # Sue's expertise moved, not vanished


def test_a_proposal_merged_as_an_alias_finds_everything_under_the_tag(backend, taxonomy, member_client, make_user,
                                                                      make_thread, make_category):
    principal = taxonomy["principal"]
    already = _filed(make_thread(title="Coaching new heads", body="Weekly walkthroughs."), principal)
    _expert(make_user, "pat", principal)
    proposer = make_user(username="ida")
    proposing = threads.start_thread(author=proposer, title="Site leaders", body="Our site leaders meet monthly.",
                                     category_id=make_category(name="Leaders").id, proposals=["Quokka leadership"])
    outbox.drain()
    proposal = db.session.query(TagProposal).filter_by(slug="quokka-leadership").one()

    taxonomy_services.merge_proposal(proposal=proposal, actor=_moderator(make_user), target=principal)
    outbox.drain()
    assert set(ids(member_client, "quokka")) == {already.id, proposing.id}
    assert names(member_client, "quokka") == {"pat"}


def test_a_suspended_expert_stays_out_when_their_tag_changes(backend, taxonomy, member_client, make_user):
    pat = _expert(make_user, "pat", taxonomy["principal"])
    with transaction():
        db.session.merge(pat).status = Status.SUSPENDED
        outbox.queue_members(pat.id)
    taxonomy_services.add_alias(tag=taxonomy["principal"], name="Quill keeper", program=None)
    outbox.drain()
    assert names(member_client, "keeper") == set()
