"""Every hard and soft conflict rule of a booking, in one place.

Hard conflicts refuse a booking (409); soft ones are warnings returned with it. The
service checks here first so that a refusal can say what it collides with and offer
alternatives; the database constraint (see migrations) is the last word under concurrency.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from .accounts.service import Actor
from .clock import utcnow
from .extensions import db
from .meetings.models import HOLDING_STATUSES, Meeting
from .meetings.visibility import can_see
from .rooms.models import MAX_BUFFER_MINUTES, Room, RoomBlock
from .times import local_date, to_local
from .venues.models import VenueHoliday

# Bounds that keep every interval query index-backed: a meeting lasts at most a day and a
# room's buffers are at most four hours each, so a held interval spans at most 32 hours.
MAX_MEETING_DURATION = timedelta(hours=24)
MAX_HELD_SPAN = MAX_MEETING_DURATION + timedelta(minutes=2 * MAX_BUFFER_MINUTES)

ALTERNATIVE_ROOMS = 5
ALTERNATIVE_TIMES = 3


@dataclass
class Proposal:
    """A booking as it would be: new, or an existing meeting (`meeting_id`) after a change."""

    room: Room
    start: datetime
    end: datetime
    expected_participants: int | None = None
    languages: list = field(default_factory=list)
    organizers: list = field(default_factory=list)
    webcast: bool = False
    meeting_id: int | None = None
    new_times: bool = True  # a booking, or a change of its times (else a past meeting is not warned of again)

    @property
    def held(self) -> tuple[datetime, datetime]:
        return held_interval(self.room, self.start, self.end)

    @property
    def timezone(self) -> str:
        return self.room.venue.timezone


def held_interval(room: Room, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """What a meeting holds the room for: [start - setup, end + teardown)."""
    return start - timedelta(minutes=room.setup_minutes), end + timedelta(minutes=room.teardown_minutes)


# --- queries --------------------------------------------------------------------------


def _held_meetings(room_ids, start: datetime, end: datetime, exclude_id: int | None) -> list[Meeting]:
    """Meetings holding any of these rooms at some moment of [start, end)."""
    query = select(Meeting).where(
        Meeting.room_id.in_(room_ids),
        Meeting.status.in_(HOLDING_STATUSES),
        Meeting.held_start < end,
        Meeting.held_start > start - MAX_HELD_SPAN,
        Meeting.held_end > start,
    )
    if exclude_id is not None:
        query = query.where(Meeting.id != exclude_id)
    return list(db.session.scalars(query.order_by(Meeting.held_start)))


def _blocks(room_ids, start: datetime, end: datetime) -> list[RoomBlock]:
    query = select(RoomBlock).where(RoomBlock.room_id.in_(room_ids), RoomBlock.end > start, RoomBlock.start < end)
    return list(db.session.scalars(query.order_by(RoomBlock.start)))


# --- hard conflicts -------------------------------------------------------------------


def _describe_meeting(meeting: Meeting, actor: Actor) -> dict:
    tz = meeting.timezone
    item = {
        "type": "meeting",
        "room": meeting.room.code,
        "start": to_local(meeting.start, tz).isoformat(),
        "end": to_local(meeting.end, tz).isoformat(),
        "held_start": to_local(meeting.held_start, tz).isoformat(),
        "held_end": to_local(meeting.held_end, tz).isoformat(),
        "status": meeting.status,
    }
    if can_see(actor, meeting):
        item.update(meeting_id=meeting.id, title=meeting.title)
    else:
        item["title"] = "Reserved"
    return item


def _describe_block(block: RoomBlock, tz: str) -> dict:
    return {
        "type": "block",
        "room": block.room.code,
        "block_id": block.id,
        "start": to_local(block.start, tz).isoformat(),
        "end": to_local(block.end, tz).isoformat(),
        "reason": block.reason,
    }


def hard_conflicts(proposal: Proposal, actor: Actor) -> list[dict]:
    room = proposal.room
    conflicts = []
    if not room.active:
        conflicts.append({"type": "room_inactive", "room": room.code, "message": f"Room {room.code} is not in use"})
    held_start, held_end = proposal.held
    for block in _blocks([room.id], held_start, held_end):
        conflicts.append(_describe_block(block, proposal.timezone))
    for meeting in _held_meetings([room.id], held_start, held_end, proposal.meeting_id):
        conflicts.append(_describe_meeting(meeting, actor))
    return conflicts


def meetings_in_interval(room: Room, start: datetime, end: datetime, actor: Actor) -> list[dict]:
    """Holding meetings in a room during [start, end): what a block would collide with."""
    return [_describe_meeting(m, actor) for m in _held_meetings([room.id], start, end, None)]


# --- soft conflicts -------------------------------------------------------------------


def _warning(code: str, message: str, **details) -> dict:
    return {"code": code, "message": message, **details}


def soft_warnings(proposal: Proposal, actor: Actor) -> list[dict]:
    room, venue, tz = proposal.room, proposal.room.venue, proposal.timezone
    warnings = []
    if proposal.expected_participants and proposal.expected_participants > room.capacity:
        warnings.append(
            _warning(
                "capacity",
                f"{proposal.expected_participants} participants expected; {room.code} seats {room.capacity}",
                capacity=room.capacity,
            )
        )

    if proposal.organizers:
        wanted = {o.strip().casefold() for o in proposal.organizers}
        overlapping = db.session.scalars(
            select(Meeting).where(
                Meeting.status.in_(HOLDING_STATUSES),
                Meeting.start < proposal.end,
                Meeting.start > proposal.start - MAX_MEETING_DURATION,
                Meeting.end > proposal.start,
            )
        )
        for other in overlapping:
            if other.id == proposal.meeting_id:
                continue
            shared = sorted(o for o in other.organizers if o.strip().casefold() in wanted)
            # Said only of meetings the caller may see: else asking would reveal who organizes what.
            if shared and can_see(actor, other):
                warnings.append(
                    _warning(
                        "organizer_busy",
                        f"{', '.join(shared)} already organizes a meeting then",
                        organizers=shared,
                        meeting_id=other.id,
                        title=other.title,
                    )
                )

    start_local, end_local = to_local(proposal.start, tz), to_local(proposal.end, tz)
    slot = next((s for s in venue.standard_slots() if s.contains(start_local, end_local)), None)
    if proposal.languages and not room.has_interpretation:
        warnings.append(
            _warning("no_interpretation", f"Interpretation is asked for but {room.code} has no interpretation booths")
        )
    if proposal.languages and slot is not None:
        slot_start, slot_end = slot.on(start_local.date(), tz, strict=False)
        interpreted = [
            m
            for m in db.session.scalars(
                select(Meeting)
                .join(Meeting.room)
                .where(
                    Room.venue_id == venue.id,
                    Meeting.status.in_(HOLDING_STATUSES),
                    Meeting.start < slot_end,
                    Meeting.start > slot_start - MAX_MEETING_DURATION,
                    Meeting.end > slot_start,
                )
            )
            if m.languages and m.id != proposal.meeting_id
        ]
        if len(interpreted) + 1 > venue.interpretation_teams:
            # The count includes meetings the caller may not see: only staff are told it.
            counted = (
                f"{len(interpreted) + 1} interpreted meetings in the {slot.name} slot; "
                if actor.is_staff
                else f"Every interpretation team is taken in the {slot.name} slot; "
            )
            warnings.append(
                _warning("interpretation_teams", f"{counted}{venue.code} has {venue.interpretation_teams} teams")
            )
    if slot is None:
        warnings.append(
            _warning(
                "outside_standard_hours", "The meeting runs outside the venue's standard slots: services cost overtime"
            )
        )
    days = _local_days(start_local, end_local)
    for day in days:
        if not venue.is_working_day(day):
            warnings.append(
                _warning(
                    "non_working_day",
                    f"{day.strftime('%A %d %B %Y')} is not a working day at {venue.code}",
                    date=day.isoformat(),
                )
            )
    for holiday in holidays_between(venue.id, days[0], days[-1]):
        warnings.append(
            _warning(
                "holiday",
                f"{holiday.date.strftime('%A %d %B %Y')} is a holiday at {venue.code}: {holiday.name}",
                date=holiday.date.isoformat(),
                name=holiday.name,
            )
        )
    if proposal.new_times and proposal.start < utcnow():
        warnings.append(_warning("in_the_past", "The meeting starts in the past: it is recorded, not planned"))
    return warnings


def holidays_between(venue_id: int, first: date, last: date) -> list[VenueHoliday]:
    """A venue's holidays from `first` to `last` inclusive: one query on the (venue_id, date) index."""
    return list(
        db.session.scalars(
            select(VenueHoliday)
            .where(
                VenueHoliday.venue_id == venue_id,
                VenueHoliday.date >= first,
                VenueHoliday.date <= last,
            )
            .order_by(VenueHoliday.date)
        )
    )


def _local_days(start_local: datetime, end_local: datetime) -> list[date]:
    last = (end_local - timedelta(microseconds=1)).date()
    days, day = [], start_local.date()
    while day <= last:
        days.append(day)
        day += timedelta(days=1)
    return days


# --- free rooms and times (alternatives here; the scheduling assistant builds on these) --


@dataclass(frozen=True)
class Needs:
    """What a room must offer."""

    participants: int | None = None
    languages: tuple = ()
    webcast: bool = False
    features: tuple = ()


def fits(room: Room, needs: Needs) -> bool:
    if needs.participants and room.capacity < needs.participants:
        return False
    wanted = set(needs.features) | ({"webcast"} if needs.webcast else set())
    if needs.languages:
        wanted.add("interpretation")
    return wanted <= set(room.features)


def natural_key(code: str) -> list:
    """CR-9 before CR-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def rooms_that_fit(
    venue_id: int, needs: Needs, exclude_room_id: int | None = None, codes: list[str] | None = None
) -> list[Room]:
    """Active rooms of a venue that offer what is needed, smallest first."""
    query = select(Room).where(Room.venue_id == venue_id, Room.active.is_(True))
    if exclude_room_id is not None:
        query = query.where(Room.id != exclude_room_id)
    if codes:
        query = query.where(Room.code.in_([code.upper() for code in codes]))
    return sorted(
        (room for room in db.session.scalars(query).unique() if fits(room, needs)),
        key=lambda room: (room.capacity, natural_key(room.code)),
    )


def busy(room_ids, start: datetime, end: datetime, exclude_meeting_id: int | None = None):
    """When these rooms are held (rows with room_id, held_start, held_end) or blocked (rows with
    room_id, start, end) during [start, end): plain rows, cheap to load by the thousand."""
    meetings = select(Meeting.room_id, Meeting.held_start, Meeting.held_end).where(
        Meeting.room_id.in_(room_ids),
        Meeting.status.in_(HOLDING_STATUSES),
        Meeting.held_start < end,
        Meeting.held_start > start - MAX_HELD_SPAN,
        Meeting.held_end > start,
    )
    if exclude_meeting_id is not None:
        meetings = meetings.where(Meeting.id != exclude_meeting_id)
    blocks = select(RoomBlock.room_id, RoomBlock.start, RoomBlock.end).where(
        RoomBlock.room_id.in_(room_ids), RoomBlock.end > start, RoomBlock.start < end
    )
    return db.session.execute(meetings).all(), db.session.execute(blocks).all()


def held_meetings(room_ids, start: datetime, end: datetime) -> list[Meeting]:
    """The meetings (whole) holding these rooms during [start, end)."""
    return _held_meetings(room_ids, start, end, None)


def free_rooms(
    candidates: list[Room], start: datetime, end: datetime, exclude_meeting_id: int | None = None
) -> list[Room]:
    """The candidates free for [start, end), buffers included, in the order given."""
    if not candidates:
        return []
    window = (start - timedelta(minutes=MAX_BUFFER_MINUTES), end + timedelta(minutes=MAX_BUFFER_MINUTES))
    meetings, blocks = busy([room.id for room in candidates], *window, exclude_meeting_id)
    return [room for room in candidates if _free(room, start, end, meetings, blocks)]


def first_free_start(
    room: Room,
    slot_start: datetime,
    slot_end: datetime,
    duration: timedelta,
    meetings,
    blocks,
    not_before: datetime | None = None,
) -> datetime | None:
    """The earliest start inside [slot_start, slot_end) where the room is free for `duration`.

    A meeting may start when the one before has released the room, allowing for its setup.
    `meetings` and `blocks` need only hold this room's, around the slot."""
    if slot_end - slot_start < duration:
        return None
    setup = timedelta(minutes=room.setup_minutes)
    releases = [m.held_end + setup for m in meetings] + [b.end + setup for b in blocks]
    for start in sorted({slot_start, *(t for t in releases if slot_start < t < slot_end)}):
        if (not_before and start < not_before) or start + duration > slot_end:
            continue
        if _free(room, start, start + duration, meetings, blocks):
            return start
    return None


def room_summary(room: Room) -> dict:
    return {"room": room.code, "name": room.name, "capacity": room.capacity, "features": room.features}


def _needs(proposal: Proposal) -> Needs:
    return Needs(
        participants=proposal.expected_participants, languages=tuple(proposal.languages), webcast=proposal.webcast
    )


def _free(room: Room, start: datetime, end: datetime, meetings, blocks) -> bool:
    held_start, held_end = held_interval(room, start, end)
    busy_items = [(m.room_id, m.held_start, m.held_end) for m in meetings] + [
        (b.room_id, b.start, b.end) for b in blocks
    ]
    return not any(room_id == room.id and s < held_end and e > held_start for room_id, s, e in busy_items)


def alternative_rooms(proposal: Proposal) -> list[dict]:
    """Other active rooms of the venue, free for the same time, that fit; smallest first."""
    candidates = rooms_that_fit(proposal.room.venue_id, _needs(proposal), exclude_room_id=proposal.room.id)
    free = free_rooms(candidates, proposal.start, proposal.end, proposal.meeting_id)
    return [room_summary(room) for room in free[:ALTERNATIVE_ROOMS]]


def working_days_from(venue, first_day: date, count: int) -> list[date]:
    """Up to `count` working days from `first_day` on, holidays left out."""
    horizon = first_day + timedelta(days=count * 3)
    closed = {holiday.date for holiday in holidays_between(venue.id, first_day, horizon)}
    days, day = [], first_day
    while len(days) < count and day < horizon:
        if venue.is_working_day(day) and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def alternative_times(proposal: Proposal, search_days: int) -> list[dict]:
    """The next free times of the same length in the same room, inside standard slots,
    on the venue's working days, from the requested start on."""
    room, venue, tz = proposal.room, proposal.room.venue, proposal.timezone
    if not room.active:
        return []
    duration = proposal.end - proposal.start
    days = working_days_from(venue, local_date(proposal.start, tz), search_days)
    slots = venue.standard_slots()
    if not days or not slots:
        return []
    window_start = slots[0].on(days[0], tz, strict=False)[0] - timedelta(minutes=MAX_BUFFER_MINUTES)
    window_end = slots[-1].on(days[-1], tz, strict=False)[1] + timedelta(minutes=MAX_BUFFER_MINUTES)
    meetings, blocks = busy([room.id], window_start, window_end, proposal.meeting_id)

    found = []
    for day in days:
        for slot in slots:
            slot_start, slot_end = slot.on(day, tz, strict=False)
            start = first_free_start(room, slot_start, slot_end, duration, meetings, blocks, not_before=proposal.start)
            if start is not None:
                found.append(
                    {
                        "room": room.code,
                        "start": to_local(start, tz).isoformat(),
                        "end": to_local(start + duration, tz).isoformat(),
                        "slot": slot.name,
                    }
                )
            if len(found) >= ALTERNATIVE_TIMES:
                return found
    return found


def alternatives(proposal: Proposal, search_days: int) -> dict:
    return {"rooms": alternative_rooms(proposal), "times": alternative_times(proposal, search_days)}
