"""What the pages show, shaped for templates: a day's Journal, a day grid and a week grid.

Reads only; which meetings a person may see is the one rule of meetings/visibility.py.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.service import ANONYMOUS, Actor
from ..conflicts import natural_key
from ..extensions import db
from ..meetings.models import HOLDING_STATUSES, Meeting
from ..meetings.visibility import visible_condition
from ..rooms.models import Room, RoomBlock
from ..times import local_days_utc, to_local
from ..venues.models import Venue

GRID_STEP_MINUTES = 15
# The grids show what holds a room, and, struck through as in the Journal, what was called off there.
GRID_STATUSES = (*HOLDING_STATUSES, "postponed", "cancelled")
GRID_FIRST_HOUR, GRID_LAST_HOUR = 8, 20  # widened when a meeting starts earlier or ends later


def day_bounds(venue: Venue, day: date) -> tuple[datetime, datetime]:
    return local_days_utc(day, day, venue.timezone)


def venue_rooms(venue: Venue) -> list[Room]:
    """The venue's rooms, chambers first (the largest), as officers scan them."""
    rooms = db.session.scalars(select(Room).where(Room.venue_id == venue.id))
    return sorted(rooms, key=lambda room: (-room.capacity, natural_key(room.code)))


def meetings_between(
    venue: Venue, start: datetime, end: datetime, actor: Actor, statuses: tuple[str, ...] | None = None
) -> list[Meeting]:
    query = (
        select(Meeting)
        .where(
            visible_condition(actor),
            Meeting.start < end,
            Meeting.end > start,
            Meeting.room_id.in_(select(Room.id).where(Room.venue_id == venue.id)),
        )
        .options(selectinload(Meeting.room), selectinload(Meeting.process))
        .order_by(Meeting.start, Meeting.id)
    )
    if statuses:
        query = query.where(Meeting.status.in_(statuses))
    return list(db.session.scalars(query))


def blocks_between(venue: Venue, start: datetime, end: datetime) -> list[RoomBlock]:
    return list(
        db.session.scalars(
            select(RoomBlock)
            .where(
                RoomBlock.start < end,
                RoomBlock.end > start,
                RoomBlock.room_id.in_(select(Room.id).where(Room.venue_id == venue.id)),
            )
            .order_by(RoomBlock.start)
        )
    )


# --- the Journal ----------------------------------------------------------------------


@dataclass
class JournalSection:
    """Meetings of one part of the day (a standard slot, or "Other times"), by body."""

    title: str
    bodies: dict[str, list[Meeting]] = field(default_factory=dict)


def journal(venue: Venue, day: date) -> list[JournalSection]:
    """The public meetings of a venue's day, as the Journal prints them: by part of the day, then by body.
    Cancelled and postponed meetings stay, marked."""
    start, end = day_bounds(venue, day)
    meetings = meetings_between(venue, start, end, ANONYMOUS)
    slots = venue.standard_slots()
    sections: dict[str, JournalSection] = {}
    for meeting in meetings:
        local = to_local(meeting.start, venue.timezone)
        slot = next((s for s in slots if local.date() == day and s.start <= local.time() < s.end), None)
        title = f"{slot.name.capitalize()} ({slot.start:%H:%M}\u2013{slot.end:%H:%M})" if slot else "Other times"
        section = sections.setdefault(title, JournalSection(title))
        section.bodies.setdefault(meeting.body or "Other meetings", []).append(meeting)
    return list(sections.values())


# --- the console's grids --------------------------------------------------------------


@dataclass
class GridItem:
    """A meeting or a block in a room's row."""

    kind: str  # "meeting" or "block"
    start: datetime  # local
    end: datetime  # local
    meeting: Meeting | None = None
    block: RoomBlock | None = None


@dataclass
class GridCell:
    span: int
    item: GridItem | None = None


@dataclass
class GridRow:
    room: Room
    lanes: list[list[GridCell]]


@dataclass
class DayGrid:
    columns: list[time]  # the start of each column, local
    rows: list[GridRow]
    count: int


def _items(venue: Venue, start: datetime, end: datetime, actor: Actor) -> dict[int, list[GridItem]]:
    tz = venue.timezone
    by_room: dict[int, list[GridItem]] = {}
    for meeting in meetings_between(venue, start, end, actor, GRID_STATUSES):
        by_room.setdefault(meeting.room_id, []).append(
            GridItem("meeting", to_local(meeting.start, tz), to_local(meeting.end, tz), meeting=meeting)
        )
    for block in blocks_between(venue, start, end):
        by_room.setdefault(block.room_id, []).append(
            GridItem("block", to_local(block.start, tz), to_local(block.end, tz), block=block)
        )
    for items in by_room.values():
        items.sort(key=lambda item: item.start)
    return by_room


def _minutes_into(day: date, moment: datetime) -> int:
    """Minutes from the day's local midnight, clipped to the day (overnight meetings)."""
    if moment.date() < day:
        return 0
    if moment.date() > day:
        return 24 * 60
    return moment.hour * 60 + moment.minute


def day_grid(venue: Venue, day: date, actor: Actor) -> DayGrid:
    """Rooms against the day's quarter hours; items that would overlap on screen get a lane of their own."""
    start, end = day_bounds(venue, day)
    items = _items(venue, start, end, actor)
    spans = {
        id(item): (
            _minutes_into(day, item.start) // GRID_STEP_MINUTES,
            -(-_minutes_into(day, item.end) // GRID_STEP_MINUTES),
        )
        for room_items in items.values()
        for item in room_items
    }
    per_hour = 60 // GRID_STEP_MINUTES
    first, last = GRID_FIRST_HOUR * per_hour, GRID_LAST_HOUR * per_hour
    for begin, finish in spans.values():
        first, last = min(first, begin), max(last, finish)
    first, last = first - first % per_hour, -(-last // per_hour) * per_hour  # whole hours, as the headings
    columns = [
        time(minute // 60, minute % 60)
        for minute in range(first * GRID_STEP_MINUTES, last * GRID_STEP_MINUTES, GRID_STEP_MINUTES)
    ]
    rows = []
    for room in venue_rooms(venue):
        lanes: list[list[tuple[int, int, GridItem]]] = []
        for item in items.get(room.id, []):
            begin, finish = spans[id(item)]
            finish = max(finish, begin + 1)  # a meeting shorter than a column still shows
            lane = next((lane for lane in lanes if lane[-1][1] <= begin), None)
            if lane is None:
                lane = []
                lanes.append(lane)
            lane.append((begin, finish, item))
        rows.append(GridRow(room, [_cells(lane, first, last) for lane in lanes] or [[GridCell(last - first)]]))
    return DayGrid(columns, rows, sum(len(room_items) for room_items in items.values()))


def _cells(lane: list[tuple[int, int, GridItem]], first: int, last: int) -> list[GridCell]:
    cells, position = [], first
    for begin, finish, item in lane:
        if begin > position:
            cells.append(GridCell(begin - position))
        cells.append(GridCell(finish - begin, item))
        position = finish
    if position < last:
        cells.append(GridCell(last - position))
    return cells


@dataclass
class WeekGrid:
    days: list[date]
    rows: list[tuple[Room, list[list[GridItem]]]]  # per room, per day, the items starting that day
    count: int


def week_grid(venue: Venue, monday: date, actor: Actor) -> WeekGrid:
    days = [monday + timedelta(days=offset) for offset in range(7)]
    start, end = day_bounds(venue, days[0])[0], day_bounds(venue, days[-1])[1]
    items = _items(venue, start, end, actor)
    rows = []
    for room in venue_rooms(venue):
        per_day = [[item for item in items.get(room.id, []) if item.start.date() == day] for day in days]
        rows.append((room, per_day))
    return WeekGrid(days, rows, sum(len(room_items) for room_items in items.values()))
