"""A feed: the calendar's header, the time zones its events use, and the events, joined.

Events arrive already rendered (see events.py); this module only assembles and validates,
so a feed of thousands of meetings is built in milliseconds.
"""
import re
from dataclasses import dataclass
from datetime import timedelta

from icalendar import Calendar, vDuration, vText

from .vtimezone import vtimezone

PRODID = "-//scheduler//Meetings of intergovernmental conference venues//EN"
REFRESH = timedelta(hours=1)
MAX_LINE_OCTETS = 75


class InvalidFeed(ValueError):
    """A feed that a calendar client could choke on; it must not be served."""


@dataclass(frozen=True)
class FeedInfo:
    uid: str
    name: str
    description: str
    url: str


def header(info: FeedInfo) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("uid", vText(info.uid))
    # Plain strings would be written unescaped here by icalendar 7.3: always vText.
    for name in ("name", "x-wr-calname"):
        calendar.add(name, vText(info.name))
    for name in ("description", "x-wr-caldesc"):
        calendar.add(name, vText(info.description))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add("source", info.url, parameters={"VALUE": "URI"})
    calendar.add("url", info.url, parameters={"VALUE": "URI"})
    text = calendar.to_ical()
    return text[: -len(b"END:VCALENDAR\r\n")]


def assemble(info: FeedInfo, zones: dict[str, tuple[int, int]], events: list[str]) -> bytes:
    """zones: each TZID the events use, with the first and last year it must be exact for."""
    parts = [header(info)]
    parts += [vtimezone(name, first, last) for name, (first, last) in sorted(zones.items())]
    parts += [event.encode("utf-8") for event in events]
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


_TZID_PARAMETER = re.compile(rb";TZID=([^;]+)")
_TZID_DEFINED = re.compile(rb"^TZID:(.+)$")


def validate(feed: bytes) -> None:
    """Cheap structural checks over the whole feed (the events were each checked when rendered)."""
    if not feed.startswith(b"BEGIN:VCALENDAR\r\n") or not feed.endswith(b"END:VCALENDAR\r\n"):
        raise InvalidFeed("not one VCALENDAR")
    lines = feed[:-2].split(b"\r\n")
    depth, used, defined = [], set(), set()
    for number, line in enumerate(lines, 1):
        if b"\r" in line or b"\n" in line:
            raise InvalidFeed(f"line {number}: a raw CR or LF")
        if len(line) > MAX_LINE_OCTETS:
            raise InvalidFeed(f"line {number}: {len(line)} octets, over {MAX_LINE_OCTETS}")
        if line.startswith(b"BEGIN:"):
            depth.append(line[6:])
        elif line.startswith(b"END:"):
            if not depth or depth.pop() != line[4:]:
                raise InvalidFeed(f"line {number}: {line.decode(errors='replace')} closes nothing open")
        elif (match := _TZID_DEFINED.match(line)) is not None:
            defined.add(match.group(1))
        elif not line.startswith(b" "):
            # Parameters stand between the property's name and the first colon; text values
            # (which may say ";TZID=" themselves, escaped) come after it or on folded lines.
            used.update(_TZID_PARAMETER.findall(line.split(b":", 1)[0]))
    if depth:
        raise InvalidFeed("components left open")
    if used - defined:
        raise InvalidFeed(f"time zones used without VTIMEZONE: {sorted(used - defined)}")
    try:
        feed.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidFeed("not UTF-8") from error
