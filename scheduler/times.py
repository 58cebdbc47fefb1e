"""Venue-local time <-> UTC: parsing client input, DST gaps and folds, standard slots.

Times are stored in UTC and shown in the venue's IANA zone. A local time without an
offset is read in the venue's zone; one that falls in a DST gap (does not exist) or a
DST fold (happens twice) is refused rather than guessed.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# RFC 3339 date-time, or the same without an offset (venue-local). Seconds optional. ASCII digits only
# (Python's \d also matches other scripts' digits). Also published as the `pattern` of such fields.
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?$"
)
HHMM_PATTERN = r"^[0-9]{2}:[0-9]{2}$"
_DATETIME_RE = re.compile(DATETIME_PATTERN)
# The years a client may name. Python's own limits (1 and 9999) are too close: converting
# 9999-12-31T23:00-05:00 to UTC, or looking a day around 0001-01-01, overflows.
MIN_YEAR, MAX_YEAR = 1900, 2999


class LocalTimeError(ValueError):
    """A local time that cannot be turned into one moment."""


@lru_cache(maxsize=None)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_valid_zone(name: str) -> bool:
    if name not in _known_zones():
        return False
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=1)
def _known_zones() -> frozenset:
    return frozenset(available_timezones())


def parse_datetime_text(text: str) -> datetime:
    """Parse RFC 3339 (aware) or a local date-time without offset (naive). Raises ValueError."""
    if not isinstance(text, str) or not _DATETIME_RE.fullmatch(text):
        raise ValueError("Not a date-time: use RFC 3339 (2017-06-16T10:00:00-04:00) or local 2017-06-16T10:00")
    value = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Give a year from {MIN_YEAR} to {MAX_YEAR}")
    if value.tzinfo is not None and value.utcoffset() is not None and abs(value.utcoffset()) >= timedelta(hours=24):
        raise ValueError("UTC offset out of range")
    return value


_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day_or_datetime_text(text: str) -> date | datetime:
    """A plain date (YYYY-MM-DD: a whole local day), or what parse_datetime_text takes. Raises ValueError."""
    if isinstance(text, str) and _DATE_RE.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError as error:
            raise ValueError("Not a valid date") from error
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValueError(f"Give a year from {MIN_YEAR} to {MAX_YEAR}")
        return day
    return parse_datetime_text(text)


def moments_of(naive: datetime, tz_name: str) -> list[datetime]:
    """The moments (in UTC) a wall time names in a zone: none in a DST gap (the clocks jumped over
    it), two in a fold (it happened twice), else one."""
    tz = zone(tz_name)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return [first.astimezone(timezone.utc)]
    if first.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) != naive:
        return []
    return sorted({first.astimezone(timezone.utc), second.astimezone(timezone.utc)})


def localize(naive: datetime, tz_name: str) -> datetime:
    """The one moment a venue-local wall time names; refuses DST gaps and folds."""
    moments = moments_of(naive, tz_name)
    if not moments:
        raise LocalTimeError(f"{naive.isoformat()} does not exist in {tz_name} (clocks go forward then)")
    if len(moments) > 1:
        raise LocalTimeError(
            f"{naive.isoformat()} happens twice in {tz_name} (clocks go back then): give the UTC offset"
        )
    return moments[0]


def to_utc(value: datetime, tz_name: str) -> datetime:
    """An aware datetime stays that moment; a naive one is read in the venue zone."""
    if value.tzinfo is None:
        return localize(value, tz_name)
    return value.astimezone(timezone.utc)


def lenient_utc(naive: datetime, tz_name: str) -> datetime:
    """A wall time as a moment, never refused: inside a DST gap it lands just after the gap, in a
    fold on the first of the two. For the service's own bounds (midnights, slot edges), not input."""
    return naive.replace(tzinfo=zone(tz_name), fold=0).astimezone(timezone.utc)


def local_days_utc(first: date, last: date, tz_name: str) -> tuple[datetime, datetime]:
    """From the first local midnight of `first` to the one after `last`, in UTC. Never refused:
    some zones skip midnight itself (America/Havana)."""
    start = lenient_utc(datetime.combine(first, datetime.min.time()), tz_name)
    end = lenient_utc(datetime.combine(last + timedelta(days=1), datetime.min.time()), tz_name)
    return start, end


def to_local(moment: datetime, tz_name: str) -> datetime:
    return moment.astimezone(zone(tz_name))


def local_date(moment: datetime, tz_name: str) -> date:
    return to_local(moment, tz_name).date()


@dataclass(frozen=True)
class Slot:
    name: str
    start: time
    end: time

    def on(self, day: date, tz_name: str, strict: bool = True) -> tuple[datetime, datetime]:
        """The UTC interval of this slot on a local day.

        Strict (for a client's {date, slot}): a slot edge inside a DST gap or fold is an error.
        Lenient (for the service's own searches): such an edge is read with the offset in force
        before the change, which lands just after a gap and on the first of two folded times.
        """
        convert = localize if strict else lenient_utc
        return (
            convert(datetime.combine(day, self.start), tz_name),
            convert(datetime.combine(day, self.end), tz_name),
        )

    def contains(self, start_local: datetime, end_local: datetime) -> bool:
        return (
            start_local.date() == end_local.date() and self.start <= start_local.time() and end_local.time() <= self.end
        )


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_hhmm(text: str) -> time:
    if not isinstance(text, str) or not re.fullmatch(HHMM_PATTERN, text):
        raise ValueError("Use HH:MM, for example 10:00")
    return time.fromisoformat(text)
