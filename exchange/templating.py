"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import datetime

from babel import Locale
from babel.dates import format_timedelta
from flask import Flask
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from . import permissions
from .members import privacy
from .moderation import refresh
from .moderation.log import REASON_MAX
from .moderation.queue import queue_count
from .threads import services as threads
from .models import Flag, Level, Offer, Sector, Seeking, utcnow

HTMX_VERSION = "2.0.11"


ENGLISH = Locale.parse("en")  # parsed once: every list row shows a time


def time_ago(moment: datetime | None) -> str:
    """'3 minutes ago', '1 week ago'; anything under a minute (or a clock ahead) is 'just now'."""
    if moment is None:
        return ""
    elapsed = utcnow() - moment
    if elapsed.total_seconds() < 60:
        return "just now"
    # threshold=1: the largest unit that fits at least once, as members have always seen it.
    return format_timedelta(-elapsed, threshold=1, add_direction=True, locale=ENGLISH)


def iso(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def long_date(moment: datetime | None) -> str:
    return moment.strftime("%-d %B %Y, %H:%M UTC") if moment else ""


def configure_templates(app: Flask) -> None:
    # Block tags leave no blank lines behind: smaller pages, same text.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(ago=time_ago, iso=iso, long_date=long_date)
    app.jinja_env.globals.update(
        csrf_token=generate_csrf,
        htmx_version=HTMX_VERSION,
        can=permissions,
        offer_labels=Offer.LABELS,
        flag_reasons=Flag.REASONS,
        moderation_queue_count=lambda: queue_count(permissions.moderated_category_ids(current_user)),
        move_categories=lambda: threads.categories(),
        # A member as every member may see them: for pages and fragments shared by all readers.
        seen_by_all=lambda user: privacy.view(user, privacy.EVERY_MEMBER),
        sector_labels=Sector.LABELS,
        seeking=Seeking,
        watch_levels=Level,
        needs_refresh=refresh.is_stale,
        reason_max=REASON_MAX,
    )
