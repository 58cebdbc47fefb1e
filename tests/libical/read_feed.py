"""Reads an iCalendar feed on standard input with libical (the reader of Evolution and many CalDAV
servers, through Debian's gir1.2-ical-3.0) and prints, as JSON, every event's fields and its start
and end in UTC as libical computes them from the feed's own VTIMEZONEs.

Run with the system's Python (python3-gi), not the project's virtual environment.
"""

import json
import sys
from datetime import datetime, timezone

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

Kind, Property, Parameter = ICalGLib.ComponentKind, ICalGLib.PropertyKind, ICalGLib.ParameterKind


def children(component, kind):
    child = component.get_first_component(kind)
    while child is not None:
        yield child
        child = component.get_next_component(kind)


def text(component, kind):
    prop = component.get_first_property(kind)
    return prop.get_value_as_string() if prop is not None else None


def utc(component, kind, zones):
    prop = component.get_first_property(kind)
    value = prop.get_datetime_with_component(component)
    if not value.is_utc():
        tzid = prop.get_first_parameter(Parameter.TZID_PARAMETER)
        if tzid is None:
            raise SystemExit(f"floating time in {component.get_uid()}")
        value.set_timezone(zones[tzid.get_tzid()])
    return datetime.fromtimestamp(value.as_timet_with_zone(value.get_timezone()), timezone.utc).isoformat()


calendar = ICalGLib.Component.new_from_string(sys.stdin.read())
zones = {}
for vtimezone in children(calendar, Kind.VTIMEZONE_COMPONENT):
    zone = ICalGLib.Timezone.new()
    zone.set_component(vtimezone.clone())
    zones[zone.get_tzid()] = zone
events = [
    {
        "uid": event.get_uid(),
        "summary": event.get_summary(),
        "description": event.get_description(),
        "location": event.get_location(),
        "status": text(event, Property.STATUS_PROPERTY),
        "sequence": event.get_sequence(),
        "start": utc(event, Property.DTSTART_PROPERTY, zones),
        "end": utc(event, Property.DTEND_PROPERTY, zones),
    }
    for event in children(calendar, Kind.VEVENT_COMPONENT)
]
json.dump({"events": events, "zones": sorted(zones)}, sys.stdout)
