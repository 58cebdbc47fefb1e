"""The outbox: messages recorded in the transaction of the change that causes them (one session hook,
installed by `record_messages()`), sent afterwards by the worker (sending.py). Nothing in the domain
calls this: every change of a meeting writes an entry of its history, and the hook reads those.

A message still queued for the same topic and address takes a later change in: one message goes, made
from the meeting as it is when it is sent, of the kind that says most (`merged_kind`).
"""

import uuid

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..meetings.models import Meeting, MeetingChange
from . import recipients
from .models import OutboxMessage
from .recipients import BOOKED, CANCELLED, CHANGED, POSTPONED, REQUEST_APPROVED, Reader

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


def _forget(session) -> None:
    session.info.pop("mail_history", None)


def _queue_messages(session) -> None:
    session.flush()
    entries = session.info.pop("mail_history", None)
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
    if new in (CANCELLED, POSTPONED):
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
