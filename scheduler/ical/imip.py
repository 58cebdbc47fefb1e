"""A meeting as an iTIP message for mail (iMIP, RFC 6047 and RFC 5546): the event the feeds publish
(same UID, same SEQUENCE), under METHOD:REQUEST (add or update it) or METHOD:CANCEL (remove it), with
the ORGANIZER and ATTENDEE those methods require. DTSTAMP is when the message is made (RFC 5546): of
two messages at one SEQUENCE, a calendar keeps the later."""

from datetime import datetime, timezone

from icalendar import Calendar, Event, vCalAddress, vText

from .calendar import PRODID, checked_events, checked_zone, zones_used

METHODS = ("REQUEST", "CANCEL")


def imip(method: str, event_text: str, organizer: str, organizer_name: str, attendee: str, stamp: datetime) -> bytes:
    """The text/calendar part; event_text is a VEVENT as ical.events.render_event writes it."""
    if method not in METHODS:
        raise ValueError(f"not an iMIP method we send: {method}")
    event = Event.from_ical(event_text)
    return _message(method, event, organizer, organizer_name, attendee, stamp)


def bare_cancel(uid: str, sequence: int, organizer: str, organizer_name: str, attendee: str, stamp: datetime) -> bytes:
    """A CANCEL that says nothing but which event leaves the calendar (for a reader who may no longer
    see the meeting: no title, no time)."""
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    return _message("CANCEL", event, organizer, organizer_name, attendee, stamp)


def _message(method: str, event: Event, organizer: str, organizer_name: str, attendee: str, stamp: datetime) -> bytes:
    event.pop("dtstamp", None)
    event.add("dtstamp", stamp.astimezone(timezone.utc).replace(microsecond=0))
    sender = vCalAddress(f"mailto:{organizer}")
    sender.params["CN"] = vText(organizer_name)
    event.add("organizer", sender)
    reader = vCalAddress(f"mailto:{attendee}")
    reader.params.update({"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"})
    event.add("attendee", reader)
    if method == "CANCEL":
        event["status"] = vText("CANCELLED")
    [checked] = checked_events([event.to_ical().decode("utf-8")])
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    head = calendar.to_ical()[: -len(b"END:VCALENDAR\r\n")]
    zones = [checked_zone(name.decode()).data for name in sorted(zones_used([checked]))]
    return b"".join([head, *zones, checked.data, b"END:VCALENDAR\r\n"])
