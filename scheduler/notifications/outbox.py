"""The outbox: messages recorded in the transaction of the change that causes them (one session hook,
installed by `record_messages()`), sent afterwards by the worker (sending.py). Nothing in the domain
calls this: every change of a meeting writes an entry of its history, and the hook reads those.

A room, venue or process whose calendar-shown fields change (meetings/calendar.py) writes no history
entry: the hook follows those changes itself, for the meetings ahead someone was told of.

A message still queued for the same topic and address takes a later change in: one message goes, made
from the meeting as it is when it is sent, of the kind that says most (`merged_kind`).
"""

import uuid

from flask import current_app
from sqlalchemy import String, cast, event, inspect, or_, select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..meetings.calendar import SHOWN_OF
from ..meetings.models import Meeting, MeetingChange, MeetingInvitation
from ..rooms.models import Room
from . import recipients
from .models import OutboxMessage
from .recipients import BOOKED, CANCELLED, CHANGED, POSTPONED, REQUEST_APPROVED, WITHDRAWN_FROM_VIEW, Reader

# A message not sent yet that the reader never got: a later change of the meeting is told in it.
TOLD_IN_FIRST = {BOOKED, REQUEST_APPROVED}


def record_messages() -> None:
    """Install the hook (once: the listeners are global, on every Session)."""
    if event.contains(Session, "after_flush", _note_history):
        return
    event.listen(Session, "after_flush", _note_history)
    event.listen(Session, "before_commit", _queue_messages)
    event.listen(Session, "after_rollback", _forget)


def _note_history(session, _context) -> None:
    for entry in session.new:
        if isinstance(entry, MeetingChange):
            session.info.setdefault("mail_history", []).append((entry.meeting_id, entry.action, dict(entry.changes)))
    for place in session.dirty:
        if isinstance(place, tuple(SHOWN_OF)) and _shown_change(place):
            session.info.setdefault("mail_places", set()).add((type(place).__name__, place.id))


def _shown_change(place) -> bool:
    """What the calendars of its meetings show of a room, venue or process changed (meetings/calendar.py)."""
    state = inspect(place)
    return any(state.attrs[name].history.has_changes() for name in SHOWN_OF[type(place)])


def _forget(session) -> None:
    session.info.pop("mail_history", None)
    session.info.pop("mail_places", None)


def _meetings_told_of(places: set[tuple[str, int]]):
    """Meetings ahead, of these rooms, venues and processes, that someone was told of by mail."""
    ids = {kind: [place_id for name, place_id in places if name == kind] for kind in ("Room", "Venue", "Process")}
    where = or_(
        Meeting.room_id.in_(ids["Room"]),
        Meeting.room_id.in_(select(Room.id).where(Room.venue_id.in_(ids["Venue"]))),
        Meeting.process_id.in_(ids["Process"]),
    )
    told = or_(
        Meeting.requested_by.is_not(None),
        Meeting.id.in_(select(MeetingInvitation.meeting_id)),
        cast(Meeting.organizers, String).contains("@"),
    )
    return select(Meeting.id).where(where, told, Meeting.start > utcnow()).order_by(Meeting.id)


def _queue_messages(session) -> None:
    session.flush()
    entries = session.info.pop("mail_history", None) or []
    places = session.info.pop("mail_places", None)
    if places:  # a renamed room, a venue's zone put right: its meetings' calendars change, without history
        with session.no_autoflush:
            entries += [
                (meeting_id, "updated", {"room": [None, None]})
                for meeting_id in session.scalars(_meetings_told_of(places))
            ]
    if not entries:
        return
    with session.no_autoflush:
        for meeting_id, action, changes in entries:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None:
                continue
            for reader, kind in recipients.messages_for_change(meeting, action, changes):
                queue(session, f"meeting:{meeting.id}", kind, reader, meeting_id=meeting.id)


def merged_kind(queued: str, new: str) -> str:
    """The kind of a queued message after another change of its meeting."""
    if new in (CANCELLED, POSTPONED, WITHDRAWN_FROM_VIEW):
        return new
    if queued in TOLD_IN_FIRST:
        return queued
    if queued in (CANCELLED, POSTPONED) and new == CHANGED:
        return queued
    return new


def queue(session, topic: str, kind: str, reader: Reader, **about) -> OutboxMessage:
    """Queue a message to the reader, or fold it into one still queued on the same topic."""
    now = utcnow()
    waiting = session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.topic == topic,
            OutboxMessage.recipient == reader.address,
            OutboxMessage.reader_mission == reader.mission_code,
            OutboxMessage.reader_is_staff == reader.staff,
            OutboxMessage.status == "queued",
        )
    )
    if waiting is not None:
        waiting.kind, waiting.updated_at = merged_kind(waiting.kind, kind), now
        return waiting
    message = OutboxMessage(
        topic=topic,
        kind=kind,
        recipient=reader.address,
        reader_mission=reader.mission_code,
        reader_is_staff=reader.staff,
        status="queued",
        attempts=0,
        next_attempt_at=now,
        last_error="",
        message_id=f"<{uuid.uuid4().hex}@{current_app.config['ICAL_UID_DOMAIN']}>",
        created_at=now,
        updated_at=now,
        **about,
    )
    session.add(message)
    return message
