"""Regional copies of one practice: one hit in search, counted once.

A practice adapted in another region is posted again under its title, often with the region's
name after it in brackets ("An early-warning dashboard principals actually open (Houston)").
Two *practices* are copies of one when their titles are the same after lower-casing, collapsing
whitespace and dropping a trailing "(Name)" that names one of the practice's own regions (the
regions its document is filed under: the practice's region, and its author's when shown to all
members). Who wrote them does not matter: an adaptation is usually written up by someone in the
region that adapted it. Discussions and openings are never copies.

Both backends collapse copies before they count, so the result count, every facet count and the
list are figures of one set of hits: a collapsed hit counts once, under every value any of its
copies has (its Boston copy makes it a hit in Boston, as ``region:boston`` would find that copy),
and the best-placed copy stands for the others, which the page names ("also in Boston, Denver").

The Whoosh index keeps each practice's copy key in a column (written from ``Document.copy_of``);
an index written before it existed collapses nothing until ``flask search reindex``. PostgreSQL
works the key out at query time from the title and region ids its documents already hold.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import select

from ..extensions import db
from ..models import Region, Thread

K = TypeVar("K", bound=Hashable)
SUFFIX = re.compile(r"\(([^()]*)\)$")


def normal(text: str) -> str:
    return " ".join(text.lower().split())


def copy_key(kind: str, title: str, places: Iterable[str]) -> str:
    """What a practice's copies share ("" for anything else): its title, normalised, without a
    trailing "(Region)" that names one of ``places`` (the names of its document's regions)."""
    if kind != Thread.PRACTICE:
        return ""
    text = normal(title)
    suffix = SUFFIX.search(text)
    if suffix and normal(suffix.group(1)) in {normal(p) for p in places}:
        text = text[:suffix.start()].rstrip()
    return text


def region_names(region_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(region_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(Region.id, Region.name).where(Region.id.in_(ids))).all())


def copy_keys(rows: Sequence) -> dict[str, str]:
    """For rows with ``key``, ``kind``, ``title`` and ``region_ids``: document key → copy key, for the
    practices among them that have a copy among them. Region names are read only for titles that end
    in brackets."""
    practices = [r for r in rows if r.kind == Thread.PRACTICE]
    names = region_names(i for r in practices if r.title.rstrip().endswith(")") for i in r.region_ids or ())
    keys = {r.key: copy_key(r.kind, r.title, [names[i] for i in r.region_ids or () if i in names])
            for r in practices}
    shared = Counter(keys.values())
    return {key: copy for key, copy in keys.items() if shared[copy] > 1}


def collapse(ordered: Iterable[K], copy_of: Mapping[K, str]) -> list[list[K]]:
    """``ordered`` in groups: each item, with the copies of it that come later gathered behind it
    (``copy_of``: item → copy key, for the items that have copies)."""
    groups: list[list[K]] = []
    at: dict[str, int] = {}
    for item in ordered:
        copy = copy_of.get(item)
        if copy:
            if copy in at:
                groups[at[copy]].append(item)
                continue
            at[copy] = len(groups)
        groups.append([item])
    return groups
