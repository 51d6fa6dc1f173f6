"""`flask opportunities sweep`: expire openings past their closing date (for cron; the worker does it too)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from . import services

opportunities_cli = AppGroup("opportunities", help="The opportunities board.")


@opportunities_cli.command("sweep")
def sweep() -> None:
    """Mark open openings whose closing date has passed as expired (they already left every list)."""
    count = services.expire_past_closing()
    click.echo(f"{count} opening{'' if count == 1 else 's'} expired.")
