"""Every meeting written keeps, beside its UTC instants, the local wall time and zone they name and
the tz database release that computed them. One session hook does it, so no path can forget it: a
meeting booked or moved, its room moved to another venue, its venue's zone put right (installed by
`keep_wall_times()`, at the app's start). Meetings keep their instants in each case; their wall
times are those the instants name where they now are."""

from sqlalchemy import event, inspect, or_, select
from sqlalchemy.orm import Session

from .. import tz_database
from ..rooms.models import Room
from ..times import to_local
from ..venues.models import Venue
from .models import Meeting

_MOVING = ("start", "end", "room_id", "room")


def keep_wall_times() -> None:
    if not event.contains(Session, "before_flush", _note_wall_times):
        event.listen(Session, "before_flush", _note_wall_times)


def _changed(obj, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _note_wall_times(session, _context, _instances) -> None:
    moved_rooms, rezoned_venues = {}, {}
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Meeting) and (inspect(obj).pending or _changed(obj, *_MOVING)):
            note(obj)
        elif isinstance(obj, Room) and obj.id is not None and _changed(obj, "venue", "venue_id"):
            moved_rooms[obj.id] = obj.venue.timezone
        elif isinstance(obj, Venue) and obj.id is not None and _changed(obj, "timezone"):
            rezoned_venues[obj.id] = obj.timezone
    if moved_rooms or rezoned_venues:
        _note_meetings_of(session, moved_rooms, rezoned_venues)


def _note_meetings_of(session, rooms: dict[int, str], venues: dict[int, str]) -> None:
    """The meetings of rooms now in another venue, and of venues now in another zone."""
    with session.no_autoflush:
        venue_of_room = dict(session.execute(select(Room.id, Room.venue_id).where(Room.venue_id.in_(venues))).all())
        query = (
            select(Meeting)
            .where(or_(Meeting.room_id.in_(rooms), Meeting.room_id.in_(venue_of_room)))
            .execution_options(populate_existing=True)
        )
        for meeting in session.scalars(query).unique():
            zone = rooms.get(meeting.room_id) or venues[venue_of_room[meeting.room_id]]
            note(meeting, zone)


def note(meeting: Meeting, zone: str | None = None) -> None:
    """Set the meeting's wall times from its instants, in its venue's zone (or `zone`), with this release's rules."""
    zone = zone or meeting.room.venue.timezone
    meeting.local_start = to_local(meeting.start, zone).replace(tzinfo=None)
    meeting.local_end = to_local(meeting.end, zone).replace(tzinfo=None)
    meeting.local_zone = zone
    meeting.tz_database = tz_database.VERSION
