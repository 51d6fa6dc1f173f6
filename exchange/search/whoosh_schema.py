"""What the Whoosh index holds: its schema, and a ``Document`` turned into the fields it stores."""
from __future__ import annotations

from datetime import datetime

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from . import analysis
from .documents import Document

# Text fields arrive as terms already analysed (search/analysis.py), separated by spaces.
_TERMS = SpaceSeparatedTokenizer()

SCHEMA = Schema(
    key=ID(unique=True, stored=True),
    doctype=ID,
    kind=ID,
    title=STORED,
    title_terms=TEXT(analyzer=_TERMS, phrase=False),
    content=TEXT(analyzer=_TERMS, phrase=False),  # title, tags with aliases, names, places, every post
    pairs=TEXT(analyzer=_TERMS, phrase=False),    # the same text as adjacent word pairs, for phrases
    body=STORED,                                  # the text snippets are cut from
    tag=KEYWORD(commas=True),
    region=KEYWORD(commas=True),
    author=KEYWORD(commas=True),
    category=ID,
    created=DATETIME(sortable=True),
    copy=ID(sortable=True),                       # a practice's copy key (copies.py); a column, read per match
)


def fields(doc: Document) -> dict:
    terms = analysis.terms("\n".join((doc.title, doc.tagtext, doc.meta, doc.body)))
    return ({"copy": doc.copy_of} if doc.copy_of else {}) | {
        "key": doc.key, "doctype": doc.doctype, "kind": doc.kind, "title": doc.title,
        "title_terms": " ".join(analysis.terms(doc.title)), "content": " ".join(terms),
        "pairs": " ".join(analysis.pairs(terms)), "body": doc.body,
        "tag": ",".join(map(str, doc.tag_ids)), "region": ",".join(map(str, doc.region_ids)),
        "author": ",".join(map(str, doc.author_ids)),
        "category": str(doc.category_id or ""), "created": doc.created or datetime(1970, 1, 1),
    }
