"""VTIMEZONE components as yearly rule pairs, derived from and checked against zoneinfo.

icalendar's own VTIMEZONE output lists every change date (RDATE), which Mozilla's ical.js
and vobject misread. Here each run of years with the same rules becomes one STANDARD and
one DAYLIGHT observance with `RRULE:FREQ=YEARLY;BYMONTH=m;BYDAY=nDD`, the shape Outlook,
Google, Apple and Thunderbird all read.
"""
import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from ..times import zone

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FIRST_YEAR = 1970  # DTSTART of the first observance, as clients expect
# The tz database lists each zone's changes up to a year (2037 for most zones, 2087 for Morocco's
# predicted ones in tzdata 2026); after that, zoneinfo repeats a yearly rule, which the last
# observances' open RRULEs repeat too. So a zone is built and checked up to this year at most: a
# meeting booked for 2999 would otherwise cost seconds of checks a zone.
RULES_REPEAT_AFTER = 2100


class TimezoneMismatch(RuntimeError):
    """The rules built for a zone do not reproduce zoneinfo's offsets."""


@dataclass(frozen=True)
class Transition:
    utc: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def local(self) -> datetime:
        """Wall-clock time of the change, in the offset in force before it (as DTSTART wants)."""
        return (self.utc + self.offset_from).replace(tzinfo=None)

    def byday_candidates(self) -> set[str]:
        day = self.local.date()
        code = DAY_CODES[day.weekday()]
        candidates = {f"{(day.day - 1) // 7 + 1}{code}"}
        if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
            candidates.add(f"-1{code}")
        return candidates

    def shape(self) -> tuple:
        """What must be equal, year after year, for one RRULE to describe this change."""
        return (self.local.month, self.local.time(), self.offset_from, self.offset_to, self.name, self.daylight)


def _offset(tz, moment: datetime) -> timedelta:
    return moment.astimezone(tz).utcoffset()


def transitions(tz_name: str, year: int) -> list[Transition]:
    """The changes of UTC offset during a year, to the minute."""
    tz = zone(tz_name)
    found = []
    day = datetime(year, 1, 1, tzinfo=timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    while day < end:
        following = day + timedelta(days=1)
        if _offset(tz, day) != _offset(tz, following):
            low, high = day, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _offset(tz, middle) == _offset(tz, day) else (low, middle)
            moment = high.replace(second=0, microsecond=0)
            after = moment.astimezone(tz)
            found.append(Transition(moment, _offset(tz, day), after.utcoffset(), after.tzname(), bool(after.dst())))
        day = following
    return found


def _rule_date(year: int, month: int, byday: str) -> date:
    weekday = DAY_CODES.index(byday[-2:])
    nth = int(byday[:-2])
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[nth - 1] if nth > 0 else days[nth]


@dataclass
class _Segment:
    """A run of years whose changes follow the same yearly rules."""

    first_year: int
    last_year: int
    changes: list[Transition]  # of the first year
    bydays: list[set[str]]     # for each change, the BYDAY forms true in every year of the run
    last_changes: list[Transition]


def _segments(tz_name: str, first_year: int, last_year: int) -> list[_Segment]:
    segments: list[_Segment] = []
    for year in range(first_year, last_year + 1):
        changes = transitions(tz_name, year)
        current = segments[-1] if segments else None
        if current and [c.shape() for c in changes] == [c.shape() for c in current.changes]:
            narrowed = [forms & change.byday_candidates() for forms, change in zip(current.bydays, changes)]
            if all(narrowed):
                current.last_year, current.bydays, current.last_changes = year, narrowed, changes
                continue
        segments.append(_Segment(year, year, changes, [c.byday_candidates() for c in changes], changes))
    return segments


def _observance(change: Transition, start: datetime, rrule: dict | None):
    component = TimezoneDaylight() if change.daylight else TimezoneStandard()
    component.add("dtstart", start)
    component.add("tzoffsetfrom", change.offset_from)
    component.add("tzoffsetto", change.offset_to)
    component.add("tzname", change.name)
    if rrule:
        component.add("rrule", rrule)
    return component


def _standard_only(tz_name: str, year: int, start: datetime, offset_from: timedelta | None = None):
    moment = datetime(year, 7, 1, tzinfo=timezone.utc).astimezone(zone(tz_name))
    offset = moment.utcoffset()
    component = TimezoneStandard()
    component.add("dtstart", start)
    component.add("tzoffsetfrom", offset_from if offset_from is not None else offset)
    component.add("tzoffsetto", offset)
    component.add("tzname", moment.tzname())
    return component


@lru_cache(maxsize=256)
def vtimezone(tz_name: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of a zone, exact for every moment from first_year to last_year."""
    last_year = min(last_year, max(first_year, RULES_REPEAT_AFTER))
    component = Timezone()
    component.add("tzid", tz_name)
    segments = _segments(tz_name, first_year, last_year)
    previous_offset = None
    for index, segment in enumerate(segments):
        is_last = index == len(segments) - 1
        if not segment.changes:
            start = datetime(FIRST_YEAR if index == 0 else segment.first_year, 1, 1)
            component.add_component(_standard_only(tz_name, segment.first_year, start, previous_offset))
            previous_offset = _offset(zone(tz_name), datetime(segment.first_year, 7, 1, tzinfo=timezone.utc))
            continue
        for change, forms, last_change in zip(segment.changes, segment.bydays, segment.last_changes):
            byday = sorted(forms)[0]
            start_year = FIRST_YEAR if index == 0 else segment.first_year
            start = datetime.combine(_rule_date(start_year, change.local.month, byday), change.local.time())
            rrule = {"freq": "yearly", "bymonth": change.local.month, "byday": byday}
            if not is_last:
                rrule["until"] = last_change.utc
            component.add_component(_observance(change, start, rrule))
            previous_offset = change.offset_to
    _check(component, tz_name, first_year, last_year)
    return component.to_ical()


def _check(component: Timezone, tz_name: str, first_year: int, last_year: int) -> None:
    """Compare the offsets the component implies (read by icalendar, an independent reader of
    RRULEs) with zoneinfo's, around every change and twice a month, over the whole range."""
    implied = component.to_tz()
    actual = zone(tz_name)
    moments = []
    for year in range(first_year, last_year + 1):
        moments += [datetime(year, month, day, 12, tzinfo=timezone.utc) for month in range(1, 13) for day in (1, 15)]
        for change in transitions(tz_name, year):
            moments += [change.utc - timedelta(minutes=1), change.utc, change.utc + timedelta(minutes=1)]
    for moment in moments:
        if moment.astimezone(implied).utcoffset() != moment.astimezone(actual).utcoffset():
            raise TimezoneMismatch(f"VTIMEZONE for {tz_name} disagrees with zoneinfo at {moment.isoformat()}")
