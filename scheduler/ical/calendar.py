"""A feed: the calendar's header, the time zones its events use, and the events, joined.

Events arrive already rendered (see events.py) and each is checked once (`checked_parts`); this
module only joins checked parts, so a feed of thousands of meetings is built in milliseconds.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

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


@dataclass(frozen=True)
class CheckedPart:
    """One component of a feed (a VEVENT, a VTIMEZONE) that passed `checked_parts`."""

    data: bytes
    zones_used: frozenset[bytes]
    zones_defined: frozenset[bytes] = frozenset()


# Patterns over a whole part: an event or a feed holds many lines, so they are read by the regex
# engine, not line by line in Python. Every line ends with CRLF and follows a LF (the part is
# searched with a LF in front); folded lines start with a space, so never match these.
_COMPONENT_LINE = re.compile(rb"\n(BEGIN|END):([^\r\n]*)\r")
_TZID_DEFINED = re.compile(rb"\nTZID:([^\r\n]*)\r")
# A TZID parameter. ";TZID=" in a text value is escaped ("\\;"), and a fold never starts one. (The
# look-behind comes after the ";" so that the regex engine can skip ahead to each ";".)
_TZID_PARAMETER = re.compile(rb";(?<![\\ ];)TZID=([^;:\r\n]+)")


def _check_lines(data: bytes) -> None:
    line_ends = data.count(b"\r\n")
    if data.count(b"\r") != line_ends or data.count(b"\n") != line_ends:
        raise InvalidFeed("a raw CR or LF inside a line")
    longest = max(map(len, data.split(b"\r\n")))
    if longest > MAX_LINE_OCTETS:
        raise InvalidFeed(f"a line of {longest} octets, over {MAX_LINE_OCTETS}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidFeed("not UTF-8") from error


def checked_parts(parts: list[bytes], component: str) -> list[CheckedPart]:
    """Checks components each on its own: CRLF lines of at most 75 octets, UTF-8, components
    nested properly with `component` outermost, opened on the first line and closed on the last.
    A feed joined from checked parts inside one VCALENDAR is then well formed line by line and
    component by component; what is left to check is that it defines every time zone its parts
    use (see `assemble`). The line checks run once over all the parts joined: each ends with
    CRLF, so joining them makes no new line."""
    begin, end = f"BEGIN:{component}\r\n".encode(), f"\nEND:{component}\r\n".encode()
    if not all(part.startswith(begin) and part.endswith(end) for part in parts):
        raise InvalidFeed(f"not one {component}")
    _check_lines(b"".join(parts))
    return [_checked_nesting(part, component) for part in parts]


def checked_events(texts: list[str]) -> list[CheckedPart]:
    """Rendered VEVENTs, checked each on its own (see `checked_parts`)."""
    try:
        parts = [text.encode("utf-8") for text in texts]
    except UnicodeEncodeError as error:  # a lone surrogate: no calendar could read it
        raise InvalidFeed("an event is not UTF-8") from error
    return checked_parts(parts, "VEVENT")


def _checked_nesting(data: bytes, component: str) -> CheckedPart:
    searched = b"\n" + data
    # One BEGIN line and one END line (the first and the last, as checked): nothing nested, so
    # nothing to walk. A VALARM in an event, say, takes the walk.
    if searched.count(b"\nBEGIN:") > 1 or searched.count(b"\nEND:") > 1:
        depth, lines = [], _COMPONENT_LINE.findall(searched)
        for number, (kind, name) in enumerate(lines, start=1):
            if kind == b"BEGIN":
                depth.append(name)
            elif not depth or depth.pop() != name:
                raise InvalidFeed(f"END:{name.decode(errors='replace')} closes nothing open")
            elif not depth and number < len(lines):
                raise InvalidFeed(f"more than one {component}")
        if depth:
            raise InvalidFeed("components left open")
    defined = frozenset(_TZID_DEFINED.findall(searched)) if b"\nTZID:" in searched else frozenset()
    return CheckedPart(data, frozenset(_TZID_PARAMETER.findall(data)), defined)


@lru_cache(maxsize=256)
def checked_zone(name: str) -> CheckedPart:
    [zone] = checked_parts([vtimezone(name)], "VTIMEZONE")
    return zone


def assemble(info: FeedInfo, home_zone: str, events: list[CheckedPart]) -> list[bytes]:
    """The feed's pieces, in order, to be joined: header, time zones, events and the end (kept apart
    so that feeds can be compressed piece by piece). The time zones are those the events use and the
    feed's home zone: a feed without events still holds a component, as RFC 5545's grammar wants.
    Raises InvalidFeed if an event uses a zone the feed does not define."""
    head = header(info)
    _check_lines(head)
    if _COMPONENT_LINE.findall(b"\n" + head) != [(b"BEGIN", b"VCALENDAR")]:
        raise InvalidFeed("the header is not one open VCALENDAR")
    names = {name.decode() for name in zones_used(events)} | {home_zone}
    zone_parts = [checked_zone(name) for name in sorted(names)]
    missing = zones_used(events).difference(*(zone.zones_defined for zone in zone_parts))
    if missing:
        raise InvalidFeed(f"time zones used without VTIMEZONE: {sorted(missing)}")
    return [head, *(zone.data for zone in zone_parts), *(event.data for event in events), b"END:VCALENDAR\r\n"]


def zones_used(parts: list[CheckedPart]) -> frozenset[bytes]:
    return frozenset().union(*(part.zones_used for part in parts))
