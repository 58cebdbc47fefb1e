"""What a calendar shows of a meeting, and the rule that follows: when any of it changes, the
meeting's iCalendar SEQUENCE goes up (scheduler/ical/events.py renders exactly this)."""

from sqlalchemy import inspect, update

from ..extensions import db
from ..processes.models import Process
from ..rooms.models import Room
from ..venues.models import Venue
from .models import Meeting

# The meeting's own fields (as the API names them).
CALENDAR_FIELDS = (
    "title",
    "kind",
    "body",
    "process",
    "room",
    "start",
    "end",
    "status",
    "visibility",
    "description",
    "languages",
    "webcast",
    "organizers",  # in DESCRIPTION, as the status's reason is
    "status_reason",
)
# What it shows of its room, venue and process: LOCATION (the room's name and venue), the zone of its
# times, DESCRIPTION.
SHOWN_OF = {Room: ("name", "venue"), Venue: ("name", "timezone"), Process: ("title", "mandate", "facilitators")}


def shows_change(changes: dict) -> bool:
    return any(field in changes for field in CALENDAR_FIELDS)


def follow_shown_change(place, meetings_there) -> None:
    """Call with a room, venue or process before its changes are flushed, and the condition of its
    meetings: if what their calendars show of it changed, their SEQUENCE (and version) go up."""
    state = inspect(place)
    for name in SHOWN_OF[type(place)]:
        history = state.attrs[name].history
        if history.added and history.deleted and history.added[0] != history.deleted[0]:
            db.session.execute(
                update(Meeting)
                .where(meetings_there)
                .values(sequence=Meeting.sequence + 1, version=Meeting.version + 1)
                .execution_options(synchronize_session=False)
            )
            return
