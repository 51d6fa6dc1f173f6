"""Outgoing mail, queued: ``send_mail`` writes a row of ``mail_queue`` (in the caller's transaction when
there is one), and the worker's ``deliver_due`` sends it. Nothing talks to a mail server inside a web
request: a slow or failing server costs the request nothing, and an account's existence cannot be
read off how long a form takes.

Without MAIL_SERVER, messages are written to MAIL_DIR (named by their queue id, so writing one again
replaces it) and logged. With SMTP, a message is claimed (committed) before the conversation and
marked sent after it; one claimed but never marked (the worker died mid-send) may have been accepted,
so it is not sent again but shown to moderators as uncertain. A refused send is retried with backoff
(1, 2, 4 … minutes), and after ``MAX_ATTEMPTS`` it is marked failed for good, also shown to moderators.
"""
from __future__ import annotations

import smtplib
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select

from .database import in_write_transaction, transaction
from .extensions import db
from .fragments import not_content
from .models import MailMessage, utcnow

MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=10)
UNCERTAIN = "The worker stopped while sending this message: the server may or may not have accepted it."


def send_mail(to: str, subject: str, body: str, *, reply_to: str | None = None, html: str = "",
              headers: dict[str, str] | None = None) -> None:
    """Queue a message; it is sent by the worker once the caller's transaction commits."""
    extra = dict(headers or {})
    if reply_to:
        extra["Reply-To"] = reply_to
    message = MailMessage(to=to, subject=subject[:300], text=body, html=html, headers=extra)
    if in_write_transaction():
        db.session.add(message)
    else:
        with transaction():
            not_content()
            db.session.add(message)


@contextmanager
def links_context():
    """A request context for building links (and rendering mail templates) outside any request: the worker."""
    if has_request_context():
        yield
    else:
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            yield


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails, built from BASE_URL (also from the CLI)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def _email(row: MailMessage) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = row.to
    message["Subject"] = row.subject
    message["Message-ID"] = f"<mail-{row.id}@{config['BASE_URL'].split('//')[-1].split('/')[0].split(':')[0]}>"
    for name, value in (row.headers or {}).items():
        message[name] = value
    message.set_content(row.text, cte="8bit")  # readable links in the .eml files
    if row.html:
        message.add_alternative(row.html, subtype="html")
    return message


def _transport(row: MailMessage) -> None:
    config = current_app.config
    message = _email(row)
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        current_app.logger.info("mail sent to %s: %s", row.to, row.subject)
        return
    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{row.created_at:%Y%m%dT%H%M%S%f}-{row.id:08d}.eml"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(bytes(message))
    temporary.replace(path)  # whole or not at all
    current_app.logger.warning("no MAIL_SERVER: mail to %s (%s) written to %s", row.to, row.subject, path)


def _settle_stale_claims() -> None:
    """Claims left by a worker that died: a file is written again (harmless); SMTP is not retried."""
    stale = utcnow() - STALE_CLAIM
    with transaction():
        not_content()  # the queue's own bookkeeping is in no cached fragment
        for row in db.session.scalars(select(MailMessage).where(
                MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None), MailMessage.claimed_at < stale)):
            if current_app.config["MAIL_SERVER"]:
                row.failed_at, row.last_error = utcnow(), UNCERTAIN
            else:
                row.claimed_at = None


def deliver_due(*, limit: int = 100) -> int:
    """Send what is due; returns how many were sent."""
    _settle_stale_claims()
    sent = 0
    due = list(db.session.scalars(select(MailMessage.id).where(
        MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None), MailMessage.claimed_at.is_(None),
        MailMessage.next_attempt_at <= utcnow()).order_by(MailMessage.id).limit(limit)))
    for message_id in due:
        with transaction():
            not_content()
            row = db.session.get(MailMessage, message_id)
            if row is None or row.claimed_at is not None or row.sent_at is not None:
                continue  # another worker took it
            row.claimed_at = utcnow()
        try:
            _transport(row)
        except (OSError, smtplib.SMTPException) as error:
            with transaction():
                not_content()
                row = db.session.get(MailMessage, message_id)
                row.attempts += 1
                row.claimed_at = None
                row.last_error = f"{type(error).__name__}: {error}"[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.failed_at = utcnow()
                else:
                    row.next_attempt_at = utcnow() + timedelta(minutes=2 ** (row.attempts - 1))
            current_app.logger.warning("mail to %s failed (attempt %s): %s", row.to, row.attempts, error)
            continue
        with transaction():
            not_content()
            db.session.get(MailMessage, message_id).sent_at = utcnow()
        sent += 1
    db.session.rollback()
    return sent


def failed_mail(limit: int = 50) -> list[MailMessage]:
    """Mail that will not be sent again (failed for good, or uncertain): moderators see it."""
    return list(db.session.scalars(select(MailMessage).where(MailMessage.failed_at.is_not(None))
                                   .order_by(MailMessage.failed_at.desc()).limit(limit)))


def queued() -> int:
    return db.session.scalar(select(func.count()).select_from(MailMessage).where(
        MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None))) or 0

