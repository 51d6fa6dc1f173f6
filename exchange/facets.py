"""A filter value with its count, as the practices library and the member directory show it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool
