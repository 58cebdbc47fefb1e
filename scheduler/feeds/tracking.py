"""Feeds follow the domain's changes through one session hook, installed by `track_changes()`:
every transaction that changes what a feed shows writes, as its last statement, one FeedChange
row naming the subjects it touched. Nothing in the domain calls the feeds; the feed worker reads
these rows after they are committed.

Subjects: "all" (any meeting), "room:<id>", "body:<slug>", "process:<id>", "kind:<kind>" (a
meeting's old and new ones), "mission:<code>" and "subscription:<id>" (a mission's feeds), "*" (a
room, venue or process changed: their names are in many events).
"""

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..meetings.models import Meeting, MeetingInvitation
from ..missions.models import Mission, Subscription
from ..processes.models import Process
from ..rooms.models import Room
from ..venues.models import Venue
from .models import FeedChange

EVERYTHING = "*"


def _values(obj, attribute: str) -> set:
    """The attribute's value now and, if this flush changed it, before."""
    history = inspect(obj).attrs[attribute].history
    return {value for value in (*history.added, *history.unchanged, *history.deleted) if value not in (None, "")}


def subjects_of(obj) -> set[str]:
    if isinstance(obj, Meeting):
        return (
            {"all"}
            | {f"room:{room_id}" for room_id in _values(obj, "room_id")}
            | {f"body:{slug}" for slug in _values(obj, "body_slug")}
            | {f"process:{process_id}" for process_id in _values(obj, "process_id")}
            | {f"kind:{kind}" for kind in _values(obj, "kind")}
        )
    if isinstance(obj, MeetingInvitation):  # who may see a closed meeting
        return {"all"}
    if isinstance(obj, (Room, Venue, Process)):
        return {EVERYTHING}
    if isinstance(obj, Mission):
        return {f"mission:{code}" for code in _values(obj, "code")}
    if isinstance(obj, Subscription):
        return {f"subscription:{obj.id}"}
    return set()


def track_changes() -> None:
    """Install the hook (once: the listeners are global, on every Session)."""
    if event.contains(Session, "after_flush", _note_subjects):
        return
    event.listen(Session, "after_flush", _note_subjects)
    event.listen(Session, "before_commit", _record_change)
    event.listen(Session, "after_rollback", _forget_subjects)


def _note_subjects(session, _context) -> None:
    # After the flush: new rows have their ids, and each attribute's history is still there.
    for obj in (*session.new, *session.dirty, *session.deleted):
        found = subjects_of(obj)
        if found:
            session.info.setdefault("feed_subjects", set()).update(found)


def _record_change(session) -> None:
    session.flush()  # what is still pending: _note_subjects sees it now
    subjects = session.info.pop("feed_subjects", None)
    if subjects:
        # Insert only: simultaneous changes never wait for each other here.
        session.connection().execute(insert(FeedChange).values(subjects=" ".join(sorted(subjects)), at=utcnow()))


def _forget_subjects(session) -> None:
    session.info.pop("feed_subjects", None)
