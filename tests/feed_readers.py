"""Three independent readers of our feeds, each giving the events in one plain shape.

- icalendar + recurring-ical-events (PyPI): resolves TZIDs by name;
- vobject (PyPI): applies the feed's own VTIMEZONE components;
- Mozilla's ical.js (npm; Thunderbird's parser), run with Node.js: applies the VTIMEZONEs too.
"""

import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject

ICAL_JS_READER = Path(__file__).parent / "js" / "read_feed.mjs"


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


def read_with_icalendar(feed: bytes) -> list[dict]:
    calendar = icalendar.Calendar.from_ical(feed)
    occurrences = recurring_ical_events.of(calendar).between(datetime(1900, 1, 1), datetime(2999, 1, 1))
    return [
        _event(
            e["UID"],
            e["SUMMARY"],
            e["STATUS"],
            e.get("SEQUENCE", 0),
            e["DTSTART"].dt,
            e["DTEND"].dt,
            e.get("DESCRIPTION", ""),
            e.get("LOCATION", ""),
        )
        for e in occurrences
    ]


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
    events = json.loads(result.stdout)["events"]
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


READERS = {"icalendar": read_with_icalendar, "vobject": read_with_vobject, "ical.js": read_with_ical_js}


def read_everywhere(feed: bytes) -> dict[str, dict[str, dict]]:
    """Each reader's events by UID; the readers must agree on which UIDs there are."""
    results = {name: {e["uid"]: e for e in reader(feed)} for name, reader in READERS.items()}
    uids = {name: sorted(events) for name, events in results.items()}
    assert len({tuple(u) for u in uids.values()}) == 1, uids
    return results
