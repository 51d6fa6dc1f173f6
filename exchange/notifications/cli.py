"""`flask notifications digest`: send every digest that is due (for cron; the worker does it too)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import mail
from . import digest

notifications_cli = AppGroup("notifications", help="Notifications and digests.")


@notifications_cli.command("digest")
def digest_command() -> None:
    """Queue every member's digest that is due this period (never twice), then send the queue."""
    count, _ = digest.send_due()
    mail.deliver_due(limit=100_000)
    click.echo(f"{count} digest{'' if count == 1 else 's'} sent.")
