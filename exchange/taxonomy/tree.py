"""The tag tree walked either way: a tag and everything under it, or a tag's ancestors.

Content is filed under its tags' ancestors, and a filter by a tag finds its subtree, so both
walks are rules of the taxonomy, written once here. Each takes the step (a tag's children, a
tag's parent) as a function, so a caller that holds the tree already (the directory's cached
reference, a batch of search documents, a loaded Tag) asks no more SQL. Each stops at a loop,
which no edit allows but an old import might have left.

A leaf: imports models and the database only, so services, search and the directory all use it.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

from sqlalchemy import select

from ..extensions import db
from ..models import Tag

T = TypeVar("T", bound=Hashable)


def subtree(root: T, children: Callable[[T], Iterable[T]]) -> list[T]:
    """``root`` and every descendant, level by level."""
    found, seen, frontier = [root], {root}, [root]
    while frontier:
        level = []
        for node in frontier:
            for child in children(node):
                if child not in seen:
                    seen.add(child)
                    level.append(child)
        found.extend(level)
        frontier = level
    return found


def lineage(node: T, parent: Callable[[T], T | None]) -> list[T]:
    """``node``'s ancestors, nearest first."""
    found, seen, current = [], {node}, parent(node)
    while current is not None and current not in seen:
        found.append(current)
        seen.add(current)
        current = parent(current)
    return found


def ancestors(tag: Tag) -> list[Tag]:
    """A loaded tag's ancestors, nearest first."""
    return lineage(tag, lambda t: t.parent)


def with_ancestors(tag_ids: Iterable[int], parents: Mapping[int, int]) -> list[int]:
    """The tags and all their ancestors, sorted (``parents``: tag id → parent id)."""
    return sorted({i for tag_id in tag_ids for i in (tag_id, *lineage(tag_id, parents.get))})


def parents_by_id() -> dict[int, int]:
    """The whole tree as tag id → parent id, in one statement."""
    return dict(db.session.execute(select(Tag.id, Tag.parent_id).where(Tag.parent_id.is_not(None))).all())


def children_by_id(parents: Mapping[int, int]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for tag_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(tag_id)
    return children


def subtree_ids(tag_id: int) -> list[int]:
    """The tag and every descendant, from the database (one statement)."""
    children = children_by_id(parents_by_id())
    return subtree(tag_id, lambda t: children.get(t, ()))
