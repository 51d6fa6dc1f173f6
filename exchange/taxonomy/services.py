"""The common taxonomy: resolving words to canonical tags, filing content, governing the tag set.

Every spelling goes through ``tag_key`` (the normalised slug), so *Family Engagement*,
*family-engagement* and *family  engagement* are one word. Content is filed under the
tags its author chose plus their ancestors (rows marked ``implied``), so filtering by a
parent finds its children's content with one indexed lookup.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..moderation.log import log_moderation
from ..models import MemberExpertise, Program, Tag, TagAlias, TagGroup, TagProposal, Thread, ThreadTag, User, utcnow
from .. import events
from ..text import normalise_whitespace
from .keys import tag_key
from .tree import ancestors, subtree_ids

TAG_LIMIT = 8
WORD_MAX = 60


# --- reading -----------------------------------------------------------------------

def groups_with_tags() -> list[TagGroup]:
    return list(db.session.scalars(
        select(TagGroup).options(selectinload(TagGroup.tags).selectinload(Tag.aliases))
        .order_by(TagGroup.position, TagGroup.name)
    ))


def usage_counts() -> dict[int, int]:
    """Published items filed under each tag (children's content counts for the parent)."""
    return dict(db.session.execute(
        select(ThreadTag.tag_id, func.count()).join(Thread, Thread.id == ThreadTag.thread_id)
        .where(Thread.listed_sql()).group_by(ThreadTag.tag_id)).all())


def tag_by_slug(slug: str) -> Tag | None:
    return db.session.scalar(
        select(Tag).options(joinedload(Tag.group), joinedload(Tag.parent),
                            selectinload(Tag.children), selectinload(Tag.aliases).joinedload(TagAlias.program))
        .where(Tag.slug == slug)
    )


def alias_by_key(key: str) -> TagAlias | None:
    return db.session.scalar(select(TagAlias).options(joinedload(TagAlias.tag)).where(TagAlias.slug == key))


def all_tags() -> list[Tag]:
    return list(db.session.scalars(select(Tag).options(joinedload(Tag.group)).order_by(Tag.name)))


@dataclass
class Match:
    """What one typed word resolved to."""

    typed: str
    tag: Tag
    alias: TagAlias | None = None


def resolve(word: str) -> Match | None:
    key = tag_key(word)
    if not key:
        return None
    tag = db.session.scalar(select(Tag).options(joinedload(Tag.group)).where(Tag.slug == key))
    if tag is not None:
        return Match(word, tag)
    alias = db.session.scalar(
        select(TagAlias).options(joinedload(TagAlias.tag).joinedload(Tag.group), joinedload(TagAlias.program))
        .where(TagAlias.slug == key)
    )
    if alias is not None:
        return Match(word, alias.tag, alias)
    # A tag whose display name normalises differently from its slug (e.g. "MTSS / RTI").
    for tag in db.session.scalars(select(Tag).options(joinedload(Tag.group))):
        if tag_key(tag.name) == key:
            return Match(word, tag)
    return None


def suggest(prefix: str, limit: int = 8) -> list[Match]:
    """Tags and aliases whose words start with (or contain) what was typed, best first."""
    key = tag_key(prefix)
    if not key:
        return []
    pattern = f"%{key}%"
    tags = db.session.scalars(select(Tag).options(joinedload(Tag.group)).where(Tag.slug.like(pattern))
                              .order_by(Tag.slug).limit(limit))
    aliases = db.session.scalars(
        select(TagAlias).options(joinedload(TagAlias.tag).joinedload(Tag.group), joinedload(TagAlias.program))
        .where(TagAlias.slug.like(pattern)).order_by(TagAlias.slug).limit(limit))
    matches = [Match(t.name, t) for t in tags] + [Match(a.name, a.tag, a) for a in aliases]
    matches.sort(key=lambda m: (not tag_key(m.typed).startswith(key), tag_key(m.typed)))
    return matches[:limit]


# --- choosing tags for an item ---------------------------------------------------------

@dataclass
class TagChoice:
    """The outcome of reading a comma-separated tag field."""

    matches: list[Match] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # become proposals
    errors: list[str] = field(default_factory=list)

    @property
    def tags(self) -> list[Tag]:
        return [m.tag for m in self.matches]


def split_words(text: str) -> list[str]:
    return [normalise_whitespace(w) for w in (text or "").split(",") if w.strip()]


def choose_tags(text: str) -> TagChoice:
    """Resolve every word; collect every problem so the member can fix them all at once.

    Words that resolve to one tag (the tag and its aliases, or two aliases) file the item once under it."""
    choice = TagChoice()
    words = split_words(text)
    if len(words) > TAG_LIMIT:
        choice.errors.append(f"Use at most {TAG_LIMIT} tags; you entered {len(words)}.")
    by_tag: dict[int, Match] = {}
    unknown_keys: set[str] = set()
    for word in words:
        if len(word) > WORD_MAX:
            choice.errors.append(f"“{word[:30]}…” is too long for a tag ({WORD_MAX} characters at most).")
            continue
        key = tag_key(word)
        if not key:
            choice.errors.append(f"“{word}” has no letters or digits we can file it under.")
            continue
        match = resolve(word)
        if match is None:
            if key in unknown_keys:
                choice.errors.append(f"You entered “{word}” twice.")
            unknown_keys.add(key)
            choice.unknown.append(word)
            continue
        if match.tag.id in by_tag:
            # Two programs' words for one concept are one tag: merged without a word. The same word
            # typed twice is a slip the member may want to know about.
            if tag_key(by_tag[match.tag.id].typed) == key:
                choice.errors.append(f"You entered “{word}” twice.")
            continue
        by_tag[match.tag.id] = match
        choice.matches.append(match)
    for group_name, names in _single_choice_conflicts(choice.tags).items():
        choice.errors.append(f"{group_name} takes one tag; choose one of {', '.join(names)}.")
    return choice


def _single_choice_conflicts(tags: list[Tag]) -> dict[str, list[str]]:
    groups: dict[int, list[Tag]] = {}
    for tag in tags:
        if tag.group.single_choice:
            groups.setdefault(tag.group_id, []).append(tag)
    return {ts[0].group.name: [t.name for t in ts] for ts in groups.values() if len(ts) > 1}


def tag_field_value(thread: Thread) -> str:
    return ", ".join(t.name for t in thread.tags)


def file_under(thread_id: int, tags: list[Tag]) -> None:
    """Replace an item's tags with ``tags`` and the ancestors they imply; inside a transaction."""
    db.session.execute(delete(ThreadTag).where(ThreadTag.thread_id == thread_id))
    chosen = {t.id for t in tags}
    implied: set[int] = set()
    for tag in tags:
        implied.update(a.id for a in ancestors(tag) if a.id not in chosen)
    db.session.add_all([ThreadTag(thread_id=thread_id, tag_id=i, implied=False) for i in chosen]
                       + [ThreadTag(thread_id=thread_id, tag_id=i, implied=True) for i in implied])
    db.session.flush()
    db.session.expire_all()
    events.threads_changed(thread_id)


def propose_words(words: list[str], *, proposer: User, thread_id: int) -> list[TagProposal]:
    """Record unknown words as proposals; inside the item's transaction."""
    proposals = [TagProposal(name=w[:80], slug=tag_key(w), proposer_id=proposer.id, thread_id=thread_id)
                 for w in words]
    db.session.add_all(proposals)
    return proposals


def pending_proposals_for(thread_id: int) -> list[TagProposal]:
    return list(db.session.scalars(select(TagProposal).where(
        TagProposal.thread_id == thread_id, TagProposal.status == TagProposal.PENDING)))


def _chosen_tags_of(thread_id: int) -> list[Tag]:
    return list(db.session.scalars(select(Tag).join(ThreadTag).where(
        ThreadTag.thread_id == thread_id, ThreadTag.implied.is_(False))))


def refile(thread_ids: set[int]) -> None:
    for thread_id in thread_ids:
        file_under(thread_id, _chosen_tags_of(thread_id))


def refile_branches(tags: list[Tag]) -> None:
    """Content under tags whose parent changed implies different ancestors now; file it again."""
    ids = {i for tag in tags for i in subtree_ids(tag.id)}
    if ids:
        refile(set(db.session.scalars(select(ThreadTag.thread_id).where(ThreadTag.tag_id.in_(ids)))))


def _add_tag_to(thread_id: int, tag: Tag) -> None:
    current = _chosen_tags_of(thread_id)
    if tag.id not in {t.id for t in current}:
        file_under(thread_id, current + [tag])


# --- governance (moderators) -------------------------------------------------------------

def _check_word_free(key: str, *, allow_tag: int | None = None, allow_alias: int | None = None) -> None:
    """A word may name one tag or one alias, never two things."""
    if not key:
        raise ServiceError("That word has no letters or digits.", "name")
    tag = db.session.scalar(select(Tag).where(Tag.slug == key))
    if tag is not None and tag.id != allow_tag:
        raise ServiceError(f"“{tag.name}” is already a tag.", "name")
    alias = db.session.scalar(select(TagAlias).options(joinedload(TagAlias.tag)).where(TagAlias.slug == key))
    if alias is not None and alias.id != allow_alias:
        raise ServiceError(f"“{alias.name}” is already an alias of {alias.tag.name}.", "name")


def add_alias(*, tag: Tag, name: str, program: Program | None, actor: User | None = None) -> TagAlias:
    name = normalise_whitespace(name)
    if not name or len(name) > WORD_MAX:
        raise ServiceError(f"An alias is 1–{WORD_MAX} characters.", "name")
    with transaction():
        _check_word_free(tag_key(name))
        alias = TagAlias(tag_id=tag.id, name=name, slug=tag_key(name), program_id=program.id if program else None)
        db.session.add(alias)
        events.tags_changed([tag.id])  # the alias is a word that now finds the tag's content and experts
        if actor is not None:
            log_moderation(actor, "add_alias", tag, label=f"{name} → {tag.name}")
    return alias


def update_tag(*, tag: Tag, actor: User, name: str, guidance: str, group: TagGroup,
               parent: Tag | None) -> Tag:
    name = normalise_whitespace(name)
    if not name or len(name) > WORD_MAX:
        raise ServiceError(f"A tag name is 1–{WORD_MAX} characters.", "name")
    if parent is not None:
        if parent.id == tag.id or tag.id in {a.id for a in ancestors(parent)}:
            raise ServiceError("A tag cannot sit under itself or one of its own children.", "parent")
        if parent.group_id != group.id:
            raise ServiceError(f"The parent must be in the same group ({group.name}).", "parent")
    with transaction():
        key = tag_key(name)
        if key != tag.slug:
            alias = db.session.scalar(select(TagAlias).where(TagAlias.slug == key))
            if alias is None or alias.tag_id != tag.id:
                _check_word_free(key, allow_tag=tag.id)
        moved = (parent.id if parent else None) != tag.parent_id
        tag.name, tag.guidance, tag.group_id = name, guidance.strip(), group.id
        tag.parent_id = parent.id if parent else None
        db.session.flush()
        if moved:
            refile_branches([tag])
        events.tags_changed([tag.id])
        log_moderation(actor, "edit_tag", tag, label=tag.name)
    return tag


def merge_tag(*, source: Tag, target: Tag, actor: User) -> Tag:
    """Fold ``source`` into ``target``: its words become aliases, its content is re-tagged and its
    experts have ``target`` as expertise instead."""
    if source.id == target.id:
        raise ServiceError("Choose a different tag to merge into.", "target")
    if source.id in {a.id for a in ancestors(target)}:
        raise ServiceError(f"{target.name} sits under {source.name}; move it out first.", "target")
    with transaction():
        affected = set(db.session.scalars(select(ThreadTag.thread_id).where(ThreadTag.tag_id == source.id)))
        chosen_source = set(db.session.scalars(select(ThreadTag.thread_id).where(
            ThreadTag.tag_id == source.id, ThreadTag.implied.is_(False))))
        db.session.execute(update(TagAlias).where(TagAlias.tag_id == source.id).values(tag_id=target.id))
        db.session.execute(update(Tag).where(Tag.parent_id == source.id).values(parent_id=target.id))
        db.session.execute(update(TagProposal).where(TagProposal.tag_id == source.id).values(tag_id=target.id))
        db.session.execute(update(MemberExpertise).where(  # (a member with both keeps one row; the other goes)
            MemberExpertise.tag_id == source.id,
            MemberExpertise.user_id.not_in(select(MemberExpertise.user_id).where(MemberExpertise.tag_id == target.id)))
            .values(tag_id=target.id))
        source_name, source_slug, source_id = source.name, source.slug, source.id
        for thread_id in chosen_source:
            chosen = [t for t in _chosen_tags_of(thread_id) if t.id != source_id]
            if target.id not in {t.id for t in chosen}:
                chosen.append(target)
            file_under(thread_id, chosen)
        db.session.execute(delete(ThreadTag).where(ThreadTag.tag_id == source_id))
        db.session.execute(delete(Tag).where(Tag.id == source_id))
        db.session.flush()
        db.session.add(TagAlias(tag_id=target.id, name=source_name, slug=source_slug, program_id=None))
        refile(affected - chosen_source)
        events.tags_changed([target.id])  # its content and experts, the source's included now
        log_moderation(actor, "merge_tag", target, label=f"{source_name} → {target.name}")
    return target


def pending_proposals() -> list[TagProposal]:
    return list(db.session.scalars(
        select(TagProposal).options(joinedload(TagProposal.proposer), joinedload(TagProposal.thread))
        .where(TagProposal.status == TagProposal.PENDING).order_by(TagProposal.created_at)
    ))


def _same_word_proposals(proposal: TagProposal) -> list[TagProposal]:
    return list(db.session.scalars(select(TagProposal).where(
        TagProposal.slug == proposal.slug, TagProposal.status == TagProposal.PENDING)))


def _decide(proposals: list[TagProposal], status: str, actor: User, tag: Tag | None) -> None:
    now = utcnow()
    for p in proposals:
        p.status, p.decided_by_id, p.decided_at = status, actor.id, now
        p.tag_id = tag.id if tag else None
        if tag is not None and p.thread_id is not None:
            _add_tag_to(p.thread_id, tag)
        events.proposal_decided(proposer_id=p.proposer_id, word=p.name, outcome=status, thread_id=p.thread_id,
                                moderator_id=actor.id)


def _require_pending(proposal: TagProposal) -> None:
    if proposal.status != TagProposal.PENDING:
        raise ServiceError(f"“{proposal.name}” was already decided ({proposal.status}).")


def approve_proposal(*, proposal: TagProposal, actor: User, group: TagGroup, parent: Tag | None = None,
                     guidance: str = "") -> Tag:
    """Make the word a canonical tag and file every item that proposed it."""
    _require_pending(proposal)
    if parent is not None and parent.group_id != group.id:
        raise ServiceError(f"The parent must be in the same group ({group.name}).", "parent")
    with transaction():
        _check_word_free(proposal.slug)
        tag = Tag(slug=proposal.slug, name=proposal.name, group_id=group.id,
                  parent_id=parent.id if parent else None, guidance=guidance.strip())
        db.session.add(tag)
        db.session.flush()
        _decide(_same_word_proposals(proposal), TagProposal.APPROVED, actor, tag)
        log_moderation(actor, "approve_tag", tag, label=tag.name)
    return tag


def merge_proposal(*, proposal: TagProposal, actor: User, target: Tag) -> TagAlias:
    """The word becomes an alias of an existing tag; items that used it are filed there."""
    _require_pending(proposal)
    with transaction():
        _check_word_free(proposal.slug)
        alias = TagAlias(tag_id=target.id, name=proposal.name, slug=proposal.slug, program_id=None)
        db.session.add(alias)
        _decide(_same_word_proposals(proposal), TagProposal.MERGED, actor, target)
        events.tags_changed([target.id])  # as add_alias: the word now finds everything under the tag
        log_moderation(actor, "merge_proposal", target, label=f"{proposal.name} → {target.name}")
    return alias


def reject_proposal(*, proposal: TagProposal, actor: User) -> None:
    _require_pending(proposal)
    with transaction():
        _decide(_same_word_proposals(proposal), TagProposal.REJECTED, actor, None)
        log_moderation(actor, "reject_tag", proposal, label=proposal.name)
