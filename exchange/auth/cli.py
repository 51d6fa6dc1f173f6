"""`flask users ...`: accounts made by operators."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..account import deletion
from ..forms import ServiceError
from ..models import Role
from . import services
from .forms import PASSWORD_MIN, account_name_problems

users_cli = AppGroup("users", help="Create, invite and erase accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--username", required=True, help="Lower-case handle, 3-32 characters.")
@click.option("--role", type=click.Choice(Role.ALL), default=Role.MEMBER, show_default=True)
@click.option("--display-name", default=None, help="Defaults to the username.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--organisation", default="", help="An employer's organisation (defaults to the display name).")
def create_user(email: str, username: str, role: str, display_name: str | None, password_stdin: bool,
                organisation: str) -> None:
    """Create an active account, e.g. the first admin."""
    # The register form's rules, so operators cannot make an account the web would refuse;
    # checked before the password is asked for.
    problems = account_name_problems(email, username)
    if problems:
        raise click.ClickException(" ".join(problems))
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < PASSWORD_MIN:
        raise click.ClickException(f"The password needs at least {PASSWORD_MIN} characters.")
    try:
        user = services.create_user(email=email, username=username, password=password,
                                    role=role, display_name=display_name, organisation=organisation)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.role} {user.username} <{user.email}>.")


@users_cli.command("invite")
@click.argument("email")
def invite(email: str) -> None:
    """Email an invitation link that creates an active account at once."""
    try:
        link = services.invite(email)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Invitation for {email}: {link}")


@users_cli.command("erase")
@click.argument("email")
@click.option("--erase-unanswered-threads", is_flag=True, help="Also erase the threads they started that nobody answered.")
def erase(email: str, erase_unanswered_threads: bool) -> None:
    """Erase an account at once, on the member's request (logged in the moderation log)."""
    user = services.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    user_id = user.id
    if not deletion.erase(user_id, erase_unanswered_posts=erase_unanswered_threads):
        click.echo(f"Account #{user_id} was already erased.")
        return
    click.echo(f"Erased account #{user_id}: its posts now read as by a former member.")
