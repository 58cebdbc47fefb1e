"""`flask --app wsgi missions ...`: add missions from the command line (before making their tokens)."""

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from ..errors import Conflict
from .schemas import MissionSchema
from .service import create_mission, list_missions

missions_cli = AppGroup("missions", help="Permanent missions.")


@missions_cli.command("create")
@click.argument("code")
@click.argument("name")
def create_command(code, name):
    """Add a mission, e.g.: missions create BEL "Permanent Mission of Belgium to the United Nations"."""
    try:
        mission = create_mission(MissionSchema().load({"code": code.upper(), "name": name}))
    except (ValidationError, Conflict) as error:
        raise click.ClickException(str(getattr(error, "messages", None) or error)) from error
    click.echo(f"mission {mission.code} added")


@missions_cli.command("list")
def list_command():
    for mission in list_missions():
        click.echo(f"{mission.code}\t{mission.name}")
