"""Every meeting written keeps, beside its UTC instants, the local wall time and zone they name and
the tz database release that computed them. One session hook does it, so no path that books or moves
a meeting can forget it (installed by `keep_wall_times()`, at the app's start)."""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .. import tz_database
from ..times import to_local
from .models import Meeting

_MOVING = ("start", "end", "room_id", "room")


def keep_wall_times() -> None:
    if not event.contains(Session, "before_flush", _note_wall_times):
        event.listen(Session, "before_flush", _note_wall_times)


def _note_wall_times(session, _context, _instances) -> None:
    for meeting in (*session.new, *session.dirty):
        if not isinstance(meeting, Meeting):
            continue
        state = inspect(meeting)
        if state.pending or any(state.attrs[name].history.has_changes() for name in _MOVING):
            note(meeting)


def note(meeting: Meeting) -> None:
    """Set the meeting's wall times from its instants, in its venue's zone, with this release's rules."""
    zone = meeting.room.venue.timezone
    meeting.local_start = to_local(meeting.start, zone).replace(tzinfo=None)
    meeting.local_end = to_local(meeting.end, zone).replace(tzinfo=None)
    meeting.local_zone = zone
    meeting.tz_database = tz_database.VERSION
