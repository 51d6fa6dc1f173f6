"""Documents the index may still hold that the database no longer lists, left out of a search
before it counts: so the result count, the facets and the list leave them out alike.

- Intents still in the outbox (the indexer has not caught up yet): a thread, member or opening
  changed a moment ago that is no longer listed (a member suspended, an opening post hidden, an
  opening closed). A backend that writes documents in the changing transaction has none.
- Openings past their closing date that the sweep has not marked expired yet: the index keeps an
  opening until a change to it is indexed, and the date moves on its own.

Both lists are short (the outbox drains within seconds, the sweep runs daily), and each costs one
small query. A row changed behind the services' back (no intent at all) is still left out of the
list when the hits are loaded (services.py), but counted until the next reindex.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Opportunity, SearchOutbox, Thread, User
from .documents import MEMBER, OPPORTUNITY, THREAD, key, listed_members, listed_opportunities, listed_threads
from .interface import SearchBackend

MAX_PENDING = 1_000


def unlisted_keys(backend: SearchBackend) -> set[str]:
    keys = {key(OPPORTUNITY, i) for i in db.session.scalars(
        select(Opportunity.id).where(Opportunity.status == Opportunity.OPEN, Opportunity.closes_on < date.today()))}
    if backend.applies_in_transaction:
        return keys
    pending: dict[str, set[int]] = defaultdict(set)
    for doctype, doc_id in db.session.execute(
            select(SearchOutbox.doc_type, SearchOutbox.doc_id).order_by(SearchOutbox.id).limit(MAX_PENDING)):
        pending[doctype].add(doc_id)
    listed = {THREAD: (Thread.id, listed_threads), MEMBER: (User.id, listed_members),
              OPPORTUNITY: (Opportunity.id, listed_opportunities)}
    for doctype, ids in pending.items():
        if doctype in listed:
            column, rule = listed[doctype]
            shown = set(db.session.scalars(select(column).where(column.in_(ids), rule())))
            keys.update(key(doctype, i) for i in ids - shown)
    return keys
