"""`flask taxonomy load FILE`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..forms import ServiceError
from . import loader

taxonomy_cli = AppGroup("taxonomy", help="The common taxonomy of tags and aliases.")


@taxonomy_cli.command("load")
@click.argument("file", required=False, type=click.Path(dir_okay=False), default=str(loader.DEFAULT_FILE))
def load(file: str) -> None:
    """Load tag groups, tags and aliases from a YAML or JSON FILE (default: the starter taxonomy).

    The whole file is checked first; nothing is written unless it is valid. Safe to run again.
    """
    try:
        result = loader.load(loader.read_file(file))
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(result.summary())
