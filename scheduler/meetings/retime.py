"""A new tz database release, applied to the meetings still to come (`flask timezones recompute`).

A meeting is booked at a local wall time in its venue's zone; its UTC instants are what the rules of
the tz database release in use made of that wall time (meetings/wall_times.py keeps both). When a new
release changes a zone's rules (governments do, at short notice), each meeting ahead computed with
another release keeps its wall time and takes the instants the new rules give it: checked like any
move, SEQUENCE up, written in its history; the feeds follow. A meeting the new rules cannot place is
left where it was, noted in its history and reported, for an officer to resolve:
- its wall time no longer exists (the clocks now jump over it), or happens twice and neither time has
  the UTC offset it was booked with;
- its new instants collide with another booking or a room block.
Such meetings keep their old release's mark, so `status` counts them and the next run tries again.
Meetings a release before migration 0012 wrote (a host not yet upgraded, during a rolling upgrade)
have no wall time: the run first gives them the one their instants name now.

Work goes in batches (BATCH meetings planned at a time, nothing held for the whole run), and each
move is planned again under its room's lock: a change made meanwhile is never overwritten.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from .. import conflicts, tz_database
from ..accounts.service import Actor
from ..clock import utcnow
from ..extensions import db
from ..rooms.service import lock_rooms
from ..times import moments_of
from . import wall_times
from .models import HOLDING_STATUSES, Meeting
from .service import move_to_new_rules, note_for_officers

ACTOR = Actor(name=f"tz database {tz_database.VERSION}", role="admin")
BATCH = 500


@dataclass
class Outcome:
    """What the rules in use make of one meeting: plain values, not the row."""

    meeting_id: int
    room_code: str
    title: str
    wall: str  # its booked local times and zone, as people read them
    old: tuple[datetime, datetime]
    new: tuple[datetime, datetime] | None = None  # None: the new rules cannot place it
    problem: str = ""
    collisions: list[dict] = field(default_factory=list)

    @property
    def to_move(self) -> bool:
        return self.new is not None and self.new != self.old

    @property
    def moved(self) -> bool:
        return self.to_move and not self.problem and not self.collisions

    @property
    def left_for_an_officer(self) -> bool:
        return bool(self.problem or self.collisions)


def _ahead(now: datetime):
    return Meeting.start > now


def _stale():
    """Meetings whose instants another release computed."""
    return or_(Meeting.tz_database.is_(None), Meeting.tz_database != tz_database.VERSION)


def stale_counts(now: datetime | None = None) -> dict[str, int]:
    """How many meetings ahead each other release computed ("unknown": written before migration 0012)."""
    query = (
        select(Meeting.tz_database, func.count()).where(_ahead(now or utcnow()), _stale()).group_by(Meeting.tz_database)
    )
    return {release or "unknown": count for release, count in db.session.execute(query)}


def _instant(wall: datetime, zone: str, booked_offset: timedelta) -> datetime | str:
    """The moment a wall time names under the rules in use, or why there is none."""
    moments = moments_of(wall, zone)
    if len(moments) == 1:
        return moments[0]
    if not moments:
        return f"{wall.isoformat()} no longer exists in {zone} (the clocks now jump over it)"
    same_offset = [moment for moment in moments if moment.replace(tzinfo=None) + booked_offset == wall]
    if same_offset:
        return same_offset[0]
    return f"{wall.isoformat()} now happens twice in {zone}, neither time at the offset it was booked with"


def plan(meeting: Meeting) -> Outcome:
    """Where the rules in use put the meeting's wall times."""
    wall = f"{meeting.local_start:%Y-%m-%d %H:%M}-{meeting.local_end:%H:%M} {meeting.local_zone}"
    outcome = Outcome(meeting.id, meeting.room.code, meeting.title, wall, (meeting.start, meeting.end))
    start = _instant(meeting.local_start, meeting.local_zone, meeting.local_start - meeting.start.replace(tzinfo=None))
    end = _instant(meeting.local_end, meeting.local_zone, meeting.local_end - meeting.end.replace(tzinfo=None))
    problems = [value for value in (start, end) if isinstance(value, str)]
    if problems:
        outcome.problem = "; ".join(problems)
    elif end <= start:
        outcome.problem = f"under the new rules of {meeting.local_zone} it would end before it starts"
    else:
        outcome.new = (start, end)
    return outcome


def _batches(query):
    """The ids a query selects, BATCH at a time, each batch's rows loaded fresh and let go after."""
    ids = db.session.scalars(query).all()
    for first in range(0, len(ids), BATCH):
        yield (
            db.session.scalars(
                select(Meeting).where(Meeting.id.in_(ids[first : first + BATCH])).order_by(Meeting.start, Meeting.id)
            )
            .unique()
            .all()
        )
        db.session.expunge_all()


def _fill_wall_times(now: datetime, dry_run: bool) -> None:
    """Meetings written before migration 0012 get the wall times their instants name now."""
    query = select(Meeting.id).where(_ahead(now), Meeting.local_start.is_(None))
    for meetings in _batches(query):
        for meeting in meetings:
            wall_times.note(meeting)
        db.session.flush()
        if not dry_run:
            db.session.commit()


def recompute(dry_run: bool = False, now: datetime | None = None) -> list[Outcome]:
    """Apply the release in use to every meeting ahead another release computed. Each meeting is
    its own transaction; one that collides is tried again after the others moved (they may have
    made room), then reported. A dry run plans and checks the same, and writes nothing."""
    now = now or utcnow()
    _fill_wall_times(now, dry_run)
    outcomes: list[Outcome] = []
    query = select(Meeting.id).where(_ahead(now), _stale()).order_by(Meeting.start, Meeting.id)
    for meetings in _batches(query):
        planned = [plan(meeting) for meeting in meetings]
        if dry_run:
            holding = {meeting.id: meeting for meeting in meetings if meeting.status in HOLDING_STATUSES}
            for outcome in planned:
                if outcome.to_move and outcome.meeting_id in holding:
                    outcome.collisions = _collisions(holding[outcome.meeting_id], *outcome.new)
        outcomes += planned
        unchanged = [o.meeting_id for o in planned if o.new is not None and o.new == o.old]
        if unchanged and not dry_run:
            db.session.execute(update(Meeting).where(Meeting.id.in_(unchanged)).values(tz_database=tz_database.VERSION))
            db.session.commit()
    if dry_run:
        db.session.rollback()
        return outcomes
    waiting = [o for o in outcomes if o.to_move and not o.problem]
    while waiting:
        still = [o for o in waiting if _move(o)]
        if len(still) == len(waiting):
            break
        waiting = still
    for outcome in outcomes:
        if outcome.left_for_an_officer:
            meeting = db.session.get(Meeting, outcome.meeting_id)
            note_for_officers(meeting, ACTOR, "not_retimed", _reason(outcome))
            db.session.expunge_all()
    return outcomes


def _collisions(meeting: Meeting, start: datetime, end: datetime) -> list[dict]:
    proposal = conflicts.Proposal(room=meeting.room, start=start, end=end, meeting_id=meeting.id)
    return conflicts.hard_conflicts(proposal, ACTOR)


def _move(outcome: Outcome) -> bool:
    """Move it, planned again under its room's lock; True if it collided (and stayed)."""
    room_id = db.session.scalar(select(Meeting.room_id).where(Meeting.id == outcome.meeting_id))
    if room_id is None:
        return False  # deleted meanwhile
    lock_rooms([room_id])
    meeting = db.session.get(Meeting, outcome.meeting_id, populate_existing=True)
    if meeting.tz_database == tz_database.VERSION:  # moved or recomputed meanwhile: as it is now
        db.session.rollback()
        outcome.new = outcome.old
        return False
    fresh = plan(meeting)
    outcome.new, outcome.problem = fresh.new, fresh.problem
    if fresh.problem or fresh.new == fresh.old:
        db.session.rollback()
        return False
    outcome.collisions = move_to_new_rules(meeting, *fresh.new, ACTOR, _reason(outcome))
    db.session.expunge_all()
    return bool(outcome.collisions)


def _reason(outcome: Outcome) -> str:
    if outcome.left_for_an_officer:
        problem = outcome.problem or collision_text(outcome.collisions)
        return (
            f"tz database {tz_database.VERSION} changed the rules of its zone; not moved to {outcome.wall}: {problem}"
        )
    return f"tz database {tz_database.VERSION} changed the rules of its zone: kept at {outcome.wall}"


def collision_text(collisions: list[dict]) -> str:
    described = [
        f"meeting {c['meeting_id']}" if c.get("meeting_id") else c.get("type", "booking").replace("_", " ")
        for c in collisions
    ]
    return "the new time collides with " + ", ".join(described)
