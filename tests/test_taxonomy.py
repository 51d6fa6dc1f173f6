"""The common taxonomy: aliases, parents, proposals, merges, loading, and the /tags pages."""
import json

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.forms import ServiceError
from exchange.models import ModerationLog, Tag, TagAlias, TagGroup, TagProposal, Thread, ThreadTag
from exchange.members import directory
from exchange.taxonomy import loader, services, tree
from tests.helpers import visible
from tests.taxonomy_fixture import TAXONOMY


def _filed(thread_id: int) -> dict[str, bool]:
    """slug -> implied, for everything the item is filed under."""
    rows = db.session.execute(select(Tag.slug, ThreadTag.implied).join(ThreadTag)
                              .where(ThreadTag.thread_id == thread_id)).all()
    return dict(rows)


# --- normalising and resolving ----------------------------------------------------------

@pytest.mark.parametrize("typed", ["Family Engagement", "family-engagement", "family  engagement",
                                   "FAMILY_ENGAGEMENT!", " Fämily engagement "])
def test_spellings_of_a_tag_resolve_to_one_tag(taxonomy, typed):
    match = services.resolve(typed)
    assert match is not None and match.tag.slug == "family-engagement" and match.alias is None


def test_an_alias_resolves_to_its_canonical_tag_with_provenance(taxonomy):
    match = services.resolve("human  CAPITAL")
    assert match.tag.slug == "talent-pipeline"
    assert match.alias.name == "Human capital" and match.alias.program.short_name == "UELF"


def test_choose_tags_reports_limit_repeats_and_single_choice_groups_and_merges_aliases(taxonomy):
    too_many = services.choose_tags(", ".join(f"word{i}" for i in range(services.TAG_LIMIT + 1)))
    assert f"at most {services.TAG_LIMIT} tags" in too_many.errors[0]

    merged = services.choose_tags("Talent pipeline, human capital, educator workforce")  # one concept, one tag
    assert merged.errors == [] and [t.slug for t in merged.tags] == ["talent-pipeline"]

    twice = services.choose_tags("Principal, principal")
    assert "twice" in twice.errors[0]

    single = services.choose_tags("District-wide, Statewide")
    assert single.errors == ["Scale takes one tag; choose one of District-wide, Statewide."]

    junk = services.choose_tags("!!!, " + "x" * 70)
    assert len(junk.errors) == 2

    fine = services.choose_tags("educator workforce, Principal, brand new idea")
    assert fine.errors == [] and [t.slug for t in fine.tags] == ["talent-pipeline", "principal"]
    assert fine.unknown == ["brand new idea"]


# --- filing and parents -----------------------------------------------------------------

def test_a_child_tag_files_under_its_parent_too(taxonomy, make_thread):
    thread = make_thread()
    with db.session.begin_nested():
        services.file_under(thread.id, [taxonomy["teacher-residency"]])
    db.session.commit()
    assert _filed(thread.id) == {"teacher-residency": False, "talent-pipeline": True}
    assert [t.slug for t in db.session.get(Thread, thread.id).tags] == ["teacher-residency"]


def test_moving_a_tag_under_a_new_parent_refiles_its_content(taxonomy, make_thread, make_user):
    moderator = make_user(role="moderator")
    thread = make_thread()
    services.file_under(thread.id, [taxonomy["teacher-residency"]])
    db.session.commit()
    topic = db.session.scalar(select(TagGroup).where(TagGroup.slug == "topic"))
    services.update_tag(tag=taxonomy["teacher-residency"], actor=moderator, name="Teacher residency",
                        guidance="Paid apprenticeships.", group=topic, parent=taxonomy["family-engagement"])
    assert _filed(thread.id) == {"teacher-residency": False, "family-engagement": True}
    with pytest.raises(ServiceError, match="under itself"):
        services.update_tag(tag=taxonomy["family-engagement"], actor=moderator, name="Family engagement",
                            guidance="", group=topic, parent=taxonomy["teacher-residency"])


# --- aliases --------------------------------------------------------------------------------

def test_a_tags_subtree_and_ancestors_walk_the_whole_tree(taxonomy):
    top, middle, low = taxonomy["talent-pipeline"], taxonomy["teacher-residency"], taxonomy["principal"]
    low.parent_id = middle.id          # three levels: talent pipeline > teacher residency > principal
    db.session.commit()
    assert tree.subtree_ids(top.id) == [top.id, middle.id, low.id]
    assert tree.subtree_ids(low.id) == [low.id]
    assert directory.reference().tag_subtree(top.id) == [top.id, middle.id, low.id]
    assert tree.ancestors(low) == [middle, top]
    assert tree.with_ancestors([low.id, taxonomy["family-engagement"].id], tree.parents_by_id()) == sorted(
        [top.id, middle.id, low.id, taxonomy["family-engagement"].id])


def test_the_tree_walks_stop_at_a_loop():
    assert tree.subtree(1, {1: [2, 3], 2: [1, 3], 3: [2]}.get) == [1, 2, 3]
    assert tree.lineage(1, {1: 2, 2: 3, 3: 1}.get) == [2, 3]


def test_an_alias_cannot_take_a_word_already_used(taxonomy):
    with pytest.raises(ServiceError, match="already a tag"):
        services.add_alias(tag=taxonomy["principal"], name="Family  engagement", program=None)
    with pytest.raises(ServiceError, match="already an alias of Talent pipeline"):
        services.add_alias(tag=taxonomy["principal"], name="human-capital", program=None)
    alias = services.add_alias(tag=taxonomy["principal"], name="School leader", program=None)
    assert services.resolve("school leader").tag.slug == "principal" and alias.slug == "school-leader"


# --- proposals and merges ------------------------------------------------------------------

def test_unknown_words_become_proposals_that_moderators_approve(taxonomy, member_client, moderator_client):
    response = member_client.submit("/threads/new", {
        "title": "Who runs a grow-your-own program?", "category": _category_id(), "tags": "Grow your own, Principal",
        "body": "Looking for examples."})
    assert response.status_code == 303
    thread = db.session.scalar(select(Thread).order_by(Thread.id.desc()))
    assert _filed(thread.id) == {"principal": False}
    proposal = db.session.scalar(select(TagProposal))
    assert (proposal.name, proposal.status, proposal.thread_id) == ("Grow your own", "pending", thread.id)

    queue = moderator_client.get("/tags/proposals")
    assert "Grow your own" in visible(queue)
    topic = db.session.scalar(select(TagGroup).where(TagGroup.slug == "topic"))
    done = moderator_client.submit(f"/tags/proposals/{proposal.id}/approve", {
        "group": topic.id, "parent": taxonomy["talent-pipeline"].id, "guidance": "Local pathways into teaching."},
        htmx=True)
    assert done.status_code == 200 and "is now a tag" in visible(done)
    db.session.expire_all()
    assert _filed(thread.id) == {"principal": False, "grow-your-own": False, "talent-pipeline": True}
    assert db.session.scalar(select(ModerationLog.action).order_by(ModerationLog.id.desc())) == "approve_tag"


def test_members_cannot_govern_tags(taxonomy, member_client):
    assert member_client.get("/tags/proposals").status_code == 403
    assert member_client.get("/tags/principal/edit").status_code == 403
    assert member_client.submit("/tags/principal/aliases", {"name": "Head", "program": 0}).status_code == 403


def test_merging_a_proposal_makes_an_alias_and_files_the_content(taxonomy, make_thread, make_user):
    moderator, author = make_user(role="moderator"), make_user()
    thread = make_thread(author=author)
    services.propose_words(["Talent mgmt"], proposer=author, thread_id=thread.id)
    db.session.commit()
    proposal = db.session.scalar(select(TagProposal))
    services.merge_proposal(proposal=proposal, actor=moderator, target=taxonomy["talent-pipeline"])
    assert services.resolve("talent mgmt").tag.slug == "talent-pipeline"
    assert _filed(thread.id) == {"talent-pipeline": False}
    assert proposal.status == "merged"
    with pytest.raises(ServiceError, match="already decided"):
        services.reject_proposal(proposal=proposal, actor=moderator)


def test_merging_a_tag_turns_it_into_an_alias_and_retags_content(taxonomy, make_thread, make_user, moderator_client):
    both = make_thread(title="Both tags on one thread")
    only_source = make_thread(title="Only the merged tag")
    services.file_under(both.id, [taxonomy["data-and-analytics"], taxonomy["family-engagement"]])
    services.file_under(only_source.id, [taxonomy["data-and-analytics"]])
    db.session.commit()
    response = moderator_client.submit("/tags/data-and-analytics/merge", {"target": "parent involvement"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/tags/family-engagement")
    db.session.expire_all()
    assert _filed(both.id) == {"family-engagement": False}
    assert _filed(only_source.id) == {"family-engagement": False}
    assert db.session.scalar(select(Tag).where(Tag.slug == "data-and-analytics")) is None
    assert services.resolve("Data and analytics").tag.slug == "family-engagement"
    # The old tag page now leads to where its content went.
    assert moderator_client.get("/tags/data-and-analytics").headers["Location"].endswith("/tags/family-engagement")


def test_a_merge_into_an_unknown_tag_is_a_clear_error(taxonomy, moderator_client):
    response = moderator_client.submit("/tags/principal/merge", {"target": "no such thing"})
    assert response.status_code == 422 and "There is no tag called “no such thing”" in visible(response)


def test_adding_a_colliding_alias_through_the_web_keeps_the_text(taxonomy, moderator_client):
    response = moderator_client.submit("/tags/principal/aliases", {"name": "Educator Workforce", "program": 0})
    assert response.status_code == 422
    page = visible(response)
    assert "already an alias of Talent pipeline" in page
    assert 'value="Educator Workforce"' in response.get_data(as_text=True)


# --- loading ---------------------------------------------------------------------------------

def test_loading_is_idempotent(app, runner, tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(TAXONOMY))
    first = runner.invoke(args=["taxonomy", "load", str(path)])
    assert first.exit_code == 0 and "8 tags created" in first.output
    second = runner.invoke(args=["taxonomy", "load", str(path)])
    assert second.exit_code == 0 and "already up to date" in second.output
    assert db.session.query(TagAlias).count() == 4


def test_a_bad_file_is_rejected_whole_with_every_problem(app, runner, tmp_path):
    bad = {"groups": [{"slug": "topic", "name": "Topic", "tags": [
        {"slug": "talent-pipeline", "name": "Talent pipeline", "aliases": [{"name": "Human capital", "program": "nope"}]},
        {"slug": "hr", "name": "HR", "parent": "missing", "aliases": [{"name": "talent  pipeline"}]},
    ]}]}
    path = tmp_path / "bad.yaml"
    import yaml
    path.write_text(yaml.safe_dump(bad))
    result = runner.invoke(args=["taxonomy", "load", str(path)])
    assert result.exit_code != 0
    assert "unknown program 'nope'" in result.output
    assert "parent 'missing'" in result.output
    assert "'talent  pipeline' collides with tag talent-pipeline" in result.output
    assert db.session.query(Tag).count() == 0

    path.write_text("groups: [unclosed")
    assert "not valid YAML" in runner.invoke(args=["taxonomy", "load", str(path)]).output


def test_the_shipped_starter_taxonomy_is_rich_and_valid(app):
    data = loader.read_file(loader.DEFAULT_FILE)
    assert loader.validate(data) == []
    loader.load(data)
    assert db.session.query(TagGroup).count() >= 4
    assert db.session.query(Tag).count() >= 60
    aliases = db.session.query(TagAlias).all()
    assert len(aliases) >= 80
    programs = {a.program.slug for a in aliases if a.program}
    assert {"uelf", "psdr", "csli"} <= programs
    assert services.resolve("human capital") is not None


# --- pages ------------------------------------------------------------------------------------

def test_tags_index_lists_groups_with_usage_counts(taxonomy, member_client, make_thread):
    thread = make_thread()
    services.file_under(thread.id, [taxonomy["teacher-residency"]])
    db.session.commit()
    page = visible(member_client.get("/tags"))
    assert "Topic" in page and "Role" in page and "Scale (one per item)" in page
    assert "Teacher residency 1" in page and "Talent pipeline 1" in page and "Principal 0" in page


def test_tag_page_shows_guidance_aliases_family_and_content(taxonomy, member_client, make_thread, make_practice):
    thread = make_thread(title="Residency funding models")
    services.file_under(thread.id, [taxonomy["teacher-residency"]])
    db.session.commit()
    make_practice(title="Our residency pipeline", tags=[taxonomy["teacher-residency"]])
    page = visible(member_client.get("/tags/talent-pipeline"))
    assert "Use this tag for: Use this tag for recruiting" in page
    assert "Also called Educator workforce (in PSDR)" in page and "Human capital (in UELF)" in page
    assert "Teacher residency" in page  # a narrower tag
    assert "Residency funding models" in page and "Our residency pipeline" in page
    child = visible(member_client.get("/tags/teacher-residency"))
    assert "Tags › Topic › Talent pipeline" in child


def test_an_alias_url_redirects_to_the_canonical_tag(taxonomy, member_client):
    response = member_client.get("/tags/human-capital")
    assert response.status_code == 301 and response.headers["Location"].endswith("/tags/talent-pipeline")
    assert member_client.get("/tags/nothing-like-this").status_code == 404


def test_the_tag_picker_explains_how_words_are_filed(taxonomy, member_client):
    response = member_client.htmx_get("/tags/suggest?tags=human capital, brand new, educ")
    page = visible(response)
    assert "“human capital” → filed under Talent pipeline" in page
    assert "“brand new” is new: it goes to the moderators as a proposal" in page
    assert "Educator workforce → Talent pipeline" in page


def test_tags_pages_need_an_active_account(taxonomy, client, pending_client):
    assert client.get("/tags").status_code == 302
    assert pending_client.get("/tags/principal").status_code == 403


def _category_id() -> int:
    from exchange.models import Category
    category = db.session.query(Category).first()
    if category is None:
        category = Category(name="Talent", slug="talent")
        db.session.add(category)
        db.session.commit()
    return category.id


def test_the_author_retags_a_discussion_by_editing_its_opening_post(taxonomy, member_client, make_thread):
    thread = make_thread(author=member_client.user)
    post_id = db.session.scalar(select(Thread).where(Thread.id == thread.id)).id
    from exchange.models import Post
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    form = member_client.get(f"/p/{opening.id}/edit")
    assert 'name="tags"' in form.get_data(as_text=True)
    response = member_client.submit(f"/p/{opening.id}/edit", {
        "title": thread.title, "body": opening.body_source, "tags": "teacher residency, parent involvement"})
    assert response.status_code == 303
    assert _filed(post_id) == {"teacher-residency": False, "talent-pipeline": True, "family-engagement": False}
    refused = member_client.submit(f"/p/{opening.id}/edit", {
        "title": thread.title, "body": "New words I typed", "tags": "Statewide, district-wide"})
    assert refused.status_code == 422 and "Scale takes one tag" in visible(refused)
    assert "New words I typed" in refused.get_data(as_text=True)


def test_moderators_edit_guidance_group_and_parent_from_the_tag_page(taxonomy, moderator_client):
    topic = db.session.scalar(select(TagGroup).where(TagGroup.slug == "topic"))
    response = moderator_client.submit("/tags/teacher-residency/edit", {
        "name": "Teacher residency", "guidance": "Paid apprenticeships with a mentor teacher.",
        "group": topic.id, "parent": 0})
    assert response.status_code == 303
    page = visible(moderator_client.get("/tags/teacher-residency"))
    assert "Use this tag for: Paid apprenticeships with a mentor teacher." in page
    assert "› Talent pipeline" not in page
    looped = moderator_client.submit("/tags/talent-pipeline/edit", {
        "name": "Talent pipeline", "guidance": "", "group": topic.id, "parent": taxonomy["talent-pipeline"].id})
    assert looped.status_code == 422
