"""Venues: their zone, standard slots, working days and holidays."""

from datetime import date, datetime, timedelta

import icalendar
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound
from ..extensions import db
from ..meetings.calendar import follow_shown_change
from ..meetings.models import Meeting
from ..rooms.models import Room
from .models import TimeSlot, Venue, VenueHoliday


def list_venues() -> list[Venue]:
    return list(db.session.scalars(select(Venue).order_by(Venue.code)))


def find_venue(code: str) -> Venue | None:
    """Venue codes are upper case; clients may write them in any case."""
    return db.session.scalar(select(Venue).where(Venue.code == code.upper()))


def default_venue() -> Venue | None:
    """The venue callers need not name: DEFAULT_VENUE (UNHQ unless set), else the only one there is."""
    configured = find_venue(current_app.config["DEFAULT_VENUE"])
    if configured is not None:
        return configured
    venues = db.session.scalars(select(Venue).limit(2)).all()
    return venues[0] if len(venues) == 1 else None


def get_venue(code: str) -> Venue:
    venue = find_venue(code)
    if venue is None:
        raise NotFound(f"No venue {code!r}")
    return venue


def _apply(venue: Venue, data: dict) -> None:
    for field in ("name", "timezone", "working_days", "interpretation_teams", "programme_hour"):
        if field in data:
            setattr(venue, field, data[field])
    if "desk_email" in data:
        venue.desk_email = data["desk_email"] or ""
    if "slots" in data:
        venue.slots = [TimeSlot(name=s["name"], start_time=s["start"], end_time=s["end"]) for s in data["slots"]]


def create_venue(data: dict) -> Venue:
    if db.session.scalar(select(Venue.id).where(Venue.code == data["code"])):
        raise Conflict(f"Venue {data['code']} already exists")
    venue = Venue(code=data["code"])
    _apply(venue, data)
    db.session.add(venue)
    db.session.commit()
    return venue


def update_venue(code: str, data: dict) -> Venue:
    venue = get_venue(code)
    if "slots" in data:
        # Replace the slots in two steps so the unique (venue, name) index never sees two at once.
        venue.slots = []
        db.session.flush()
    _apply(venue, data)
    follow_shown_change(venue, Meeting.room_id.in_(select(Room.id).where(Room.venue_id == venue.id)))
    db.session.commit()
    return venue


# --- holidays -------------------------------------------------------------------------

# A multi-day event in a holiday file spans at most this many days (a longer one is a mistake in the file).
MAX_HOLIDAY_DAYS = 31


def list_holidays(code: str, year: int | None = None) -> list[VenueHoliday]:
    venue = get_venue(code)
    query = select(VenueHoliday).where(VenueHoliday.venue_id == venue.id)
    if year is not None:
        query = query.where(VenueHoliday.date.between(date(year, 1, 1), date(year, 12, 31)))
    return list(db.session.scalars(query.order_by(VenueHoliday.date)))


def create_holiday(code: str, data: dict) -> VenueHoliday:
    venue = get_venue(code)
    if _holiday(venue, data["date"]) is not None:
        raise Conflict(f"{venue.code} already has a holiday on {data['date'].isoformat()}")
    holiday = VenueHoliday(venue=venue, date=data["date"], name=data["name"])
    db.session.add(holiday)
    try:
        db.session.commit()
    except IntegrityError as error:  # the same day added at the same moment
        db.session.rollback()
        raise Conflict(f"{venue.code} already has a holiday on {data['date'].isoformat()}") from error
    return holiday


def delete_holiday(code: str, day: str) -> None:
    venue = get_venue(code)
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        wanted = None
    holiday = _holiday(venue, wanted) if wanted and len(day) == 10 else None
    if holiday is None:
        raise NotFound(f"No holiday of {venue.code} on {day!r}")
    db.session.delete(holiday)
    db.session.commit()


def _holiday(venue: Venue, day: date) -> VenueHoliday | None:
    return db.session.scalar(select(VenueHoliday).where(VenueHoliday.venue_id == venue.id, VenueHoliday.date == day))


class HolidayFileError(ValueError):
    """An iCalendar holiday file that cannot be read as one; the message says where and why."""


def read_holiday_calendar(data: bytes) -> list[tuple[date, str]]:
    """The (day, name) pairs of an iCalendar file's all-day events, in file order.

    Each event must start on a date (DTSTART;VALUE=DATE); one that ends later (DTEND, exclusive,
    or DURATION) gives each of its days. Cancelled events are left out; recurring ones and
    events at a time of day are refused, since a holiday list names its days.
    """
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise HolidayFileError(f"not an iCalendar file ({error})") from error
    if not calendars or any(calendar.name != "VCALENDAR" for calendar in calendars):
        raise HolidayFileError("not an iCalendar file (no VCALENDAR)")
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    if not events:
        raise HolidayFileError("no VEVENT in the file")
    days: list[tuple[date, str]] = []
    for number, event in enumerate(events, 1):
        summary = str(event.get("SUMMARY", "")).strip()
        where = f"event {number}" + (f" ({summary})" if summary else "")
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if not summary:
            raise HolidayFileError(f"{where}: no SUMMARY to name the holiday")
        if len(summary) > 200:
            raise HolidayFileError(f"{where}: SUMMARY is longer than 200 characters")
        if "RRULE" in event or "RDATE" in event:
            raise HolidayFileError(f"{where}: recurring events are not read; list each holiday's date")
        start, end = _holiday_event_dates(event, where)
        days += [(start + timedelta(days=n), summary) for n in range((end - start).days)]
    return days


def _holiday_event_dates(event, where: str) -> tuple[date, date]:
    """An all-day event's first day and the day after its last."""
    try:
        start = event.decoded("DTSTART")
    except (KeyError, ValueError) as error:
        raise HolidayFileError(f"{where}: no valid DTSTART") from error
    if isinstance(start, datetime):
        raise HolidayFileError(
            f"{where}: DTSTART is a time of day; a holiday is an all-day event (DTSTART;VALUE=DATE:YYYYMMDD)"
        )
    if not isinstance(start, date):
        raise HolidayFileError(f"{where}: DTSTART is not a valid date (DTSTART;VALUE=DATE:YYYYMMDD)")
    try:
        if "DTEND" in event:
            end = event.decoded("DTEND")
        elif "DURATION" in event:
            end = start + event.decoded("DURATION")
        else:
            end = start + timedelta(days=1)
    except (ValueError, TypeError) as error:
        raise HolidayFileError(f"{where}: DTEND or DURATION cannot be read") from error
    if isinstance(end, datetime):
        raise HolidayFileError(f"{where}: DTEND is a time of day; an all-day event ends on a date")
    if not isinstance(end, date):
        raise HolidayFileError(f"{where}: DTEND is not a valid date")
    if end <= start:  # some producers write DTEND equal to DTSTART for a one-day event
        end = start + timedelta(days=1)
    if (end - start).days > MAX_HOLIDAY_DAYS:
        raise HolidayFileError(f"{where}: lasts {(end - start).days} days; at most {MAX_HOLIDAY_DAYS}")
    return start, end


def add_holidays(code: str, days: list[tuple[date, str]], skip_known_years: bool = False) -> tuple[int, int]:
    """Add the days the venue does not have yet; never change one it has. Returns (added, already there).

    With `skip_known_years` (the default data), a year in which the venue already has any
    holiday is left as it is: officers may have moved or removed a day, and seeding again
    must not bring it back.
    """
    venue = get_venue(code)
    known = {
        holiday.date: holiday
        for holiday in db.session.scalars(select(VenueHoliday).where(VenueHoliday.venue_id == venue.id))
    }
    known_years = {day.year for day in known}
    added = existing = 0
    for day, name in days:
        if day in known or (skip_known_years and day.year in known_years):
            existing += 1
            continue
        known[day] = VenueHoliday(venue=venue, date=day, name=name)
        db.session.add(known[day])
        added += 1
    db.session.commit()
    return added, existing
