"""@mentions in a post's Markdown: who is named, never inside code (spans or blocks)."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

MENTION = re.compile(r"(?<![\w@/.])@([a-z0-9][a-z0-9_-]{1,31})\b", re.IGNORECASE)
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


ANSWERED = re.compile(r"/p/(\d+)\b")


def answered_post_ids(source: str) -> list[int]:
    """Posts this post answers: the ones it links to (Quote and Reply put that link in)."""
    return sorted({int(m) for m in ANSWERED.findall(source or "")})[:MAX_NOTIFIED]
