"""The search query language, parsed once and shared by both backends.

``parse`` turns what a member typed into a ``Query`` (pure: no database). Anything that is
not a well-formed operator is searched as text, so no input is ever an error: an unbalanced
quote is dropped, a lone ``-`` is ignored, ``tag:`` with nothing after it is the word "tag",
``before:yesterday`` is two words. ``resolve`` (search/plan.py) then looks the operators up.

    words            stemmed, all must match
    "exact phrase"   the words next to each other
    -word, -"a b"    must not match
    tag:slug         filed under the tag (aliases and child tags count)
    region:slug      written by members of the region, or an opening there (cities count for their metro)
    author:name      @name works too
    kind:practice    or kind:discussion, kind:opportunity (career openings)
    in:category      the category's slug
    before:YYYY-MM-DD, after:YYYY-MM-DD
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .analysis import WORD

MAX_QUERY = 512
MAX_TERMS = 32  # words and phrases beyond this add cost, not precision

OPERATORS = ("tag", "region", "author", "kind", "in", "before", "after")
KINDS = {"practice": "practice", "practices": "practice", "discussion": "discussion",
         "discussions": "discussion", "thread": "discussion", "threads": "discussion",
         "opportunity": "opportunity", "opportunities": "opportunity", "opening": "opportunity",
         "openings": "opportunity"}

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_SLUG = re.compile(r"^[\w-]{1,80}$", re.UNICODE)
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


@dataclass
class Query:
    raw: str = ""
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)  # each a word or a phrase
    tags: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    before: date | None = None
    after: date | None = None

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def has_filters(self) -> bool:
        return bool(self.tags or self.regions or self.authors or self.kinds or self.categories
                    or self.before or self.after)

    @property
    def is_empty(self) -> bool:
        return not (self.has_text or self.has_filters)


def words_of(text: str) -> list[str]:
    """The lower-cased words of ``text`` as the indexer splits them (``k12.org`` stays one word)."""
    return WORD.findall(text.lower())


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def _balanced(text: str) -> str:
    """Drop the last quote mark when quotes are unbalanced: the rest is searched as text."""
    if text.count('"') % 2:
        head, _, tail = text.rpartition('"')
        return f"{head} {tail}"
    return text


def _operator(query: Query, name: str, value: str) -> bool:
    """Apply ``name:value`` to the query; False when it is not a well-formed operator."""
    if not value:
        return False
    if name in ("tag", "region", "in"):
        if not _SLUG.match(value):
            return False
        target = {"tag": query.tags, "region": query.regions, "in": query.categories}[name]
        target.append(value.lower())
    elif name == "author":
        if not _USERNAME.match(value.lstrip("@")):
            return False
        query.authors.append(value.lstrip("@").lower())
    elif name == "kind":
        if value.lower() not in KINDS:
            return False
        query.kinds.append(KINDS[value.lower()])
    elif name in ("before", "after"):
        when = _date(value)
        if when is None:
            return False
        setattr(query, name, when)
    return True


def parse(text: str | None) -> Query:
    raw = (text or "")[:MAX_QUERY]
    query = Query(raw=raw.strip())
    for match in _TOKEN.finditer(_balanced(raw)):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            words = words_of(quoted)
            if words:
                (query.excluded if negated else query.phrases).append(words)
            continue
        if bare.startswith("-") and len(bare) > 1 and not bare.startswith("--"):
            words = words_of(bare[1:])
            if words:
                query.excluded.append(words if len(words) > 1 else words[:1])
            continue
        if bare.startswith("@") and _operator(query, "author", bare[1:]):
            continue
        name, colon, value = bare.partition(":")
        if colon and name.lower() in OPERATORS and _operator(query, name.lower(), value):
            continue
        words = words_of(bare)
        if len(words) > 1 and "-" in bare:
            query.phrases.append(words)  # "data-driven" means the two words together
        else:
            query.words.extend(words)
    del query.words[MAX_TERMS:]
    del query.phrases[MAX_TERMS:]
    del query.excluded[MAX_TERMS:]
    return query


def unparse(query: Query) -> str:
    """The canonical text of a query (what facet links extend)."""
    parts = list(query.words)
    parts += [f'"{" ".join(p)}"' for p in query.phrases]
    parts += [f"-{e[0]}" if len(e) == 1 else f'-"{" ".join(e)}"' for e in query.excluded]
    parts += [f"tag:{t}" for t in query.tags] + [f"region:{r}" for r in query.regions]
    parts += [f"@{a}" for a in query.authors] + [f"kind:{k}" for k in query.kinds]
    parts += [f"in:{c}" for c in query.categories]
    if query.after:
        parts.append(f"after:{query.after.isoformat()}")
    if query.before:
        parts.append(f"before:{query.before.isoformat()}")
    return " ".join(parts)
