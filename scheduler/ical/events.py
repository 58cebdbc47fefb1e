"""One meeting as one VEVENT: a pure function of the meeting's data.

The same data gives the same bytes: DTSTAMP and LAST-MODIFIED come from the meeting's last
change, never from the clock, and the UID is the same in every feed, forever.
"""

import hashlib
from datetime import timezone

from icalendar import Event, vText

from .. import tz_database
from ..times import zone
from .vtimezone import shows_local

# Bump when the rendering changes, so that stored events are rendered again.
RENDER_VERSION = 2

# Requests never reach a feed (see feeds.documents.FEED_STATUSES); their event is stored all the same.
STATUS = {
    "requested": "TENTATIVE",
    "tentative": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "cancelled": "CANCELLED",
    "postponed": "CANCELLED",
}
TITLE_PREFIX = {"requested": "Requested: ", "cancelled": "Cancelled: ", "postponed": "Postponed: "}
KIND_LABELS = {
    "plenary": "Plenary meeting",
    "informal_consultations": "Informal consultations",
    "informal_informal": "Informal informal consultations",
    "briefing": "Briefing",
    "side_event": "Side event",
    "bilateral": "Bilateral meeting",
    "other": "Meeting",
}
LANGUAGE_NAMES = {"ar": "Arabic", "zh": "Chinese", "en": "English", "fr": "French", "ru": "Russian", "es": "Spanish"}


def event_uid(meeting_id: int, uid_domain: str) -> str:
    return f"meeting-{meeting_id}@{uid_domain}"


def render_key(
    uid_domain: str, meeting_id: int, meeting_version: int, room_updated_at, venue_updated_at, process_updated_at
) -> str:
    """Changes whenever anything the VEVENT shows changes: the meeting, its room, venue or process."""
    parts = [
        RENDER_VERSION,
        tz_database.VERSION,  # which moments an event gives in local time depends on it (see _published)
        uid_domain,
        meeting_id,
        meeting_version,
        room_updated_at,
        venue_updated_at,
        process_updated_at,
    ]
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def meeting_render_key(meeting, uid_domain: str) -> str:
    return render_key(
        uid_domain,
        meeting.id,
        meeting.version,
        meeting.room.updated_at,
        meeting.room.venue.updated_at,
        meeting.process.updated_at if meeting.process else None,
    )


def _description(meeting) -> str:
    lines = [f"{KIND_LABELS[meeting.kind]}" + (f" - {meeting.body}" if meeting.body else "")]
    if meeting.status in TITLE_PREFIX:
        lines.append(f"{TITLE_PREFIX[meeting.status].rstrip(': ')}: {meeting.status_reason}".rstrip(": "))
    process = meeting.process
    if process:
        lines.append(f"Process: {process.title}" + (f" ({process.mandate})" if process.mandate else ""))
        if process.facilitators:
            people = [", ".join(filter(None, (f["name"], f.get("title")))) for f in process.facilitators]
            lines.append("Facilitators: " + "; ".join(people))
    if meeting.organizers:
        lines.append("Organizers: " + "; ".join(meeting.organizers))
    if meeting.languages:
        lines.append("Languages: " + ", ".join(LANGUAGE_NAMES[code] for code in meeting.languages))
    if meeting.webcast:
        lines.append("Webcast")
    if meeting.description:
        lines += ["", meeting.description]
    return "\n".join(lines)


STAMP_PROPERTIES = ("DTSTAMP:", "LAST-MODIFIED:")


def same_for_calendars(old_text: str, new_text: str) -> bool:
    """Whether two renderings of an event differ in their change stamps only: a change no calendar
    shows (notes, expected participants) must leave the feeds' bytes as they were."""

    def shown(text: str) -> list[str]:
        return [line for line in text.split("\r\n") if not line.startswith(STAMP_PROPERTIES)]

    return shown(old_text) == shown(new_text)


def _published(start, end, tz_name: str) -> tuple:
    """Start and end in the venue's local time where every reader of its VTIMEZONE gets them right
    (ical/vtimezone.py), else both in UTC."""
    if shows_local(tz_name, start) and shows_local(tz_name, end):
        return start.astimezone(zone(tz_name)), end.astimezone(zone(tz_name))
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def render_event(meeting, uid_domain: str) -> str:
    """The VEVENT of a meeting, CRLF line ends, folded: ready to be joined into a feed."""
    tz = meeting.room.venue.timezone
    # The event shows the room, venue and process too: its last change is the newest of theirs.
    changed = max(
        filter(
            None,
            (
                meeting.updated_at,
                meeting.room.updated_at,
                meeting.room.venue.updated_at,
                meeting.process.updated_at if meeting.process else None,
            ),
        )
    )
    event = Event()
    event.add("uid", event_uid(meeting.id, uid_domain))
    event.add("dtstamp", changed.astimezone(timezone.utc))
    event.add("created", meeting.created_at.astimezone(timezone.utc))
    event.add("last-modified", changed.astimezone(timezone.utc))
    event.add("sequence", meeting.sequence)
    start, end = _published(meeting.start, meeting.end, tz)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", vText(TITLE_PREFIX.get(meeting.status, "") + meeting.title))
    event.add("status", STATUS[meeting.status])
    event.add("location", vText(f"{meeting.room.name}, {meeting.room.venue.name}"))
    event.add("description", vText(_description(meeting)))
    event.add("categories", [KIND_LABELS[meeting.kind]])
    event.add("class", "PUBLIC" if meeting.visibility == "public" else "PRIVATE")
    # Informational feeds: the meetings do not make the subscriber busy.
    event.add("transp", "TRANSPARENT")
    return event.to_ical().decode("utf-8")
