"""Notification emails: one at a time for kinds the member gets "at once", after a short delay so that
what they already read in the app is not mailed; every email with a plain-text and an HTML part, a
link to its settings and one-click unsubscribe for its kind (RFC 8058).

Unsubscribe links are signed for one member and one kind (or the digest): they work without signing
in, cannot be forged or turned into another member's, and using one again changes nothing.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..database import transaction
from ..extensions import db
from ..fragments import not_content
from ..mail import external_url, links_context, send_mail
from ..models import Delivery, Kind, Notification, NotificationSetting, Role, Status, User, utcnow
from . import preferences
from .describe import UNGROUPED, describe

SALT = "exchange-unsubscribe"
DIGEST = "digest"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _serializer().dumps([user_id, kind])


def read_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or (kind not in Kind.ALL and kind != DIGEST):
        return None
    return user_id, kind


def unsubscribe_headers(user_id: int, kind: str) -> tuple[str, dict[str, str]]:
    url = external_url("notifications.unsubscribe", token=unsubscribe_token(user_id, kind))
    return url, {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_due(*, limit: int = 200) -> int:
    """Mail the "at once" notifications old enough, one mail per group ("3 new replies in …"); skip
    those read meanwhile. Returns mails queued."""
    delay = timedelta(seconds=current_app.config["NOTIFICATION_EMAIL_DELAY_SECONDS"])
    cutoff = utcnow() - delay
    queued = 0
    with links_context(), transaction():
        not_content()  # flags on notifications and queued mail: in no shared fragment
        due = list(db.session.scalars(
            select(Notification).options(joinedload(Notification.actor))
            .where(Notification.mail == "now", Notification.created_at <= cutoff)
            .order_by(Notification.id).limit(limit)))
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({n.user_id for n in due})))}
        groups: dict[tuple, list[Notification]] = {}
        for notification in due:
            user = users.get(notification.user_id)
            if (notification.read_at is not None or user is None or user.status != Status.ACTIVE
                    or user.role == Role.EMPLOYER):
                notification.mail = "skipped"
                continue
            alone = notification.id if notification.kind in UNGROUPED else None
            groups.setdefault((user.id, notification.group_key, alone), []).append(notification)
        for (user_id, _, _), group in groups.items():
            _mail_one(users[user_id], group[::-1])
            for notification in group:
                notification.mail = "sent"
            queued += 1
    return queued


def _mail_one(user: User, notifications: list[Notification]) -> None:
    """One mail for one group of notifications, newest first."""
    newest = notifications[0]
    item = describe(notifications, user, grouped=True)[0]
    unsubscribe, headers = unsubscribe_headers(user.id, newest.kind)
    settings = external_url("notifications.settings")
    link = external_url("notifications.open", notification_id=newest.id)
    context = dict(user=user, item=item, link=link, settings=settings, unsubscribe=unsubscribe,
                   kind_label=Kind.LABELS[newest.kind])
    send_mail(user.email, item.subject, render_template("notifications/email.txt", **context),
              html=render_template("notifications/email.html", **context), headers=headers)


def unsubscribe(token: str) -> tuple[User, str] | None:
    """Turn off email for the token's member and kind (or their digest); None for a bad token."""
    found = read_token(token)
    if found is None:
        return None
    user_id, kind = found
    with transaction():
        user = db.session.get(User, user_id)
        if user is None:
            return None
        if kind == DIGEST:
            preferences.set_digest_in_transaction(user_id, "never")
        else:
            row = db.session.get(NotificationSetting, (user_id, kind))
            if row is None:
                db.session.add(NotificationSetting(user_id=user_id, kind=kind, delivery=Delivery.NEVER))
            else:
                row.delivery = Delivery.NEVER
            db.session.execute(update(Notification).where(Notification.user_id == user_id, Notification.kind == kind,
                                                          Notification.mail == "now").values(mail="skipped"))
    return user, kind

