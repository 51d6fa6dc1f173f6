"""`flask demo load`: a believable network to explore, safe to run twice."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..search.cli import reindex
from .loader import load_demo
from .network import DEMO_PASSWORD

demo_cli = AppGroup("demo", help="Demo data for trying Exchange locally.")


@demo_cli.command("load")
@click.option("--seed", default=7, show_default=True, help="Random seed: the same seed gives the same network.")
def load(seed: int) -> None:
    """Create programs, regions, categories, members and discussions (idempotent), then index them."""
    report = load_demo(seed=seed)
    click.echo(report.summary())
    click.echo(f"Search index rebuilt: {reindex()} documents.")
    click.echo(f"Sign in as admin@example.org, moderator@example.org, talent.moderator@example.org (moderates "
               f"one category), member@example.org, newcomer@example.org (first posts held for review), or as an "
               f"employer: employer@example.org (Denver Public Schools) or recruiter@example.org (BrightPath), "
               f"with the password {DEMO_PASSWORD!r}.")
