"""`flask members import FILE.csv`: partner programs' rosters, checked in full, applied only when asked."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from . import roster

members_cli = AppGroup("members", help="Import partner programs' rosters.")
SHOWN = 50  # changes listed one by one before summarising


@members_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--apply", "apply_", is_flag=True, help="Make the changes (without it: a dry run).")
@click.option("--skip-invalid", is_flag=True, help="With --apply: apply the valid rows even if some are bad.")
def import_roster(file, apply_: bool, skip_invalid: bool) -> None:
    """Create or update members from FILE.csv (columns: email, first name, last name, program,
    cohort year, region or city, organisation, title). Email is the key; re-running changes nothing."""
    try:
        text = file.read()
    except UnicodeDecodeError:
        raise click.ClickException("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.") from None
    plan = roster.read(text)
    for problem in plan.file_problems:
        click.echo(problem, err=True)
    if plan.file_problems:
        raise SystemExit(1)
    for row in plan.invalid:
        click.echo(f"line {row.line}: " + "; ".join(row.problems), err=True)
    changes = [c for c in plan.changes if c.action != "unchanged"]
    verb = "" if apply_ else "would "
    for change in changes[:SHOWN]:
        detail = f" ({'; '.join(change.details)})" if change.details else ""
        click.echo(f"line {change.row.line}: {verb}{change.action} {change.row.email}{detail}")
    if len(changes) > SHOWN:
        click.echo(f"… and {len(changes) - SHOWN:,} more changes.")
    summary = (f"{len(plan.rows):,} rows: {plan.count('create'):,} to create, {plan.count('update'):,} to update, "
               f"{plan.count('unchanged'):,} unchanged, {len(plan.invalid):,} invalid.")
    click.echo(summary)
    if plan.invalid and not skip_invalid:
        message = "Nothing was applied: fix the rows above" + (
            ", or pass --skip-invalid to apply the valid rows." if apply_ else " before applying.")
        click.echo(message, err=True)
        raise SystemExit(1)
    if not apply_:
        click.echo("Dry run: nothing was changed. Add --apply to make these changes.")
        return
    outcome = roster.apply(plan, skip_invalid=skip_invalid)
    click.echo(f"Applied: {outcome.created:,} members created and invited, {outcome.updated:,} updated.")
