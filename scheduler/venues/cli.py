"""`flask --app wsgi seed`: load the default venues and rooms (idempotent)."""
import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..rooms.models import Room
from ..times import parse_hhmm
from .models import TimeSlot, Venue

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "venues.json"

VENUE_FIELDS = ("name", "timezone", "working_days", "interpretation_teams")
ROOM_FIELDS = ("name", "capacity", "features", "setup_minutes", "teardown_minutes")


def seed(path: Path = DEFAULT_DATA) -> tuple[int, int]:
    """Add the venues and rooms of the data file that are missing; never overwrite. Returns counts added."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    venues_added = rooms_added = 0
    for item in data["venues"]:
        venue = db.session.scalar(select(Venue).where(Venue.code == item["code"]))
        if venue is None:
            venue = Venue(code=item["code"], **{f: item[f] for f in VENUE_FIELDS})
            venue.slots = [TimeSlot(name=s["name"], start_time=parse_hhmm(s["start"]), end_time=parse_hhmm(s["end"]))
                           for s in item["slots"]]
            db.session.add(venue)
            venues_added += 1
        for room_item in item["rooms"]:
            if db.session.scalar(select(Room.id).where(Room.code == room_item["code"])) is None:
                db.session.add(Room(code=room_item["code"], venue=venue, **{f: room_item[f] for f in ROOM_FIELDS}))
                rooms_added += 1
    db.session.commit()
    return venues_added, rooms_added


@click.command("seed")
@with_appcontext
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DATA)
def seed_command(path):
    """Load the default venues and rooms; existing ones are left as they are."""
    venues_added, rooms_added = seed(path)
    click.echo(f"seed: {venues_added} venue(s) and {rooms_added} room(s) added")
