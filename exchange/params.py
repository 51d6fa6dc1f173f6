"""Numbers and return addresses read from URLs and forms: anything not plain and sane reads as missing.

``str.isdigit`` accepts '²' and 30-digit strings that ``int()`` or the database then refuse, so
every id or page number a request carries goes through here; and every ``next`` a form carries, so
that none is an open redirect.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from flask import request

MAX_ID = 2**63 - 1  # the largest integer both SQLite and PostgreSQL store
MAX_PAGE = 10_000
_DIGITS = re.compile(r"[0-9]{1,19}")


def to_id(value) -> int | None:
    """A positive database id, or None."""
    text = str(value or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def page_arg(name: str = "page") -> int:
    """The page number in the query string, between 1 and MAX_PAGE (1 when missing or malformed)."""
    number = to_id(request.args.get(name))
    return min(number, MAX_PAGE) if number else 1


def year_value(value) -> int | None:
    """A four-digit year (a cohort, a practice's year), or None."""
    text = str(value or "").strip()
    return int(text) if re.fullmatch(r"[0-9]{4}", text) else None


def date_value(value) -> date | None:
    """A YYYY-MM-DD date (what <input type=date> sends), or None."""
    text = str(value or "").strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return None


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None. Browsers read ``//host`` and ``/\\host`` as
    another site, and drop tabs and newlines first (``/\t/host``), so all of those are refused."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(c) < 32 or c == "\x7f" for c in target) and not urlsplit(target).netloc):
        return target
    return None
