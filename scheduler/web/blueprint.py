"""The web pages' blueprint and what every page shares: the venue shown, days in URLs, time formats."""

import re
from datetime import date, datetime, timedelta

from flask import Blueprint, request

from ..clock import utcnow
from ..errors import NotFound
from ..times import MAX_YEAR, MIN_YEAR, to_local
from ..venues.models import Venue
from ..venues.service import default_venue, find_venue, list_venues

VENUE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}")

blp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/web")


def chosen_venue() -> Venue:
    """The venue named in ?venue=, else the configured default, else the first there is."""
    code = request.args.get("venue", "").strip()
    if code:
        venue = find_venue(code) if VENUE_CODE.fullmatch(code) else None
        if venue is None:
            raise NotFound(f"No venue {code!r}")
        return venue
    venue = default_venue() or next(iter(list_venues()), None)
    if venue is None:
        raise NotFound("No venue is loaded yet: run 'flask --app wsgi seed'")
    return venue


def parse_day(text: str) -> date:
    """A day in a URL (YYYY-MM-DD); anything else is a 404, as for a page that does not exist."""
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise NotFound(f"{text!r} is not a day (write it as YYYY-MM-DD)") from error
    if not MIN_YEAR <= day.year <= MAX_YEAR or len(text) != 10:
        raise NotFound(f"{text!r} is not a day this calendar holds")
    return day


def today_at(venue: Venue) -> date:
    return to_local(utcnow(), venue.timezone).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- template filters -----------------------------------------------------------------


@blp.app_template_filter("hm")
def hour_minute(moment: datetime, tz: str | None = None) -> str:
    """10:00, in the venue's zone."""
    return (to_local(moment, tz) if tz else moment).strftime("%H:%M")


@blp.app_template_filter("zone_abbr")
def zone_abbreviation(moment: datetime, tz: str | None = None) -> str:
    """EDT, CEST, EAT: the zone's name at that moment."""
    return (to_local(moment, tz) if tz else moment).tzname() or ""


@blp.app_template_filter("local_day")
def local_day(moment: datetime, tz: str) -> date:
    return to_local(moment, tz).date()


@blp.app_template_filter("long_day")
def long_day(day: date) -> str:
    """Friday, 16 June 2017, as the Journal writes it."""
    return f"{day:%A}, {day.day} {day:%B %Y}"


@blp.app_template_filter("label")
def label(word: str) -> str:
    """informal_consultations -> Informal consultations."""
    return word.replace("_", " ").capitalize()


@blp.app_template_filter("history_value")
def history_value(value, field: str, tz: str) -> str:
    """A history entry's value as the page shows the meeting: times local ("Mon 19 Jun 2017, 10:00 EDT"),
    lists joined, labels for codes, "—" for nothing."""
    if value in (None, "", []):
        return "—"
    if field in ("start", "end") and isinstance(value, str):
        try:
            moment = to_local(datetime.fromisoformat(value), tz)
        except ValueError:
            return value
        return f"{moment:%a %d %b %Y}, {moment:%H:%M} {moment.tzname()}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field in ("kind", "status", "visibility"):
        return label(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
