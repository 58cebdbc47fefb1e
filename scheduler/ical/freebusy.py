"""A room's busy time as VFREEBUSY (Outlook's Internet Free/Busy): intervals only, no titles."""

from datetime import datetime

from icalendar import Calendar, FreeBusy, vPeriod

from .calendar import PRODID


def render_freebusy(
    uid: str, url: str, start: datetime, end: datetime, periods: list[tuple[datetime, datetime, str]], stamp: datetime
) -> bytes:
    """periods: (start, end, FBTYPE), FBTYPE being BUSY or BUSY-TENTATIVE."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    component = FreeBusy()
    component.add("uid", uid)
    component.add("dtstamp", stamp)
    component.add("dtstart", start)
    component.add("dtend", end)
    component.add("url", url)
    for busy_start, busy_end, kind in periods:
        component.add("freebusy", vPeriod((busy_start, busy_end)), parameters={"FBTYPE": kind})
    calendar.add_component(component)
    return calendar.to_ical()
