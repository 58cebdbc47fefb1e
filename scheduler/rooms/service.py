"""Rooms and their blocks."""

from datetime import datetime

from sqlalchemy import select

from .. import conflicts
from ..accounts.service import Actor, label_for
from ..errors import Conflict, FieldErrors, NotFound
from ..extensions import db
from ..meetings.calendar import follow_shown_change
from ..meetings.models import HOLDING_STATUSES, Meeting
from ..times import LocalTimeError, to_utc
from ..venues.models import Venue
from ..venues.service import find_venue
from .models import Room, RoomBlock


def lock_rooms(room_ids: list[int]) -> None:
    """Make the writes to these rooms' calendars take turns: bookings, moves, blocks, deactivation.

    On PostgreSQL each writer takes the rooms' rows FOR UPDATE, in id order. Writers of different
    rooms still run side by side; two writers of one room never have overlapping meetings in
    progress at once, so the exclusion constraint (still the guarantee against double booking)
    never waits for another transaction. With shared locks it did, and simultaneous bookings of a
    slot could deadlock (a 503) whenever a booking's second write of its row was not a HOT update
    (tests/test_concurrency.py). SQLite needs nothing here: every write request already holds
    the database's write lock.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    query = select(Room).where(Room.id.in_(room_ids)).order_by(Room.id).with_for_update(of=Room)
    # Reload the locked rows: what the caller read before the lock (active, buffers) may be stale.
    db.session.scalars(query.execution_options(populate_existing=True)).unique().all()


def list_rooms(filters: dict, page: int, page_size: int) -> tuple[list[Room], int]:
    query = select(Room)
    if "venue" in filters:
        query = query.join(Room.venue).where(Venue.code == filters["venue"].upper())
    if "active" in filters:
        query = query.where(Room.active.is_(filters["active"]))
    if "min_capacity" in filters:
        query = query.where(Room.capacity >= filters["min_capacity"])
    rooms = sorted(db.session.scalars(query).unique(), key=lambda room: conflicts.natural_key(room.code))
    if filters.get("feature"):
        rooms = [room for room in rooms if set(filters["feature"]) <= set(room.features)]
    return rooms[(page - 1) * page_size : page * page_size], len(rooms)


def find_room(code: str) -> Room | None:
    """Room codes are upper case; clients may write them in any case."""
    return db.session.scalar(select(Room).where(Room.code == code.upper()))


def get_room(code: str) -> Room:
    room = find_room(code)
    if room is None:
        raise NotFound(f"No room {code!r}")
    return room


def _venue(code: str) -> Venue:
    venue = find_venue(code)
    if venue is None:
        raise FieldErrors({"venue": f"No venue {code!r}"})
    return venue


ROOM_FIELDS = ("name", "capacity", "features", "setup_minutes", "teardown_minutes", "active")


def create_room(data: dict) -> Room:
    if db.session.scalar(select(Room.id).where(Room.code == data["code"])):
        raise Conflict(f"Room {data['code']} already exists")
    room = Room(code=data["code"], venue=_venue(data["venue"]), **{f: data[f] for f in ROOM_FIELDS if f in data})
    db.session.add(room)
    db.session.commit()
    return room


def update_room(code: str, data: dict) -> Room:
    room = get_room(code)
    lock_rooms([room.id])
    if "venue" in data:
        room.venue = _venue(data["venue"])
    for field in ROOM_FIELDS:
        if field in data:
            setattr(room, field, data[field])
    follow_shown_change(room, Meeting.room_id == room.id)
    db.session.commit()
    return room


# --- blocks ---------------------------------------------------------------------------


def list_blocks(code: str, reader: Actor) -> list[RoomBlock]:
    """A room's blocks; `shown_by` says who made each as this reader may read it."""
    room = get_room(code)
    blocks = list(db.session.scalars(select(RoomBlock).where(RoomBlock.room_id == room.id).order_by(RoomBlock.start)))
    for block in blocks:
        block.shown_by = label_for(block.created_by, reader)
    return blocks


def _block_times(data: dict, tz: str) -> tuple[datetime, datetime]:
    errors, moments = {}, {}
    for field in ("start", "end"):
        try:
            moments[field] = to_utc(data[field], tz)
        except LocalTimeError as error:
            errors[field] = str(error)
    if errors:
        raise FieldErrors(errors)
    if moments["end"] <= moments["start"]:
        raise FieldErrors({"end": "The block must end after it starts"})
    return moments["start"], moments["end"]


def create_block(code: str, data: dict, actor: Actor) -> RoomBlock:
    """Block a room; refused while meetings hold it then (move or cancel them first)."""
    room = get_room(code)
    start, end = _block_times(data, room.venue.timezone)
    lock_rooms([room.id])
    held = conflicts.meetings_in_interval(room, start, end, actor)
    if held:
        raise Conflict(f"Meetings hold {room.code} during that time; move or cancel them first", conflicts=held)
    block = RoomBlock(room=room, start=start, end=end, reason=data["reason"], created_by=actor.label)
    db.session.add(block)
    db.session.commit()
    return block


def delete_block(code: str, block_id: int) -> None:
    room = get_room(code)
    block = db.session.get(RoomBlock, block_id)
    if block is None or block.room_id != room.id:
        raise NotFound(f"No block {block_id} in room {room.code}")
    db.session.delete(block)
    db.session.commit()


# --- busy time ------------------------------------------------------------------------


def busy_periods(code: str, start: datetime, end: datetime) -> tuple[Room, list[tuple[datetime, datetime, str]]]:
    """A room's busy time in [start, end), without titles: (room, periods as (start, end, "BUSY" or
    "BUSY-TENTATIVE"), merged and in order). Confirmed meetings and blocks are BUSY; tentative
    meetings, where no BUSY covers them, BUSY-TENTATIVE."""
    room = get_room(code)
    meetings = db.session.execute(
        select(Meeting.held_start, Meeting.held_end, Meeting.status).where(
            Meeting.room_id == room.id,
            Meeting.status.in_(HOLDING_STATUSES),
            Meeting.held_end > start,
            Meeting.held_start < end,
        )
    ).all()
    blocks = db.session.execute(
        select(RoomBlock.start, RoomBlock.end).where(
            RoomBlock.room_id == room.id, RoomBlock.end > start, RoomBlock.start < end
        )
    ).all()

    def clipped(s, e):
        return max(s, start), min(e, end)

    confirmed = [clipped(s, e) for s, e, status in meetings if status == "confirmed"]
    busy = _merged(confirmed + [clipped(s, e) for s, e in blocks])
    tentative = _merged([clipped(s, e) for s, e, status in meetings if status == "tentative"])
    periods = sorted([(s, e, "BUSY") for s, e in busy] + [(s, e, "BUSY-TENTATIVE") for s, e in tentative])
    return room, periods


def _merged(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
