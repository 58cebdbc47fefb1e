"""A feed's bytes, from its definition: the events of its meetings (rendered once per change of a
meeting, and kept in feed_events), checked, joined under its header and time zones."""

import logging

from sqlalchemy import Integer, cast, delete, extract, insert, select

from ..conflicts import MAX_MEETING_DURATION
from ..extensions import db
from ..ical.calendar import assemble, checked_events
from ..ical.events import render_event, render_key
from ..meetings.models import Meeting
from ..processes.models import Process
from ..rooms.models import Room
from ..venues.models import Venue
from .documents import Definition, uid_domain, window_conditions, window_start
from .models import FeedEvent

log = logging.getLogger(__name__)

BATCH = 500  # meetings loaded at once to render their events


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

    def key(self, meeting_id, version, room_id, process_id) -> str:
        return render_key(uid_domain(), meeting_id, version, *self.rooms[room_id], self.processes.get(process_id))


def render(definition: Definition, stamps: Stamps) -> bytes:
    """The feed's bytes. Raises ical.calendar.InvalidFeed if a part fails its checks."""
    query = (
        select(
            Meeting.id,
            Meeting.version,
            Meeting.room_id,
            Meeting.process_id,
            cast(extract("year", Meeting.end), Integer),
            FeedEvent.render_key,
            FeedEvent.text,
        )
        .outerjoin(FeedEvent, FeedEvent.meeting_id == Meeting.id)
        .where(*window_conditions(), *definition.conditions)
        .order_by(Meeting.start, Meeting.id)
    )
    rows = db.session.execute(query).all()
    wanted = [stamps.key(*row[:4]) for row in rows]
    stale = [row[0] for row, key in zip(rows, wanted, strict=True) if row[5] != key]
    fresh = render_events(stale, stamps) if stale else {}
    texts = [fresh.get(row[0]) or row[6] for row in rows]
    events = checked_events(texts)
    return b"".join(assemble(definition.info, _zones(events, [row[4] for row in rows]), events))


def render_events(meeting_ids: list[int], stamps: Stamps) -> dict[int, str]:
    """Render and keep the events of these meetings (the caller commits)."""
    rendered, kept = {}, []
    for first in range(0, len(meeting_ids), BATCH):
        batch = meeting_ids[first : first + BATCH]
        for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(batch))).unique():
            rendered[meeting.id] = render_event(meeting, uid_domain())
            key = stamps.key(meeting.id, meeting.version, meeting.room_id, meeting.process_id)
            kept.append({"meeting_id": meeting.id, "render_key": key, "text": rendered[meeting.id]})
    db.session.execute(delete(FeedEvent).where(FeedEvent.meeting_id.in_(meeting_ids)))
    if kept:
        db.session.execute(insert(FeedEvent), kept)
    log.info("rendered the events of %d meetings", len(rendered))
    return rendered


def _zones(events, end_years: list[int]) -> dict[str, tuple[int, int]]:
    """Each time zone the events use, with the years its VTIMEZONE must be exact for: from the year
    before the window to the year after that zone's last meeting ends (a zone whose rules no RRULE
    describes is built year by year: one meeting booked far ahead elsewhere must not cost seconds)."""
    first = (window_start() - MAX_MEETING_DURATION).year - 1
    last: dict[bytes, int] = {}
    for event, year in zip(events, end_years, strict=True):
        for name in event.zones_used:
            last[name] = max(last.get(name, first), year)
    return {name.decode(): (first, year + 1) for name, year in last.items()}
