"""The daily programme by mail: from its venue's programme_hour (local time) on, each mission that asked
for it (missions.daily_programme, with addresses) is sent the next working day's meetings at that
venue that it may see, as the Journal of that day shows them to it; a venue where it may see none
sends it nothing (until one is booked that evening). Queued once per address, venue and day (the
topic): the worker's rounds may run as often as they like."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..clock import utcnow
from ..conflicts import working_days_from
from ..extensions import db
from ..meetings.models import HOLDING_STATUSES, Meeting
from ..missions.models import Mission
from ..times import to_local
from ..venues.models import Venue
from ..web.agenda import day_bounds, meetings_between
from .models import OutboxMessage
from .outbox import queue
from .recipients import PROGRAMME, Reader


def programme_meetings(venue: Venue, day: date, reader: Reader) -> list[Meeting]:
    """The meetings held at the venue that day that the reader may see, as the Journal lists them."""
    return meetings_between(venue, *day_bounds(venue, day), reader.actor(), HOLDING_STATUSES)


def queue_programmes(now: datetime | None = None) -> int:
    """Queue the programmes whose hour has come and that are not queued yet (committed)."""
    now = now or utcnow()
    missions = db.session.execute(select(Mission.code, Mission.emails).where(Mission.daily_programme.is_(True))).all()
    readers = [Reader(address, code) for code, emails in missions for address in emails or []]
    if not readers:
        return 0
    queued = 0
    for venue in db.session.scalars(select(Venue)):
        local_now = to_local(now, venue.timezone)
        if local_now.hour < venue.programme_hour:
            continue
        [day] = working_days_from(venue, local_now.date() + timedelta(days=1), 1) or [None]
        if day is None:
            continue
        topic = f"programme:{venue.code}:{day.isoformat()}"
        done = set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.topic == topic)))
        for reader in readers:
            if reader.address not in done and programme_meetings(venue, day, reader):
                queue(db.session, topic, PROGRAMME, reader, day=day, venue_code=venue.code)
                done.add(reader.address)
                queued += 1
    db.session.commit()
    return queued
