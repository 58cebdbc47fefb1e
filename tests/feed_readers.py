"""Independent readers of our feeds, each giving the events in one plain shape.

- icalendar + recurring-ical-events (PyPI): resolves TZIDs by name (with zoneinfo);
- vobject (PyPI): applies the feed's own VTIMEZONE components;
- Mozilla's ical.js (npm; Thunderbird's parser), run with Node.js: applies the VTIMEZONEs too;
- libical (Evolution's and many CalDAV servers' reader; Debian's gir1.2-ical-3.0, which `make test`
  installs), run with the system's Python: applies the VTIMEZONEs;
- one yearly pair: what Microsoft documents of Outlook, written here. It keeps one STANDARD and one
  DAYLIGHT observance of each VTIMEZONE (those that start last) and reads every year with them.
"""

import calendar
import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject

ICAL_JS_READER = Path(__file__).parent / "js" / "read_feed.mjs"
LIBICAL_READER = Path(__file__).parent / "libical" / "read_feed.py"
SYSTEM_PYTHON = "/usr/bin/python3"
# CI must read with libical; elsewhere a machine without it leaves that reader out (and
# test_feed_times.py's test of the readers says so).
REQUIRE_LIBICAL = os.environ.get("REQUIRE_LIBICAL") == "1" or os.environ.get("REQUIRE_POSTGRES") == "1"


def _event(uid, summary, status, sequence, start, end, description="", location=""):
    return {
        "uid": str(uid),
        "summary": str(summary),
        "status": str(status),
        "sequence": int(sequence),
        "start": start.astimezone(timezone.utc),
        "end": end.astimezone(timezone.utc),
        "description": str(description),
        "location": str(location),
    }


def _event_of_component(component, start: datetime, end: datetime) -> dict:
    """An icalendar VEVENT's fields, with the start and end its reader computed."""
    return _event(
        component["UID"],
        component["SUMMARY"],
        component["STATUS"],
        component.get("SEQUENCE", 0),
        start,
        end,
        component.get("DESCRIPTION", ""),
        component.get("LOCATION", ""),
    )


def read_with_icalendar(feed: bytes) -> list[dict]:
    calendar = icalendar.Calendar.from_ical(feed)
    occurrences = recurring_ical_events.of(calendar).between(datetime(1900, 1, 1), datetime(2999, 1, 1))
    return [_event_of_component(e, e["DTSTART"].dt, e["DTEND"].dt) for e in occurrences]


def read_with_vobject(feed: bytes) -> list[dict]:
    calendar = vobject.readOne(feed.decode("utf-8"))
    return [
        _event(
            e.uid.value,
            e.summary.value,
            e.status.value,
            e.sequence.value,
            e.dtstart.value,
            e.dtend.value,
            e.description.value,
            e.location.value,
        )
        for e in getattr(calendar, "vevent_list", [])
    ]


def read_with_ical_js(feed: bytes) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to read feeds with ical.js (Thunderbird's parser)")
    if not (ICAL_JS_READER.parent / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is not installed: run `make test` (npm ci --prefix tests/js)")
    result = subprocess.run([node, str(ICAL_JS_READER)], input=feed, capture_output=True, timeout=60, check=True)
    return _events_of_json(json.loads(result.stdout)["events"])


def _events_of_json(events: list[dict]) -> list[dict]:
    """The events a reader written in another language printed (start and end as ISO 8601)."""
    return [
        _event(
            e["uid"],
            e["summary"],
            e["status"],
            e["sequence"] or 0,
            datetime.fromisoformat(e["start"].replace("Z", "+00:00")),
            datetime.fromisoformat(e["end"].replace("Z", "+00:00")),
            e["description"] or "",
            e["location"] or "",
        )
        for e in events
    ]


def ical_js_calendar_properties(feed: bytes) -> dict:
    result = subprocess.run(
        [shutil.which("node") or "node", str(ICAL_JS_READER)], input=feed, capture_output=True, timeout=60, check=True
    )
    return json.loads(result.stdout)["properties"]


def libical_missing() -> str | None:
    """Why libical cannot read here, or None."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"no {SYSTEM_PYTHON}"
    probe = "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"
    result = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=60)
    if result.returncode:
        return "libical's GObject bindings are missing: `sudo apt-get install gir1.2-ical-3.0 python3-gi`"
    return None


def read_with_libical(feed: bytes) -> list[dict]:
    result = subprocess.run([SYSTEM_PYTHON, str(LIBICAL_READER)], input=feed, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    return _events_of_json(json.loads(result.stdout)["events"])


# --- one yearly pair ------------------------------------------------------------------------------

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class OneYearlyPair:
    """A zone as a reader that keeps one yearly pair sees it: a standard offset, and perhaps a
    daylight offset from one yearly rule to another. Anything else in the VTIMEZONE is dropped."""

    def __init__(self, vtimezone):
        latest = {}
        for observance in vtimezone.subcomponents:
            kind = observance.name
            if kind in ("STANDARD", "DAYLIGHT") and (
                kind not in latest or observance["DTSTART"].dt > latest[kind]["DTSTART"].dt
            ):
                latest[kind] = observance
        standard, daylight = latest.get("STANDARD"), latest.get("DAYLIGHT")
        if standard is None:  # a zone of daylight observances only: the latest is its standard
            standard, daylight = daylight, None
        self.standard = standard["TZOFFSETTO"].td
        self.daylight = None
        if daylight is not None and "RRULE" in standard and "RRULE" in daylight:
            self.daylight = daylight["TZOFFSETTO"].td
            self.to_daylight = self._rule(daylight)
            self.to_standard = self._rule(standard)

    @staticmethod
    def _rule(observance):
        rule = observance["RRULE"]
        unsupported = set(rule) - {"FREQ", "BYMONTH", "BYDAY", "UNTIL"}
        assert rule["FREQ"] == ["YEARLY"] and not unsupported, f"one yearly pair cannot hold {rule.to_ical()}"
        [month], [byday] = rule["BYMONTH"], rule["BYDAY"]
        return int(month), str(byday), observance["DTSTART"].dt.time()

    @staticmethod
    def _wall(year, rule) -> datetime:
        month, byday, at = rule
        weekday, nth = DAYS.index(byday[-2:]), int(byday[:-2] or 1)
        days = [
            day
            for day in calendar.Calendar().itermonthdates(year, month)
            if day.month == month and day.weekday() == weekday
        ]
        return datetime.combine(days[nth - 1] if nth > 0 else days[nth], at)

    def offset(self, wall: datetime) -> timedelta:
        if self.daylight is None:
            return self.standard
        starts, ends = self._wall(wall.year, self.to_daylight), self._wall(wall.year, self.to_standard)
        in_daylight = starts <= wall < ends if starts < ends else not ends <= wall < starts
        return self.daylight if in_daylight else self.standard


def read_with_one_yearly_pair(feed: bytes) -> list[dict]:
    parsed = icalendar.Calendar.from_ical(feed)
    zones = {str(component["TZID"]): OneYearlyPair(component) for component in parsed.walk("VTIMEZONE")}

    def moment(prop) -> datetime:
        value = prop.dt
        if value.tzinfo is not None and value.utcoffset() == timedelta(0) and "TZID" not in prop.params:
            return value
        wall = value.replace(tzinfo=None)
        return (wall - zones[prop.params["TZID"]].offset(wall)).replace(tzinfo=timezone.utc)

    return [_event_of_component(e, moment(e["DTSTART"]), moment(e["DTEND"])) for e in parsed.walk("VEVENT")]


READERS = {
    "icalendar": read_with_icalendar,
    "vobject": read_with_vobject,
    "ical.js": read_with_ical_js,
    "one yearly pair": read_with_one_yearly_pair,
}
_why_no_libical = libical_missing()
if _why_no_libical is None:
    READERS["libical"] = read_with_libical
elif REQUIRE_LIBICAL:
    raise RuntimeError(f"REQUIRE_LIBICAL=1 (or REQUIRE_POSTGRES=1) but {_why_no_libical}")


def read_everywhere(feed: bytes) -> dict[str, dict[str, dict]]:
    """Each reader's events by UID; the readers must agree on which UIDs there are."""
    results = {name: {e["uid"]: e for e in reader(feed)} for name, reader in READERS.items()}
    uids = {name: sorted(events) for name, events in results.items()}
    assert len({tuple(u) for u in uids.values()}) == 1, uids
    return results
