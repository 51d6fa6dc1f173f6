"""From a parsed query to a search plan: operators looked up, tag words expanded.

The plan is what both backends execute, so tag, region, author and category lookups,
alias expansion and the "searched as text" fallbacks happen here, once.

Alias expansion: a run of plain words that is the name of a tag or one of its aliases
("human capital") matches its words *or* anything filed under the tag, and the results
say so ("matched via human capital → Talent pipeline").

Stop words: a word or phrase made only of words no backend indexes ("the", "how", a single
letter: ``analysis.searchable``) is left out of the plan, so it neither matches everything
(Whoosh) nor nothing (PostgreSQL); a query of nothing else says they are too common to search.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select

from ..extensions import db
from ..members.regions import area_ids
from ..models import Category, Region, Tag, TagAlias, User
from ..taxonomy.keys import tag_key
from .analysis import searchable
from .query import Query, words_of

MAX_ALIAS_WORDS = 3


@dataclass
class Clause:
    """One required piece of text; a tag word also matches what is filed under its tag."""

    words: list[str]
    phrase: bool = False
    tag_ids: list[int] = field(default_factory=list)


@dataclass
class Via:
    typed: str
    tag: Tag


@dataclass
class Plan:
    query: Query
    clauses: list[Clause] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)            # every one required
    region_ids: list[list[int]] = field(default_factory=list)   # for each, one of them
    author_ids: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    before: date | None = None
    after: date | None = None
    via: list[Via] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.clauses or self.tag_ids or self.region_ids or self.author_ids or self.kinds
                    or self.category_ids or self.before or self.after)

    @property
    def words(self) -> list[str]:
        return [w for c in self.clauses for w in c.words]


def _tag_words(words: list[str]) -> dict[str, Tag]:
    """Every run of 1-3 words that names a tag or an alias, by its key."""
    keys = {tag_key(" ".join(words[i:i + n])) for n in range(1, MAX_ALIAS_WORDS + 1)
            for i in range(len(words) - n + 1)}
    keys.discard("")
    if not keys:
        return {}
    found = {t.slug: t for t in db.session.scalars(select(Tag).where(Tag.slug.in_(keys)))}
    for alias in db.session.scalars(select(TagAlias).where(TagAlias.slug.in_(keys))):
        found.setdefault(alias.slug, alias.tag)
    return found


def _expand(plan: Plan, words: list[str]) -> None:
    named = _tag_words(words)
    i = 0
    while i < len(words):
        for n in range(min(MAX_ALIAS_WORDS, len(words) - i), 0, -1):
            tag = named.get(tag_key(" ".join(words[i:i + n])))
            if tag is not None:
                plan.clauses.append(Clause(words[i:i + n], phrase=n > 1, tag_ids=[tag.id]))
                plan.via.append(Via(" ".join(words[i:i + n]), tag))
                i += n
                break
        else:
            plan.clauses.append(Clause([words[i]]))
            i += 1


def _region_ids(slugs: list[str]) -> dict[str, tuple[Region, list[int]]]:
    if not slugs:
        return {}
    regions = {r.slug: r for r in db.session.scalars(select(Region).where(Region.slug.in_(slugs)))}
    parents: dict[int, int | None] = {}
    if regions:
        ids = [r.id for r in regions.values()]
        parents = dict(db.session.execute(select(Region.id, Region.parent_id)
                                          .where(or_(Region.id.in_(ids), Region.parent_id.in_(ids)))).all())
    return {slug: (r, area_ids(r.id, parents)) for slug, r in regions.items()}


def _as_text(plan: Plan, value: str, what: str) -> list[str]:
    plan.notes.append(f"No {what} called “{value}”, so it was searched as words.")
    return words_of(value)


def resolve(query: Query) -> Plan:
    plan = Plan(query=query, kinds=list(dict.fromkeys(query.kinds)), before=query.before, after=query.after,
                excluded=list(query.excluded))
    extra_words: list[str] = []

    for slug in dict.fromkeys(query.tags):
        tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
        if tag is None:
            alias = db.session.scalar(select(TagAlias).where(TagAlias.slug == tag_key(slug)))
            tag = alias.tag if alias else None
        if tag is None:
            extra_words += _as_text(plan, slug, "tag")
        elif tag.id not in plan.tag_ids:
            plan.tag_ids.append(tag.id)  # content under a child is filed under its parents too
            plan.tags.append(tag)

    regions = _region_ids(list(dict.fromkeys(query.regions)))
    for slug in dict.fromkeys(query.regions):
        if slug in regions:
            plan.regions.append(regions[slug][0])
            plan.region_ids.append(regions[slug][1])
        else:
            extra_words += _as_text(plan, slug, "region")

    for name in dict.fromkeys(query.authors):
        user_id = db.session.scalar(select(User.id).where(func.lower(User.username) == name))
        if user_id is None:
            extra_words += _as_text(plan, name, "member")
        else:
            plan.author_ids.append(user_id)

    for slug in dict.fromkeys(query.categories):
        category_id = db.session.scalar(select(Category.id).where(Category.slug == slug))
        if category_id is None:
            extra_words += _as_text(plan, slug, "category")
        else:
            plan.category_ids.append(category_id)

    _expand(plan, query.words + extra_words)
    for phrase in query.phrases:
        named = _tag_words(phrase).get(tag_key(" ".join(phrase)))
        plan.clauses.append(Clause(phrase, phrase=len(phrase) > 1, tag_ids=[named.id] if named else []))
        if named:
            plan.via.append(Via(" ".join(phrase), named))
    _drop_stop_words(plan)
    return plan


def _drop_stop_words(plan: Plan) -> None:
    common = [c for c in plan.clauses if not c.tag_ids and not any(map(searchable, c.words))]
    plan.clauses = [c for c in plan.clauses if c not in common]
    plan.excluded = [words for words in plan.excluded if any(map(searchable, words))]
    if common and not plan.clauses:
        typed = ", ".join(f"“{' '.join(c.words)}”" for c in common[:3])
        plan.notes.append(f"{typed} {'is' if len(common) == 1 else 'are'} too common to search, so "
                          f"{'it was' if len(common) == 1 else 'they were'} left out.")
