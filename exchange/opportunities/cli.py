"""`flask opportunities sweep`: expire openings past their closing date and announce saved searches' new
matches (for cron; the worker does both too, and turns the announcements into notifications)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from . import alerts, services

opportunities_cli = AppGroup("opportunities", help="The opportunities board.")


@opportunities_cli.command("sweep")
def sweep() -> None:
    """Expire openings past their closing date (they already left every list); announce saved searches' new matches."""
    count = services.expire_past_closing()
    announced = alerts.announce_due()
    click.echo(f"{count} opening{'' if count == 1 else 's'} expired; "
               f"{announced} saved search{'' if announced == 1 else 'es'} with new matches.")
