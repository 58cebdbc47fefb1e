"""A feed's bytes, from its definition: the events of its meetings (each rendered once per change of
the meeting and kept in feed_events), checked, joined under its header and time zones.

The feed worker renders one feed after another, and most of them hold the same meetings: it keeps
the checked events it read (`_checked`, one process for the whole deployment), each with what it
was made of, and reads an event again only when that changed.
"""

import logging

from sqlalchemy import delete, insert, select

from ..extensions import db
from ..ical.calendar import CheckedPart, assemble, checked_events
from ..ical.events import render_event, render_key, same_for_calendars
from ..meetings.models import Meeting
from ..processes.models import Process
from ..rooms.models import Room
from ..venues.models import Venue
from .documents import Definition, uid_domain, window_conditions
from .models import FeedEvent

log = logging.getLogger(__name__)

BATCH = 500  # meetings loaded at once to render their events
KEPT_AT_MOST = 200_000  # checked events kept (the feeds' window holds tens of thousands)

# meeting id -> (what its event is made of, the event checked)
_checked: dict[int, tuple[tuple, CheckedPart]] = {}


def forget() -> None:
    """Read every event again from feed_events (tests: as a worker that starts afresh)."""
    _checked.clear()


class Stamps:
    """When each room (with its venue) and process last changed: an event shows them too. Small
    tables, read once a round of the feed worker."""

    def __init__(self):
        self.rooms = {
            room_id: (room_at, venue_at)
            for room_id, room_at, venue_at in db.session.execute(
                select(Room.id, Room.updated_at, Venue.updated_at).join(Venue, Room.venue_id == Venue.id)
            )
        }
        self.processes = dict(db.session.execute(select(Process.id, Process.updated_at)).all())

    def made_of(self, version: int, room_id: int, process_id: int | None) -> tuple:
        """What a meeting's event is made of besides the meeting's id (see ical.events.render_key)."""
        return (uid_domain(), version, *self.rooms[room_id], self.processes.get(process_id))


def render(definition: Definition, stamps: Stamps) -> bytes:
    """The feed's bytes. Raises ical.calendar.InvalidFeed if a part fails its checks."""
    query = (
        select(
            Meeting.id,
            Meeting.version,
            Meeting.room_id,
            Meeting.process_id,
        )
        .where(*window_conditions(), *definition.conditions)
        .order_by(Meeting.start, Meeting.id)
    )
    rows = db.session.connection().execute(query).all()  # plain rows: no events' text, no ORM
    made_of = {meeting_id: stamps.made_of(*rest) for meeting_id, *rest in rows}
    unknown = [meeting_id for meeting_id, inputs in made_of.items() if _checked.get(meeting_id, ((),))[0] != inputs]
    if unknown:
        _read_or_render(unknown, made_of, stamps)
    events = [_checked[meeting_id][1] for meeting_id, *_ in rows]
    return b"".join(assemble(definition.info, definition.home_zone, events))


def _read_or_render(meeting_ids: list[int], made_of: dict[int, tuple], stamps: Stamps) -> None:
    """Check and keep the events of these meetings: as stored, where they are current, else rendered now."""
    if len(_checked) + len(meeting_ids) > KEPT_AT_MOST:
        _checked.clear()
    stored = {}
    for first in range(0, len(meeting_ids), BATCH):
        batch = meeting_ids[first : first + BATCH]
        query = select(FeedEvent.meeting_id, FeedEvent.render_key, FeedEvent.text).where(
            FeedEvent.meeting_id.in_(batch)
        )
        stored.update((meeting_id, (key, text)) for meeting_id, key, text in db.session.execute(query))
    texts = {
        meeting_id: text
        for meeting_id, (key, text) in stored.items()
        if key == _render_key(meeting_id, made_of[meeting_id])
    }
    stale = {meeting_id: text for meeting_id, (_, text) in stored.items() if meeting_id not in texts}
    texts.update(render_events([meeting_id for meeting_id in meeting_ids if meeting_id not in texts], stamps, stale))
    for meeting_id, part in zip(texts, checked_events(list(texts.values())), strict=True):
        _checked[meeting_id] = (made_of[meeting_id], part)


def _render_key(meeting_id: int, made_of: tuple) -> str:
    uid, version, *stamps = made_of
    return render_key(uid, meeting_id, version, *stamps)


def render_events(meeting_ids: list[int], stamps: Stamps, stale: dict[int, str] | None = None) -> dict[int, str]:
    """Render and keep the events of these meetings (the caller commits). Where a stale text (stored
    before the meeting's last change) shows the same as the new rendering, the stale text is kept,
    stamps and all: the feeds' bytes change only when what a calendar shows changes."""
    stale = stale or {}
    if not meeting_ids:
        return {}
    rendered, kept = {}, []
    for first in range(0, len(meeting_ids), BATCH):
        batch = meeting_ids[first : first + BATCH]
        for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(batch))).unique():
            text = render_event(meeting, uid_domain())
            old = stale.get(meeting.id)
            rendered[meeting.id] = old if old is not None and same_for_calendars(old, text) else text
            made_of = stamps.made_of(meeting.version, meeting.room_id, meeting.process_id)
            kept.append(
                {"meeting_id": meeting.id, "render_key": _render_key(meeting.id, made_of), "text": rendered[meeting.id]}
            )
    db.session.execute(delete(FeedEvent).where(FeedEvent.meeting_id.in_(meeting_ids)))
    if kept:
        db.session.execute(insert(FeedEvent), kept)
    log.info("rendered the events of %d meetings", len(rendered))
    return rendered
