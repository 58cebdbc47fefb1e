"""`flask --app wsgi missions ...`: add missions from the command line (before making their tokens)."""

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from ..accounts.service import Actor
from ..errors import Conflict, NotFound
from .schemas import MissionSchema, MissionUpdateSchema
from .service import create_mission, list_missions, update_mission

missions_cli = AppGroup("missions", help="Permanent missions.")
CLI_ACTOR = Actor(name="command line", role="admin")


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


@missions_cli.command("emails")
@click.argument("code")
@click.argument("addresses", nargs=-1)
@click.option("--daily-programme/--no-daily-programme", default=None, help="mail the next working day's programme")
def emails_command(code, addresses, daily_programme):
    """Set where a mission hears of its requests and meetings, e.g.: missions emails BEL desk@belgium.example.org
    (no address: none any more)."""
    data = {"emails": list(addresses)}
    if daily_programme is not None:
        data["daily_programme"] = daily_programme
    try:
        loaded = MissionUpdateSchema().load(data)
        mission = update_mission(code.upper(), loaded, CLI_ACTOR)
    except (ValidationError, NotFound) as error:
        raise click.ClickException(str(getattr(error, "messages", None) or error)) from error
    programme = "with" if mission.daily_programme else "without"
    click.echo(f"mission {mission.code}: {', '.join(mission.emails) or 'no address'} ({programme} the daily programme)")


@missions_cli.command("list")
def list_command():
    for mission in list_missions():
        click.echo(f"{mission.code}\t{mission.name}")
