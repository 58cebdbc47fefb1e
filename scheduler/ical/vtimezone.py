"""A time zone as calendars read it: one VTIMEZONE per zone, of one yearly rule pair at most, and
the rule that says when an event may give its times in the zone's local time.

Readers differ in what they make of a VTIMEZONE: Microsoft documents that Outlook keeps one yearly
pair (a STANDARD and a DAYLIGHT observance, each `RRULE:FREQ=YEARLY;BYMONTH=m;BYDAY=nDD`), some
readers cannot follow RDATE lists or runs of rules, and a local time that happens twice (the hour a
fall-back repeats) is the first for some readers and the second for others. So:

- a zone is published as the one pair of rules its tz database entry settles on (`settled_rules`),
  in force from 1970: the same bytes in every feed, for as long as the tz database is the same;
- an event gives its times in the zone only where that pair gives zoneinfo's offsets for the whole
  year and the local time names one moment (`shows_local`); elsewhere (the years before a zone's
  rules took their present form, the repeated hour, Morocco's Ramadan months, Santiago's years where
  "the Sunday on or after the 2nd" is no nth Sunday) in UTC, which no reader misplaces.

Every reader that reads the VTIMEZONE, whole or as one pair, then reads every event at zoneinfo's moment.
"""

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from ..times import zone

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FIRST_YEAR = 1970  # DTSTART of the observances, as clients expect
# The years whose moments an event may give in local time: after the observances start, and before
# libical (Evolution's reader) stops following yearly rules (it reads 2583 on in standard time).
LOCAL_YEARS = range(FIRST_YEAR + 1, 2583)
# The tz database lists predicted changes up to 2087 (Morocco's); after them every zone follows the
# yearly rule of its present law, and 28 years in a row hold every calendar (first weekday, leap or not).
SETTLED_YEARS = range(2088, 2088 + 28)


@dataclass(frozen=True)
class Transition:
    """A change of UTC offset as zoneinfo has it."""

    utc: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def local(self) -> datetime:
        """Wall-clock time of the change, in the offset in force before it (as DTSTART wants)."""
        return (self.utc + self.offset_from).replace(tzinfo=None)

    def byday_forms(self) -> set[str]:
        day = self.local.date()
        code = DAY_CODES[day.weekday()]
        forms = {f"{(day.day - 1) // 7 + 1}{code}"}
        if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
            forms.add(f"-1{code}")
        return forms

    def shape(self) -> tuple:
        """What must be equal, year after year, for one RRULE to describe this change."""
        return (self.local.month, self.local.time(), self.offset_from, self.offset_to, self.name, self.daylight)


def _offset(tz, moment: datetime) -> timedelta:
    return moment.astimezone(tz).utcoffset()


@lru_cache(maxsize=4096)
def transitions(tz_name: str, year: int) -> tuple[Transition, ...]:
    """The changes of UTC offset during a (UTC) year, to the minute."""
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
    return tuple(found)


def _rule_date(year: int, month: int, byday: str) -> date:
    weekday = DAY_CODES.index(byday[-2:])
    nth = int(byday[:-2])
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[nth - 1] if nth > 0 else days[nth]


@dataclass(frozen=True)
class YearlyChange:
    """One observance of a pair: every year, on the BYDAY of the month, at a local time."""

    month: int
    byday: str
    at: time  # local, in offset_from
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    def in_year(self, year: int) -> tuple[datetime, timedelta, timedelta]:
        """The change in that year: its UTC moment and offsets (as `Transition`s compare)."""
        local = datetime.combine(_rule_date(year, self.month, self.byday), self.at)
        return (local - self.offset_from).replace(tzinfo=timezone.utc), self.offset_from, self.offset_to


@dataclass(frozen=True)
class Rules:
    """What a zone's VTIMEZONE says: a standard offset alone, or a yearly pair of changes."""

    tz_name: str
    standard: tuple[timedelta, str]  # offset and name, when there are no changes
    changes: tuple[YearlyChange, ...]  # none, or two in the order of the year

    def new_year_offset(self) -> timedelta:
        return self.changes[-1].offset_to if self.changes else self.standard[0]


@lru_cache(maxsize=256)
def settled_rules(tz_name: str) -> Rules:
    """The yearly rules a zone follows once the tz database's listed changes are over. Where one
    BYDAY form does not fit every year (Santiago's), the form that fits most years."""
    years = [transitions(tz_name, year) for year in SETTLED_YEARS]
    last = years[-1]
    at_end = datetime(SETTLED_YEARS[-1], 12, 31, tzinfo=timezone.utc).astimezone(zone(tz_name))
    standard = (at_end.utcoffset(), at_end.tzname())
    if len(last) != 2 or last[0].offset_to == last[1].offset_to:
        return Rules(tz_name, standard, ())
    alike = [changes for changes in years if [c.shape() for c in changes] == [c.shape() for c in last]]
    changes = []
    for index, change in enumerate(last):
        forms = Counter(form for year in alike for form in year[index].byday_forms())
        byday = min(forms, key=lambda form: (-forms[form], form))
        changes.append(
            YearlyChange(
                change.local.month,
                byday,
                change.local.time(),
                change.offset_from,
                change.offset_to,
                change.name,
                # The later clock is DAYLIGHT, as readers expect, even where the tz database calls
                # the winter offset daylight time (Europe/Dublin's negative DST): the same moments.
                change.offset_to > last[1 - index].offset_to,
            )
        )
    return Rules(tz_name, standard, tuple(changes))


@lru_cache(maxsize=65536)
def rules_hold(tz_name: str, year: int) -> bool:
    """Whether the published rules give zoneinfo's offset at every moment of the (UTC) year."""
    if year not in LOCAL_YEARS:
        return False
    rules = settled_rules(tz_name)
    new_year = datetime(year, 1, 1, tzinfo=timezone.utc)
    if _offset(zone(tz_name), new_year) != rules.new_year_offset():
        return False
    predicted = sorted(change.in_year(year) for change in rules.changes)
    actual = [(change.utc, change.offset_from, change.offset_to) for change in transitions(tz_name, year)]
    return predicted == actual


def shows_local(tz_name: str, moment: datetime) -> bool:
    """Whether an event may give this moment as the zone's local time: every reader of the published
    rules then gets it right. A local time that happens twice never qualifies."""
    if not rules_hold(tz_name, moment.astimezone(timezone.utc).year):
        return False
    local = moment.astimezone(zone(tz_name))
    return local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset()


def _observance(component, start: datetime, offset_from, offset_to, name: str, rrule: dict | None = None):
    component.add("dtstart", start)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    component.add("tzname", name)
    if rrule:
        component.add("rrule", rrule)
    return component


@lru_cache(maxsize=256)
def vtimezone(tz_name: str) -> bytes:
    """The zone's VTIMEZONE: its settled rules, in force from 1970."""
    rules = settled_rules(tz_name)
    component = Timezone()
    component.add("tzid", tz_name)
    if not rules.changes:
        offset, name = rules.standard
        component.add_component(_observance(TimezoneStandard(), datetime(FIRST_YEAR, 1, 1), offset, offset, name))
    for change in rules.changes:
        start = datetime.combine(_rule_date(FIRST_YEAR, change.month, change.byday), change.at)
        rrule = {"freq": "yearly", "bymonth": change.month, "byday": change.byday}
        kind = TimezoneDaylight() if change.daylight else TimezoneStandard()
        component.add_component(_observance(kind, start, change.offset_from, change.offset_to, change.name, rrule))
    return component.to_ical()
