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
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from .. import tz_database
from ..accounts.service import Actor
from ..clock import utcnow
from ..extensions import db
from ..times import moments_of
from .models import Meeting
from .service import move_to_new_rules, note_for_officers

ACTOR = Actor(name=f"tz database {tz_database.VERSION}", role="admin")


@dataclass
class Outcome:
    meeting: Meeting
    old: tuple[datetime, datetime]
    new: tuple[datetime, datetime] | None = None  # None: not placed
    problem: str = ""
    collisions: list[dict] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return self.new is not None and self.new != self.old and not self.problem


def _stale():
    """Meetings ahead whose instants another release computed."""
    return or_(Meeting.tz_database.is_(None), Meeting.tz_database != tz_database.VERSION)


def stale_counts(now: datetime | None = None) -> dict[str, int]:
    """How many meetings ahead each other release computed (`None` for rows that never said)."""
    query = (
        select(Meeting.tz_database, func.count())
        .where(Meeting.start > (now or utcnow()), Meeting.local_start.is_not(None), _stale())
        .group_by(Meeting.tz_database)
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
    outcome = Outcome(meeting, (meeting.start, meeting.end))
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


def recompute(dry_run: bool = False, now: datetime | None = None) -> list[Outcome]:
    """Apply the release in use to every meeting ahead another release computed. Each meeting is
    its own transaction; one that collides is tried again after the others moved (they may have
    made room), then reported."""
    query = (
        select(Meeting.id)
        .where(Meeting.start > (now or utcnow()), Meeting.local_start.is_not(None), _stale())
        .order_by(Meeting.start, Meeting.id)
    )
    outcomes = [plan(db.session.get(Meeting, meeting_id)) for meeting_id in db.session.scalars(query).all()]
    if dry_run:
        db.session.rollback()
        return outcomes
    unchanged = [o.meeting.id for o in outcomes if o.new is not None and o.new == o.old]
    if unchanged:
        db.session.execute(update(Meeting).where(Meeting.id.in_(unchanged)).values(tz_database=tz_database.VERSION))
        db.session.commit()
    waiting = [o for o in outcomes if o.moved]
    while waiting:
        still = [o for o in waiting if _move(o)]
        if len(still) == len(waiting):
            break
        waiting = still
    for outcome in outcomes:
        if outcome.problem or outcome.collisions:
            outcome.problem = outcome.problem or _collision_text(outcome.collisions)
            note_for_officers(outcome.meeting, ACTOR, "not_retimed", _reason(outcome))
    return outcomes


def _move(outcome: Outcome) -> bool:
    """Move it; True if it collided (and stayed)."""
    meeting = db.session.get(Meeting, outcome.meeting.id)
    outcome.collisions = move_to_new_rules(meeting, *outcome.new, ACTOR, _reason(outcome))
    outcome.meeting = meeting
    return bool(outcome.collisions)


def _reason(outcome: Outcome) -> str:
    meeting = outcome.meeting
    wall = f"{meeting.local_start:%Y-%m-%d %H:%M}-{meeting.local_end:%H:%M} {meeting.local_zone}"
    if outcome.problem or outcome.collisions:
        problem = outcome.problem or _collision_text(outcome.collisions)
        return f"tz database {tz_database.VERSION} changed the rules of its zone; not moved to {wall}: {problem}"
    return f"tz database {tz_database.VERSION} changed the rules of its zone: kept at {wall}"


def _collision_text(collisions: list[dict]) -> str:
    described = [
        f"meeting {c['meeting_id']}" if c.get("meeting_id") else c.get("type", "booking").replace("_", " ")
        for c in collisions
    ]
    return "the new time collides with " + ", ".join(described)
