"""Markdown in, sanitized HTML out: the only producer of HTML from user text.

markdown-it-py renders with raw HTML off, then bleach keeps an allowlist of tags,
attributes and URL schemes, and every link gets ``rel="nofollow ugc noopener"``.
A URL inside inline code or a code block stays text: code is shown as it was written.
Templates mark the output of ``render_markdown`` safe and nothing else.
"""
from __future__ import annotations

import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    .enable(["linkify", "table", "strikethrough"])
    # Images would load third-party content into members' browsers; they stay links.
    .disable("image")
)


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], parse_email=False, skip_tags={"code", "pre"})],
)


def render_markdown(text: str) -> str:
    """Render member-written Markdown to HTML that is safe to show as-is."""
    return _cleaner.clean(_md.render(text or ""))


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|td|th)>|<br\s*/?>", re.IGNORECASE)


def plain_text(html: str) -> str:
    """The words of sanitized HTML, for search documents and snippets."""
    # Block ends become spaces first, or "</p><p>" would glue two paragraphs' words together.
    return Markup(_BLOCK_END.sub(" ", html or "")).striptags()
