"""Metros and their cities: a metro's area is the metro and every region filed under it.

Regions are two levels deep (a city's parent is a metro; a metro has none), so a city's area
is the city, and the metro a region counts for is its parent or itself. Filters by region
(the directory, the practice library, search) and counts per metro all say it through here:
once over a region table the caller holds already, once as SQL where the lookup must stay
inside one statement; tests/test_members.py checks that the two agree.

A leaf: imports models only.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, Select, func, or_, select

from ..models import Region


def area_ids(region_id: int, parents: Mapping[int, int | None]) -> list[int]:
    """The region and its cities, from a loaded table (``parents``: region id → parent id)."""
    return [region_id] + [r for r, parent in parents.items() if parent == region_id]


def area(region) -> Select:
    """SQL: the ids of the region and its cities (``region``: an id or a scalar subquery)."""
    return select(Region.id).where(or_(Region.id == region, Region.parent_id == region))


def metro_id(region=Region) -> ColumnElement[int]:
    """SQL: the metro a region counts for (``region``: Region or an alias of it)."""
    return func.coalesce(region.parent_id, region.id)
