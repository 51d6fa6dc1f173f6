"""Markdown in, sanitized HTML out: the only producer of HTML from user text.

markdown-it-py renders with raw HTML off, then bleach keeps an allowlist of tags,
attributes and URL schemes, and every link gets ``rel="nofollow ugc noopener"``.
A URL inside inline code or a code block stays text: code is shown as it was written.
An ``@username`` outside code and links becomes a link to that member's profile when the app's
mention resolver (``set_mention_resolver``) knows the name; without one it stays text.
Templates mark the output of ``render_markdown`` safe and nothing else.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
MENTION_CLASS = "mention"
PROFILE_PATH = "/members/"

#: What a mention is, here and for notifications: @ and a username (letters, digits, dots, dashes,
#: underscores), not glued to a word, an address or a path before it (a@b.org, /@x), and not ending
#: in a dot or dash, so "thanks @jane.doe." names jane.doe.
MENTION = re.compile(r"(?<![\w@/.])@([a-z0-9_][a-z0-9_.-]{0,30}[a-z0-9_])(?![\w@-]|\.\w)", re.IGNORECASE)
MAX_LINKED_NAMES = 100  # distinct names looked up per text; a list of hundreds is not a conversation

MentionResolver = Callable[[Collection[str]], Collection[str]]
_resolver: list[MentionResolver] = []


def set_mention_resolver(resolver: MentionResolver | None) -> None:
    """Register how names become members: given lower-case candidate names, the resolver answers
    those that are members' usernames (in one look-up). None unregisters: mentions stay text."""
    _resolver[:] = [resolver] if resolver else []


def _link_attribute(tag: str, name: str, value: str) -> bool:
    return name in ("href", "title", "rel") or (name == "class" and value == MENTION_CLASS)


ALLOWED_ATTRIBUTES = {"a": _link_attribute, "abbr": ["title"], "th": ["align"], "td": ["align"]}


def _texts_outside_links(children: list[Token]):
    """(index, token) of each text token not inside a link; code spans are not text tokens."""
    depth = 0
    for index, child in enumerate(children):
        depth += (child.type == "link_open") - (child.type == "link_close")
        if child.type == "text" and depth == 0:
            yield index, child


def _mention_tokens(text: str, known: Collection[str]) -> list[Token]:
    tokens, start = [], 0
    for match in MENTION.finditer(text):
        name = match.group(1).lower()
        if name not in known:
            continue
        if match.start() > start:
            tokens.append(Token("text", "", 0, content=text[start:match.start()]))
        tokens += [Token("link_open", "a", 1, attrs={"href": PROFILE_PATH + name, "class": MENTION_CLASS}),
                   Token("text", "", 0, content=match.group(0)),
                   Token("link_close", "a", -1)]
        start = match.end()
    if start < len(text):
        tokens.append(Token("text", "", 0, content=text[start:]))
    return tokens


def _link_mentions(state: StateCore) -> None:
    """Core rule: known members' @names become links to their profiles, all looked up at once."""
    if not _resolver or not state.env.get("mentions", True):
        return
    inlines = [token for token in state.tokens if token.type == "inline" and token.children]
    candidates: dict[str, None] = {}
    for token in inlines:
        for _, text in _texts_outside_links(token.children):
            for match in MENTION.finditer(text.content):
                candidates.setdefault(match.group(1).lower(), None)
    if not candidates:
        return
    known = set(_resolver[0](list(candidates)[:MAX_LINKED_NAMES]))
    if not known:
        return
    for token in inlines:
        found = list(_texts_outside_links(token.children))
        for index, text in reversed(found):  # from the end, so earlier indexes stay valid
            token.children[index:index + 1] = _mention_tokens(text.content, known)


_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    .enable(["linkify", "table", "strikethrough"])
    # Images would load third-party content into members' browsers; they stay links.
    .disable("image")
)
_md.core.ruler.after("text_join", "mention", _link_mentions)


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


def render_markdown(text: str, *, mentions: bool = True) -> str:
    """Render member-written Markdown to HTML that is safe to show as-is. ``mentions=False`` leaves
    every @name as text: for what employers write, since a link would tell them who is a member."""
    return _cleaner.clean(_md.render(text or "", {"mentions": mentions}))


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|td|th)>|<br\s*/?>", re.IGNORECASE)


def plain_text(html: str) -> str:
    """The words of sanitized HTML, for search documents and snippets."""
    # Block ends become spaces first, or "</p><p>" would glue two paragraphs' words together.
    return Markup(_BLOCK_END.sub(" ", html or "")).striptags()
