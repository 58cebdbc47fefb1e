"""`flask --app wsgi seed`: load the default venues and rooms (idempotent)."""
import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError

from ..rooms import service as rooms
from ..rooms.schemas import RoomSchema
from . import service as venues
from .schemas import VenueSchema

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "venues.json"


def _without_sources(item: dict) -> dict:
    """The data file says where each figure comes from in `*_source` keys; the API has no such fields."""
    return {key: value for key, value in item.items() if not key.endswith("_source")}


def seed(path: Path = DEFAULT_DATA) -> tuple[int, int]:
    """Add the venues and rooms of the data file that are missing; never overwrite. Returns counts added.

    Everything goes through the API's own schemas and services, so the file is validated as
    a client's request would be.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    venues_added = rooms_added = 0
    for item in data["venues"]:
        venue_fields = _without_sources({k: v for k, v in item.items() if k != "rooms"})
        if venues.find_venue(item["code"]) is None:
            venues.create_venue(VenueSchema().load(venue_fields))
            venues_added += 1
        for room in item.get("rooms", []):
            if rooms.find_room(room["code"]) is None:
                rooms.create_room(RoomSchema().load({**_without_sources(room), "venue": item["code"]}))
                rooms_added += 1
    return venues_added, rooms_added


@click.command("seed")
@with_appcontext
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DATA)
def seed_command(path):
    """Load the default venues and rooms; existing ones are left as they are."""
    try:
        venues_added, rooms_added = seed(path)
    except (ValidationError, KeyError, ValueError) as error:
        raise click.ClickException(f"{path}: {error}") from error
    click.echo(f"seed: {venues_added} venue(s) and {rooms_added} room(s) added")
