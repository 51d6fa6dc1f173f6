"""The seam between Exchange and a search engine: what a backend implements, and the results it returns.

Both backends (whoosh_backend.py, postgres_backend.py) execute the same ``Plan`` and return
``Results``: keys and scores, snippets, facet counts. Snippets come back with the
``MARK_START``/``MARK_END`` control characters around matched words, and ``snippet_html``
turns that into escaped HTML with ``<mark>``, so no engine's output reaches a page unescaped.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .documents import Document
from .plan import Plan

MARK_START, MARK_END = "\x02", "\x03"
FACETS = ("kind", "tag", "region", "category")
RELEVANCE, NEWEST = "relevance", "newest"


class SearchUnavailable(Exception):
    """The index is missing, locked or damaged: search is being rebuilt."""


@dataclass
class Hit:
    doctype: str
    id: int
    score: float
    snippet: str = ""
    title: str = ""  # the title with matches marked, when it has any
    copies: list[int] = field(default_factory=list)  # ids of the regional copies this hit stands for


@dataclass
class Results:
    """One query's figures: ``total`` hits (copies of a practice collapsed into one, copies.py), the
    facet counts of those hits, and a page of them."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    complete: bool = True  # False when a time limit cut counting short


def doctypes_of(doctype: str | Sequence[str]) -> tuple[str, ...]:
    """A search's doctypes: one (``"member"``) or several searched together (threads and openings)."""
    return (doctype,) if isinstance(doctype, str) else tuple(doctype)


def snippet_html(snippet: str) -> Markup:
    text = str(escape(snippet))
    return Markup(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


class SearchBackend(ABC):
    """What every engine implements; the backends subclass it, so one missing a method fails as it is created."""

    name: str
    #: True when documents are written inside the transaction that changed the data.
    applies_in_transaction = False

    @abstractmethod
    def search(self, plan: Plan, *, doctype: str | Sequence[str], sort: str = RELEVANCE, page: int = 1,
               per_page: int = 20, facets: bool = True, exclude: Collection[str] = ()) -> Results:
        """One page of ``doctype`` documents (or of several doctypes, ranked together) matching
        ``plan`` and not keyed in ``exclude``, with facet counts when asked. Regional copies of a
        practice are one hit (copies.py): in ``total``, in the facets and in the pages, which add up
        to ``total``."""

    @abstractmethod
    def apply(self, docs: list[Document], deletes: list[str]) -> None:
        """Write ``docs`` (replacing any with the same key) and remove ``deletes``, then commit."""

    @abstractmethod
    def rebuild(self, batches) -> int:
        """Replace the whole index with the documents of ``batches`` (an iterable of lists)."""

    @abstractmethod
    def health(self) -> str:
        """"ok" or "degraded"."""

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""
