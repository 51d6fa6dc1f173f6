"""Outgoing mail. Without MAIL_SERVER, messages are written to MAIL_DIR and logged."""
from __future__ import annotations

import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from uuid import uuid4

from flask import current_app, has_request_context, url_for


def send_mail(to: str, subject: str, body: str, *, reply_to: str | None = None) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(body, cte="8bit")  # readable links in the .eml files

    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        current_app.logger.info("mail sent to %s: %s", to, subject)
        return

    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    current_app.logger.warning("no MAIL_SERVER: mail to %s (%s) written to %s", to, subject, path)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails, built from BASE_URL (also from the CLI)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path
