"""`flask --app wsgi seed`: load the default venues, rooms and holidays (idempotent);
`flask --app wsgi holidays import FILE --venue UNHQ`: a venue's holidays from an iCalendar file."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from marshmallow import ValidationError

from ..errors import NotFound
from ..rooms import service as rooms
from ..rooms.schemas import RoomSchema
from . import service as venues
from .schemas import VenueSchema

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "venues.json"


def _without_sources(item: dict) -> dict:
    """The data file says where each figure comes from in `*_source` keys; the API has no such fields."""
    return {key: value for key, value in item.items() if not key.endswith("_source")}


def seed(path: Path = DEFAULT_DATA) -> tuple[int, int, int]:
    """Add the venues, rooms and holidays of the data file that are missing; never overwrite.
    Returns the counts added.

    Everything goes through the API's own schemas and services, so the file is validated as
    a client's request would be. A venue's `holidays` names an iCalendar file next to the data
    file; its holidays are added for the years in which the venue has none yet.
    """
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    venues_added = rooms_added = holidays_added = 0
    for item in data["venues"]:
        venue_fields = _without_sources({k: v for k, v in item.items() if k not in ("rooms", "holidays")})
        if venues.find_venue(item["code"]) is None:
            venues.create_venue(VenueSchema().load(venue_fields))
            venues_added += 1
        for room in item.get("rooms", []):
            if rooms.find_room(room["code"]) is None:
                rooms.create_room(RoomSchema().load({**_without_sources(room), "venue": item["code"]}))
                rooms_added += 1
        if item.get("holidays"):
            calendar = path.parent / item["holidays"]
            try:
                days = venues.read_holiday_calendar(calendar.read_bytes())
            except OSError as error:
                raise ValueError(f"{calendar}: {error.strerror}") from error
            except venues.HolidayFileError as error:
                raise ValueError(f"{calendar}: {error}") from error
            holidays_added += venues.add_holidays(item["code"], days, skip_known_years=True)[0]
    return venues_added, rooms_added, holidays_added


@click.command("seed")
@with_appcontext
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DATA)
def seed_command(path):
    """Load the default venues, rooms and holidays; existing ones are left as they are."""
    try:
        venues_added, rooms_added, holidays_added = seed(path)
    except (ValidationError, KeyError, ValueError) as error:
        raise click.ClickException(f"{path}: {error}") from error
    click.echo(f"seed: {venues_added} venue(s), {rooms_added} room(s) and {holidays_added} holiday(s) added")


holidays_cli = AppGroup("holidays", help="Venue holidays (a booking on one gets the `holiday` warning).")


@holidays_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--venue", "venue_code", required=True, help="The venue's code, e.g. UNHQ")
def import_command(file, venue_code):
    """Add the all-day events of an iCalendar FILE as the venue's holidays.

    Each day of a multi-day event is a holiday. Days the venue already has are left as they
    are, so importing the same file again changes nothing. Nothing is added if the file has
    an error.
    """
    try:
        days = venues.read_holiday_calendar(file.read_bytes())
    except venues.HolidayFileError as error:
        raise click.ClickException(f"{file}: {error}") from error
    try:
        added, existing = venues.add_holidays(venue_code, days)
    except NotFound as error:
        raise click.ClickException(error.message) from error
    click.echo(f"holidays: {added} added to {venue_code.upper()}, {existing} already there")
