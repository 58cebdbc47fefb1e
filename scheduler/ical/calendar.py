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


# Whole-feed patterns: a feed holds tens of thousands of lines, so they are read by the regex
# engine, not line by line in Python. Every line ends with CRLF and follows a LF (the feed is
# searched with a LF in front); folded lines start with a space, so never match these.
_COMPONENT_LINE = re.compile(rb"\n(BEGIN|END):([^\r\n]*)\r")
_TZID_DEFINED = re.compile(rb"\nTZID:([^\r\n]*)\r")
# A TZID parameter. ";TZID=" in a text value is escaped ("\\;"), and a fold never starts one:
# the plain pattern is fast; the careful one only runs when the plain one finds an unknown zone.
_TZID_PARAMETER = re.compile(rb";TZID=([^;:\r\n]+)")
_TZID_PARAMETER_UNESCAPED = re.compile(rb"(?<![\\ ]);TZID=([^;:\r\n]+)")


def validate(feed: bytes) -> None:
    """Cheap structural checks over the whole feed (the events were each checked when rendered)."""
    if not feed.startswith(b"BEGIN:VCALENDAR\r\n") or not feed.endswith(b"END:VCALENDAR\r\n"):
        raise InvalidFeed("not one VCALENDAR")
    line_ends = feed.count(b"\r\n")
    if feed.count(b"\r") != line_ends or feed.count(b"\n") != line_ends:
        raise InvalidFeed("a raw CR or LF inside a line")
    longest = max(map(len, feed.split(b"\r\n")))
    if longest > MAX_LINE_OCTETS:
        raise InvalidFeed(f"a line of {longest} octets, over {MAX_LINE_OCTETS}")
    searched = b"\n" + feed
    depth = []
    for kind, name in _COMPONENT_LINE.findall(searched):
        if kind == b"BEGIN":
            depth.append(name)
        elif not depth or depth.pop() != name:
            raise InvalidFeed(f"END:{name.decode(errors='replace')} closes nothing open")
    if depth:
        raise InvalidFeed("components left open")
    defined = set(_TZID_DEFINED.findall(searched))
    used = set(_TZID_PARAMETER.findall(feed)) - defined
    if used:
        used = set(_TZID_PARAMETER_UNESCAPED.findall(feed)) - defined
    if used:
        raise InvalidFeed(f"time zones used without VTIMEZONE: {sorted(used)}")
    try:
        feed.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidFeed("not UTF-8") from error
