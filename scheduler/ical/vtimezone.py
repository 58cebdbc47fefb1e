"""VTIMEZONE components as yearly rule pairs, derived from and checked against zoneinfo.

icalendar's own VTIMEZONE output lists every change date (RDATE), which Mozilla's ical.js
and vobject misread. Here each run of years with the same rules becomes one STANDARD and
one DAYLIGHT observance with `RRULE:FREQ=YEARLY;BYMONTH=m;BYDAY=nDD`, the shape Outlook,
Google, Apple and Thunderbird all read.
"""

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from ..times import zone

log = logging.getLogger(__name__)

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FIRST_YEAR = 1970  # DTSTART of the first observance, as clients expect
# A run of years ends in an RRULE's UNTIL this long after its last change: readers that compare
# UNTIL with the change's wall-clock time instead of its UTC moment drop an UNTIL equal to it in
# zones east of UTC (icalendar did, in Jerusalem's, Cairo's and Casablanca's rules), and the next
# change of the same observance is a year later.
UNTIL_MARGIN = timedelta(days=1)
# The tz database lists each zone's changes up to a year (2037 for most zones; 2087 for Morocco's
# predicted ones); after them zoneinfo follows the zone's yearly rule, which depends only on the
# year's calendar (its first weekday, leap or not), and 28 years in a row hold every calendar. So when
# a zone's last run of years reaches RULES_SETTLED_BY and spans 28 years, its open RRULEs agree with
# zoneinfo for ever, and the zone is built and checked no further: a meeting booked for 2999 would
# cost seconds of checks a zone. A rule no RRULE can write (Santiago's "Sunday after the first
# Saturday") makes short runs: those zones are built up to the year asked for.
RULES_SETTLED_BY = 2087 + 28
CALENDAR_CYCLE = 28


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
    bydays: list[set[str]]  # for each change, the BYDAY forms true in every year of the run
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


def vtimezone(tz_name: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of a zone, exact for every moment from first_year to last_year."""
    if last_year > RULES_SETTLED_BY and _settled(tz_name, first_year):
        last_year = RULES_SETTLED_BY
    return _vtimezone(tz_name, first_year, last_year)


@lru_cache(maxsize=256)
def _settled(tz_name: str, first_year: int) -> bool:
    """Whether the zone's last run of years up to RULES_SETTLED_BY spans a calendar cycle."""
    last = _segments(tz_name, first_year, RULES_SETTLED_BY)[-1]
    return last.last_year == RULES_SETTLED_BY and last.last_year - last.first_year + 1 >= CALENDAR_CYCLE


@lru_cache(maxsize=256)
def _vtimezone(tz_name: str, first_year: int, last_year: int) -> bytes:
    by_rules = _by_rules(tz_name, first_year, last_year)
    try:
        _check(by_rules, tz_name, first_year, last_year)
        return by_rules.to_ical()
    except TimezoneMismatch as mismatch:
        found = mismatch
    # Changes that yearly rules do not describe (a one-off change of offset, Morocco's Ramadan
    # suspensions): each change on its own.
    one_by_one = _change_by_change(tz_name, first_year, last_year)
    try:
        _check(one_by_one, tz_name, first_year, last_year)
        return one_by_one.to_ical()
    except TimezoneMismatch:
        # Served all the same (what calendars do with it is theirs; a feed without it would fail),
        # and said: in tzdata 2025 Casablanca, El Aaiun, Almaty, Qostanay and Dublin, as icalendar reads them.
        log.warning("%s; serving the yearly rules unchecked", found)
        return by_rules.to_ical()


def _change_by_change(tz_name: str, first_year: int, last_year: int) -> Timezone:
    """One observance per change of offset from first_year to last_year, without RRULEs, after
    one for the offset in force before them."""
    component = Timezone()
    component.add("tzid", tz_name)
    changes = [change for year in range(first_year, last_year + 1) for change in transitions(tz_name, year)]
    before = datetime(first_year, 1, 1, tzinfo=timezone.utc).astimezone(zone(tz_name))
    leading = TimezoneStandard()
    leading.add("dtstart", datetime(FIRST_YEAR, 1, 1))
    leading.add("tzoffsetfrom", before.utcoffset())
    leading.add("tzoffsetto", before.utcoffset())
    leading.add("tzname", before.tzname())
    component.add_component(leading)
    for change in changes:
        component.add_component(_observance(change, change.local, None))
    return component


def _by_rules(tz_name: str, first_year: int, last_year: int) -> Timezone:
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
                rrule["until"] = last_change.utc + UNTIL_MARGIN
            component.add_component(_observance(change, start, rrule))
            previous_offset = change.offset_to
    return component


def _check(component: Timezone, tz_name: str, first_year: int, last_year: int) -> None:
    """Compare the offsets the component implies (read by icalendar, an independent reader of
    RRULEs) with zoneinfo's, around every change and twice a month, over the whole range."""
    implied = component.to_tz(lookup_tzid=False)  # the rules as written, not zoneinfo's zone of that name
    actual = zone(tz_name)
    moments = []
    for year in range(first_year, last_year + 1):
        moments += [datetime(year, month, day, 12, tzinfo=timezone.utc) for month in range(1, 13) for day in (1, 15)]
        for change in transitions(tz_name, year):
            moments += [change.utc - timedelta(minutes=1), change.utc, change.utc + timedelta(minutes=1)]
    for moment in moments:
        if moment.astimezone(implied).utcoffset() != moment.astimezone(actual).utcoffset():
            raise TimezoneMismatch(f"VTIMEZONE for {tz_name} disagrees with zoneinfo at {moment.isoformat()}")
