"""The scheduling assistant: what is free, where and when.

Built on the conflict rules' own building blocks (scheduler.conflicts), so that what the
assistant offers is exactly what a booking would accept.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from .. import conflicts
from ..accounts.service import Actor
from ..clock import utcnow
from ..errors import FieldErrors
from ..extensions import db
from ..meetings.visibility import can_see
from ..rooms.models import Room, RoomBlock
from ..rooms.service import get_room
from ..times import LocalTimeError, local_days_utc, to_local, to_utc
from ..venues.models import Venue
from ..venues.service import default_venue, find_venue

MAX_DAYS = 92  # about a quarter: enough to plan, bounded so that every answer is quick
DEFAULT_DAYS = 7


def _venue(code: str | None, location: str = "query") -> Venue:
    """The venue named, or the default one (venues.service.default_venue)."""
    venue = find_venue(code) if code else default_venue()
    if venue is None:
        raise FieldErrors(
            {"venue": f"No venue {code!r}" if code else "Give the venue's code (e.g. UNHQ)"}, location=location
        )
    return venue


def _days(first: date, last: date, location="query") -> list[date]:
    if last < first:
        raise FieldErrors({"to": "Must not be before from"}, location=location)
    if (last - first).days >= MAX_DAYS:
        raise FieldErrors({"to": f"Ask for at most {MAX_DAYS} days at a time"}, location=location)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class _BusyIndex:
    """Held meetings and blocks by room and UTC day, so that each slot looks at a handful."""

    def __init__(self, meetings, blocks, first: datetime, last: datetime):
        self._items: dict[tuple[int, date], tuple[list, list]] = defaultdict(lambda: ([], []))
        for kind, items in ((0, meetings), (1, blocks)):
            for item in items:
                start, end = (item.held_start, item.held_end) if kind == 0 else (item.start, item.end)
                day, until = max(start, first).date(), min(end, last).date()
                while day <= until:
                    self._items[(item.room_id, day)][kind].append(item)
                    day += timedelta(days=1)

    def around(self, room_id: int, start: datetime, end: datetime) -> tuple[list, list]:
        meetings, blocks, day = set(), set(), start.date() - timedelta(days=1)
        while day <= end.date() + timedelta(days=1):
            found = self._items.get((room_id, day))
            if found:
                meetings.update(found[0])
                blocks.update(found[1])
            day += timedelta(days=1)
        return list(meetings), list(blocks)


def _window(venue: Venue, days: list[date]) -> tuple[datetime, datetime]:
    return local_days_utc(days[0], days[-1], venue.timezone)


# --- one room -------------------------------------------------------------------------


def room_availability(code: str, first: date | None, last: date | None, actor: Actor) -> dict:
    """A room's busy time (meetings held, blocks) and its free standard slots, day by day."""
    room = get_room(code)
    venue, tz = room.venue, room.venue.timezone
    first = first or to_local(utcnow(), tz).date()
    days = _days(first, last or first + timedelta(days=DEFAULT_DAYS - 1))
    start, end = _window(venue, days)
    held, blocked = conflicts.busy([room.id], start, end)
    meetings = conflicts.held_meetings([room.id], start, end)  # whole: titles, for those who may see them

    busy = []
    for meeting in meetings:
        item = {
            "type": "meeting",
            "start": to_local(meeting.start, tz).isoformat(),
            "end": to_local(meeting.end, tz).isoformat(),
            "held_start": to_local(meeting.held_start, tz).isoformat(),
            "held_end": to_local(meeting.held_end, tz).isoformat(),
            "status": meeting.status,
        }
        # Busy time is shown to everyone; what the meeting is, only to those who may see it.
        item.update(
            {"meeting_id": meeting.id, "title": meeting.title} if can_see(actor, meeting) else {"title": "Reserved"}
        )
        busy.append(item)
    for block in db.session.scalars(
        select(RoomBlock).where(RoomBlock.room_id == room.id, RoomBlock.end > start, RoomBlock.start < end)
    ):
        busy.append(
            {
                "type": "block",
                "start": to_local(block.start, tz).isoformat(),
                "end": to_local(block.end, tz).isoformat(),
                "reason": block.reason,
            }
        )
    busy.sort(key=lambda item: item["start"])

    free = []
    if room.active:
        for day in days:
            if not venue.is_working_day(day):
                continue
            for slot in venue.standard_slots():
                slot_start, slot_end = slot.on(day, tz, strict=False)
                if (
                    conflicts.first_free_start(room, slot_start, slot_end, slot_end - slot_start, held, blocked)
                    == slot_start
                ):
                    free.append(
                        {
                            "date": day.isoformat(),
                            "slot": slot.name,
                            "start": to_local(slot_start, tz).isoformat(),
                            "end": to_local(slot_end, tz).isoformat(),
                        }
                    )
    return {
        "room": room.code,
        "timezone": tz,
        "from": days[0].isoformat(),
        "to": days[-1].isoformat(),
        "active": room.active,
        "busy": busy,
        "free_slots": free,
    }


# --- rooms free at a time -------------------------------------------------------------


def _needs(data: dict) -> conflicts.Needs:
    return conflicts.Needs(
        participants=data.get("min_capacity") or data.get("participants"),
        languages=tuple(data.get("languages") or ()),
        features=tuple(data.get("feature") or ()),
    )


def free_rooms(data: dict) -> dict:
    """Rooms free for a date and slot, a whole standard day, or a start and end; smallest fitting first."""
    venue = _venue(data.get("venue"))
    tz = venue.timezone
    if "date" in data:
        start, end = _slot_times(venue, data["date"], data.get("slot"))
    else:
        try:
            start, end = to_utc(data["start"], tz), to_utc(data["end"], tz)
        except LocalTimeError as error:
            raise FieldErrors({"start": str(error)}, location="query") from error
        if end <= start:
            raise FieldErrors({"end": "Must be after start"}, location="query")
        if end - start > conflicts.MAX_MEETING_DURATION:
            raise FieldErrors({"end": "At most 24 hours"}, location="query")
    rooms = conflicts.free_rooms(conflicts.rooms_that_fit(venue.id, _needs(data)), start, end)
    return {
        "venue": venue.code,
        "timezone": tz,
        "start": to_local(start, tz).isoformat(),
        "end": to_local(end, tz).isoformat(),
        "rooms": [conflicts.room_summary(room) for room in rooms],
    }


def _slot_times(venue: Venue, day: date, slot_name: str | None) -> tuple[datetime, datetime]:
    """A slot of a day, or without a slot the whole standard day: from the first slot's start to the last's end."""
    slots = [venue.slot_named(slot_name)] if slot_name else venue.standard_slots()
    if slot_name and slots[0] is None:
        names = ", ".join(slot.name for slot in venue.standard_slots()) or "none"
        raise FieldErrors({"slot": f"{venue.code} has no slot {slot_name!r} (slots: {names})"}, location="query")
    if not slots:
        raise FieldErrors({"date": f"{venue.code} has no standard slots: give start and end"}, location="query")
    try:
        return slots[0].on(day, venue.timezone)[0], slots[-1].on(day, venue.timezone)[1]
    except LocalTimeError as error:
        raise FieldErrors({"date": str(error)}, location="query") from error


# --- search ---------------------------------------------------------------------------


def search(data: dict) -> dict:
    """Ranked options for a meeting of a given length: whole standard slots first, then the
    smallest fitting room, then the earliest time."""
    venue = _venue(data.get("venue"), location="json")
    tz = venue.timezone
    days = [day for day in _days(data["earliest"], data["latest"], location="json") if venue.is_working_day(day)]
    duration = timedelta(minutes=data["duration_minutes"])
    codes = sorted({code.upper() for code in data.get("rooms") or []})
    unknown = set(codes) - set(db.session.scalars(select(Room.code).where(Room.code.in_(codes))))
    if unknown:
        raise FieldErrors({"rooms": f"No room {', '.join(sorted(unknown))}"})
    rooms = conflicts.rooms_that_fit(venue.id, _needs(data), codes=codes or None)
    if not days or not rooms:
        return {"venue": venue.code, "timezone": tz, "options": []}
    start, end = _window(venue, days)
    index = _BusyIndex(*conflicts.busy([room.id for room in rooms], start, end), start, end)
    slots = [(day, slot, *slot.on(day, tz, strict=False)) for day in days for slot in venue.standard_slots()]

    options = []
    for room in rooms:
        for day, slot, slot_start, slot_end in slots:
            meetings, blocks = index.around(room.id, slot_start, slot_end)
            found = conflicts.first_free_start(room, slot_start, slot_end, duration, meetings, blocks)
            if found is not None:
                options.append((found != slot_start, room.capacity, found, room, slot))
    options.sort(key=lambda option: (option[0], option[1], option[2], conflicts.natural_key(option[3].code)))
    return {
        "venue": venue.code,
        "timezone": tz,
        "options": [
            {
                **conflicts.room_summary(room),
                "slot": slot.name,
                "start": to_local(found, tz).isoformat(),
                "end": to_local(found + duration, tz).isoformat(),
                "whole_slot_start": not mid_slot,
            }
            for mid_slot, _, found, room, slot in options[: data["limit"]]
        ],
    }
