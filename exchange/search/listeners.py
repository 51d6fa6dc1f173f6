"""Search listens to what services announce (exchange/events.py) and queues the documents to rebuild,
in the announcing transaction. Imported once by the app factory."""
from __future__ import annotations

from .. import events
from . import outbox


def _threads(sender, ids) -> None:
    outbox.queue_threads(*ids)


def _members(sender, ids) -> None:
    outbox.queue_members(*ids)


def _opportunities(sender, ids) -> None:
    outbox.queue_opportunities(*ids)


def _tags(sender, ids) -> None:
    outbox.queue_tagged(list(ids))


def _authors(sender, ids) -> None:
    outbox.queue_authored(*ids)


events.threads_changed_signal.connect(_threads)
events.members_changed_signal.connect(_members)
events.opportunities_changed_signal.connect(_opportunities)
events.tags_changed_signal.connect(_tags)
events.authors_changed_signal.connect(_authors)
