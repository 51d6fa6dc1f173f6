"""@mentions in a post's Markdown: who is named, never inside code (spans or blocks).

What a mention is (``MENTION``) is decided once, in exchange/markup.py, which also links them.
"""
from __future__ import annotations

import re
from collections.abc import Collection

from flask import has_app_context
from markdown_it import MarkdownIt
from sqlalchemy import select

from ..extensions import db
from ..markup import MENTION
from ..models import User

MAX_NOTIFIED = 10
_parser = MarkdownIt("commonmark")


def _text_outside_code(source: str) -> list[str]:
    texts = []
    for token in _parser.parse(source or ""):
        if token.type == "inline":
            texts += [child.content for child in token.children or [] if child.type == "text"]
    return texts


def mentioned(source: str) -> list[str]:
    """The usernames named with @, lower-cased, in order of first mention, without repeats."""
    names: dict[str, None] = {}
    for text in _text_outside_code(source):
        for match in MENTION.finditer(text):
            names.setdefault(match.group(1).lower(), None)
    return list(names)


def listed_usernames(names: Collection[str]) -> set[str]:
    """The mention resolver markup.py uses: of these lower-case names, those of listed members
    (active, not employers), in one query. Outside an app (markup's own tests) nobody is known."""
    if not names or not has_app_context():
        return set()
    # As any query, this flushes first: a rename or suspension earlier in the same transaction counts.
    return set(db.session.scalars(select(User.username).where(User.username.in_(names), User.listed_sql())))


ANSWERED = re.compile(r"/p/(\d+)\b")


def answered_post_ids(source: str) -> list[int]:
    """Posts this post answers: the ones it links to (Quote and Reply put that link in)."""
    return sorted({int(m) for m in ANSWERED.findall(source or "")})[:MAX_NOTIFIED]
