"""`flask moderation sweep`: the periodic chores, for cron (the queue also does them when opened)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from . import refresh, suspensions

moderation_cli = AppGroup("moderation", help="Moderation chores.")


@moderation_cli.command("sweep")
def sweep() -> None:
    """Lift suspensions whose end has passed and ask authors to refresh year-old practices."""
    lifted = suspensions.lift_expired_suspensions()
    asked = refresh.ask_authors(limit=10_000)
    click.echo(f"{lifted} suspension(s) lifted, {asked} author(s) asked to refresh a practice.")
