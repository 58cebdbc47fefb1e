"""Which feeds there are, and what each holds. A feed is named by its key, its path under /feeds/
("all.ics", "rooms/ECOSOC.ics", "subscriptions/12.ics", "all.ics?kind=plenary"), and defined by
`definition(key)`: its calendar's own text, the conditions of its meetings and the subjects whose
changes it follows (see tracking.py). A private feed's key names its subscription's id; its URL,
the secret, is never stored.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

from flask import current_app
from sqlalchemy import select

from ..accounts.service import Actor
from ..clock import utcnow
from ..conflicts import MAX_MEETING_DURATION
from ..errors import FieldErrors
from ..extensions import db
from ..ical.calendar import FeedInfo
from ..meetings.models import KINDS, Meeting
from ..meetings.visibility import booked_condition, public_condition, visible_condition
from ..missions.models import Subscription
from ..processes.models import Process
from ..rooms.models import Room
from ..venues.service import default_venue
from .links import ALL_PATH, body_path, process_path, room_path

# Statuses that appear in feeds (of meetings booked or approved: booked_condition).
FEED_STATUSES = ("tentative", "confirmed", "cancelled", "postponed")
# Where calendars reach the service when PUBLIC_URL is not set (as `make run` serves).
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class Definition:
    key: str
    info: FeedInfo
    conditions: tuple  # of its meetings, beside the window's
    depends_on: frozenset[str]
    public: bool  # anyone may read it; a private feed goes through its secret URL
    home_zone: str  # its VTIMEZONE even when it has no events: a room's venue's zone, else the default venue's


def base_url() -> str:
    return (current_app.config["PUBLIC_URL"] or DEFAULT_BASE_URL).rstrip("/") + "/"


def uid_domain() -> str:
    return current_app.config["ICAL_UID_DOMAIN"]


def window_start() -> datetime:
    """Midnight UTC, FEED_PAST_DAYS ago: feeds hold meetings that ended since, and whole days, so
    that the same data gives the same bytes all day long."""
    since = (utcnow() - timedelta(days=current_app.config["FEED_PAST_DAYS"])).date()
    return datetime.combine(since, datetime.min.time(), tzinfo=UTC)


def window_conditions() -> list:
    """The bound on `start` (a meeting lasts at most a day) lets the database use its index on start."""
    since = window_start()
    return [
        Meeting.status.in_(FEED_STATUSES),
        booked_condition(),
        Meeting.end > since,
        Meeting.start > since - MAX_MEETING_DURATION,
    ]


def variant_key(path: str, kinds: list[str], statuses: list[str]) -> str:
    """The key of a public feed narrowed by ?kind= and ?status= (422 for values that are not)."""
    errors = {}
    if set(kinds) - set(KINDS):
        errors["kind"] = f"Unknown kind(s) {', '.join(sorted(set(kinds) - set(KINDS)))}; use: {', '.join(KINDS)}"
    if set(statuses) - set(FEED_STATUSES):
        unknown = ", ".join(sorted(set(statuses) - set(FEED_STATUSES)))
        errors["status"] = f"Unknown status(es) {unknown}; use: {', '.join(FEED_STATUSES)}"
    if errors:
        raise FieldErrors(errors, location="query")
    query = [
        (name, ",".join(sorted(set(values)))) for name, values in (("kind", kinds), ("status", statuses)) if values
    ]
    return f"{path}?{urlencode(query)}" if query else path


def definition(key: str) -> Definition | None:
    """What the feed `key` holds, or None if there is no such feed (any longer)."""
    path, _, query = key.partition("?")
    narrowing = []
    for name, values in parse_qsl(query):
        column = Meeting.kind if name == "kind" else Meeting.status
        narrowing.append(column.in_(values.split(",")))
    found = _subject(path)
    if found is None:
        return None
    info, conditions, depends_on, public, home_zone = found
    return Definition(key, info, (*conditions, *narrowing), frozenset(depends_on), public, home_zone or _default_zone())


def _default_zone() -> str:
    venue = default_venue()
    return venue.timezone if venue is not None else "UTC"


def _subject(path: str):
    """(info, conditions, subjects followed, public, home zone or None for the default venue's), or None."""
    kind, _, name = path.removesuffix(".ics").partition("/")
    base, domain = base_url(), uid_domain()
    if path == ALL_PATH:
        info = FeedInfo(
            f"feed-all@{domain}", "All public meetings", "Every public meeting of every venue", f"{base}feeds/{path}"
        )
        return info, [public_condition()], {"all"}, True, None
    if kind == "rooms":
        room = db.session.scalar(select(Room).where(Room.code == name))
        if room is None or room_path(room.code) != path:
            return None
        info = FeedInfo(
            f"feed-room-{room.code}@{domain}",
            f"{room.name} ({room.venue.code})",
            f"Public meetings in the {room.name}, {room.venue.name}",
            f"{base}feeds/{path}",
        )
        return info, [public_condition(), Meeting.room_id == room.id], {f"room:{room.id}"}, True, room.venue.timezone
    if kind == "bodies":
        # Named after a process or a public meeting only: a closed meeting's body stays unknown here.
        body = db.session.scalar(
            select(Process.body).where(Process.body_slug == name).order_by(Process.id).limit(1)
        ) or db.session.scalar(
            select(Meeting.body).where(Meeting.body_slug == name, public_condition()).order_by(Meeting.id).limit(1)
        )
        if not name or body is None:
            return None
        info = FeedInfo(f"feed-body-{name}@{domain}", body, f"Public meetings of the {body}", f"{base}feeds/{path}")
        return info, [public_condition(), Meeting.body_slug == name], {f"body:{name}"}, True, None
    if kind == "processes":
        process = db.session.scalar(select(Process).where(Process.slug == name))
        if process is None:
            return None
        description = f"Public meetings of: {process.title}" + (f" ({process.mandate})" if process.mandate else "")
        info = FeedInfo(f"feed-process-{name}@{domain}", process.title, description, f"{base}feeds/{path}")
        return info, [public_condition(), Meeting.process_id == process.id], {f"process:{process.id}"}, True, None
    if kind == "subscriptions" and name.isdigit():
        return _subscription(db.session.get(Subscription, int(name)), base, domain)
    return None


def _subscription(subscription: Subscription | None, base: str, domain: str):
    """A mission's private feed: every meeting the mission may see, narrowed by its filters. Its
    calendar's URL is the mission's page: the feed's own URL is a secret no one keeps."""
    if subscription is None or subscription.revoked_at is not None:
        return None
    mission, filters = subscription.mission, subscription.filters
    audience = visible_condition(Actor(name=mission.name, role="mission", mission_code=mission.code))
    conditions, depends_on = [audience], {f"subscription:{subscription.id}", f"mission:{mission.code}"}
    if filters.get("rooms"):
        rooms = db.session.scalars(select(Room.id).where(Room.code.in_(filters["rooms"]))).all()
        conditions.append(Meeting.room_id.in_(rooms))
        depends_on |= {f"room:{room_id}" for room_id in rooms}
    if filters.get("bodies"):
        conditions.append(Meeting.body_slug.in_(filters["bodies"]))
        depends_on |= {f"body:{slug}" for slug in filters["bodies"]}
    if filters.get("processes"):
        processes = db.session.scalars(select(Process.id).where(Process.slug.in_(filters["processes"]))).all()
        conditions.append(Meeting.process_id.in_(processes))
        depends_on |= {f"process:{process_id}" for process_id in processes}
    if filters.get("kinds"):
        conditions.append(Meeting.kind.in_(filters["kinds"]))
    if not {"rooms", "bodies", "processes"} & {name for name, values in filters.items() if values}:
        # Narrowed by kind only, it follows those kinds' meetings; not narrowed, every meeting.
        depends_on |= {f"kind:{kind}" for kind in filters.get("kinds", ())} or {"all"}
    info = FeedInfo(
        f"feed-subscription-{subscription.id}@{domain}",
        subscription.name,
        f"Meetings for the {mission.name}",
        f"{base}mission",
    )
    return info, conditions, depends_on, False, None


def standard_keys() -> set[str]:
    """Every feed there is without a query: all, each room, body, process, and active subscription."""
    keys = {ALL_PATH}
    keys |= {room_path(code) for code in db.session.scalars(select(Room.code))}
    keys |= {process_path(slug) for slug in db.session.scalars(select(Process.slug))}
    bodies = select(Process.body_slug).union(select(Meeting.body_slug).where(public_condition()))
    keys |= {body_path(slug) for slug in db.session.scalars(bodies) if slug}
    active = select(Subscription.id).where(Subscription.revoked_at.is_(None))
    keys |= {f"subscriptions/{subscription_id}.ics" for subscription_id in db.session.scalars(active)}
    return keys


def keys_for(subjects: set[str]) -> set[str]:
    """The feeds that a change of these subjects may make or end (a new room's, a revoked subscription's)."""
    keys = {ALL_PATH} if "all" in subjects else set()
    for subject in subjects:
        kind, _, name = subject.partition(":")
        if kind == "room":
            keys |= {room_path(code) for code in db.session.scalars(select(Room.code).where(Room.id == int(name)))}
        elif kind == "process":
            keys |= {
                process_path(slug) for slug in db.session.scalars(select(Process.slug).where(Process.id == int(name)))
            }
        elif kind == "body" and name:
            keys.add(body_path(name))
        elif kind == "subscription":
            keys.add(f"subscriptions/{name}.ics")
    return keys
