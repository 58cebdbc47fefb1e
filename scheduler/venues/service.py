"""Venues: their zone, standard slots and working days."""
from sqlalchemy import select

from ..errors import Conflict, NotFound
from ..extensions import db
from ..feeds.service import refresh_stored_events
from ..meetings.models import Meeting
from ..rooms.models import Room
from .models import TimeSlot, Venue


def list_venues() -> list[Venue]:
    return list(db.session.scalars(select(Venue).order_by(Venue.code)))


def find_venue(code: str) -> Venue | None:
    """Venue codes are upper case; clients may write them in any case."""
    return db.session.scalar(select(Venue).where(Venue.code == code.upper()))


def get_venue(code: str) -> Venue:
    venue = find_venue(code)
    if venue is None:
        raise NotFound(f"No venue {code!r}")
    return venue


def _apply(venue: Venue, data: dict) -> None:
    for field in ("name", "timezone", "working_days", "interpretation_teams"):
        if field in data:
            setattr(venue, field, data[field])
    if "slots" in data:
        venue.slots = [TimeSlot(name=s["name"], start_time=s["start"], end_time=s["end"]) for s in data["slots"]]


def create_venue(data: dict) -> Venue:
    if db.session.scalar(select(Venue.id).where(Venue.code == data["code"])):
        raise Conflict(f"Venue {data['code']} already exists")
    venue = Venue(code=data["code"])
    _apply(venue, data)
    db.session.add(venue)
    db.session.commit()
    return venue


def update_venue(code: str, data: dict) -> Venue:
    venue = get_venue(code)
    if "slots" in data:
        # Replace the slots in two steps so the unique (venue, name) index never sees two at once.
        venue.slots = []
        db.session.flush()
    _apply(venue, data)
    db.session.flush()
    # Their LOCATION shows the venue, and their times its zone.
    refresh_stored_events(Meeting.room_id.in_(select(Room.id).where(Room.venue_id == venue.id)))
    db.session.commit()
    return venue
