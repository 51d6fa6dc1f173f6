"""`flask opportunities sweep`: expire openings past their closing date and mail saved searches' new matches
(for cron; the worker does both too)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from . import alerts, services

opportunities_cli = AppGroup("opportunities", help="The opportunities board.")


@opportunities_cli.command("sweep")
def sweep() -> None:
    """Expire openings past their closing date (they already left every list); mail saved searches' new matches."""
    count = services.expire_past_closing()
    mailed = alerts.send_due()
    click.echo(f"{count} opening{'' if count == 1 else 's'} expired; {mailed} saved-search mail{'' if mailed == 1 else 's'} sent.")
