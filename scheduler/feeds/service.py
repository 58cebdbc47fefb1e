"""Feeds: which meetings each feed holds, rendering them once per change, and caching.

- Each meeting's VEVENT is rendered when the meeting changes and stored with it
  (`store_event`); a feed joins the stored events, so it costs milliseconds, not seconds.
- A counter in the database (`feed_state.generation`) is bumped, and the moment noted, in every
  transaction that changes something feeds show. Every worker on every host compares it with the
  generation of its cached feeds, so they all agree on what is current. When it moved, a cached
  feed reads its meetings' keys (ids, versions, stored events' keys, last changes: no event text)
  and compares their summary (its fingerprint) with the cached one: a booking in one room does
  not make every other feed render again.
- When a feed does change, its render goes on from those keys; the events themselves come
  from the worker's cache of checked events (`event_cache`): after a worker's first render, only
  the events that changed are read from the database and checked again.
- A render runs at a lower CPU priority than bookings (`low_priority`); the request waits for it.
- Every part of a feed is checked before it is served; if rendering or a check fails, the last
  good bytes are served and the failure is logged.
"""

import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from itertools import chain
from typing import Callable, NamedTuple

from flask import current_app
from icalendar import Event
from sqlalchemy import Integer, String, case, cast, event, extract, func, select, update
from sqlalchemy.orm import Session, undefer

from ..accounts.service import Actor
from ..clock import utcnow
from ..conflicts import MAX_MEETING_DURATION
from ..errors import FieldErrors, NotFound, ServiceError
from ..extensions import db
from ..ical.calendar import CheckedPart, FeedInfo, InvalidFeed, assemble, checked_events, zones_used
from ..ical.events import meeting_render_key, render_event, render_key, shown_content
from ..ical.freebusy import render_freebusy
from ..meetings.models import HOLDING_STATUSES, KINDS, Meeting
from ..meetings.visibility import public_condition, visible_condition
from ..missions.models import Mission
from ..processes.models import Process
from ..rooms.models import Room, RoomBlock
from ..venues.models import TimeSlot, Venue
from . import compression, event_cache, low_priority
from .links import ALL_PATH, body_path, process_path, room_path, subscription_path
from .models import FeedState

log = logging.getLogger(__name__)

# Statuses that appear in feeds: requests are not meetings yet.
FEED_STATUSES = ("tentative", "confirmed", "cancelled", "postponed")
FEED_MODELS = (Meeting, Room, Venue, TimeSlot, Process, Mission)  # a mission's name is in its feeds' description
# After a failed render, serve the last good bytes this long before trying again.
RETRY_AFTER_FAILURE = 60


class FeedUnavailable(ServiceError):
    status_code = 503


# --- the change counter ---------------------------------------------------------------

_tracking = False


def track_changes() -> None:
    """Bump the feed generation in every transaction that changes something feeds show."""
    global _tracking
    if _tracking:  # the listeners are global (on Session); one set is enough for every app
        return
    _tracking = True

    @event.listens_for(Session, "before_flush")
    def note_changes(session, _context, _instances):
        if any(isinstance(obj, FEED_MODELS) for obj in chain(session.new, session.dirty, session.deleted)):
            session.info["feeds_changed"] = True

    @event.listens_for(Session, "before_commit")
    def bump_generation(session):
        session.flush()  # the changes still pending: note_changes sees them now
        if session.info.pop("feeds_changed", False):
            # In the change's own transaction, its last statement: a reader who sees the new
            # generation sees the data, and no change is committed without its bump. The row
            # stays locked only while the commit runs.
            # The moment never goes back (a transaction that read the clock first may commit last).
            state, now = FeedState.__table__, utcnow()
            moment = case((state.c.changed_at > now, state.c.changed_at), else_=now)
            session.connection().execute(update(state).values(generation=state.c.generation + 1, changed_at=moment))

    @event.listens_for(Session, "after_rollback")
    def forget_changes(session):
        session.info.pop("feeds_changed", None)


class Generation(NamedTuple):
    number: int
    changed_at: datetime | None  # when it last moved (None before the first change since migration 0007)


def generation() -> Generation:
    found = db.session.execute(select(FeedState.generation, FeedState.changed_at).where(FeedState.id == 1)).first()
    return Generation(*found) if found else Generation(0, None)


# --- stored events --------------------------------------------------------------------


def _uid_domain() -> str:
    return current_app.config["ICAL_UID_DOMAIN"]


def checked_event(meeting: Meeting) -> str:
    """Render a meeting's VEVENT and read it back, so that a broken event is never stored."""
    text = render_event(meeting, _uid_domain())
    parsed = Event.from_ical(text)
    if str(parsed["UID"]) != f"meeting-{meeting.id}@{_uid_domain()}" or str(parsed["SUMMARY"]) == "":
        raise InvalidFeed(f"meeting {meeting.id}: the rendered event does not read back")
    return text


def store_event(meeting: Meeting) -> None:
    """Keep the meeting's rendered VEVENT with it (call after flush: the UID needs the id)."""
    meeting.ical_event = checked_event(meeting)
    meeting.ical_key = meeting_render_key(meeting, _uid_domain())


def _event_keys():
    """What decides whether a stored event is current, without the event's text: plain columns,
    read fast (the rooms', venues' and processes' stamps come from `Stamps`)."""
    return select(
        Meeting.id,
        Meeting.version,
        Meeting.ical_key,
        Meeting.ical_event.is_(None).label("no_event"),
        Meeting.room_id,
        Meeting.process_id,
    )


class RoomStamps(NamedTuple):
    room_updated_at: datetime
    venue_updated_at: datetime


@dataclass(frozen=True)
class Stamps:
    """When each room, venue and process last changed: a stored event shows them too. Small
    tables, read whole once per render rather than joined into every meeting's row."""

    rooms: dict[int, RoomStamps]
    processes: dict[int, datetime]

    @classmethod
    def load(cls) -> "Stamps":
        rooms = db.session.execute(
            select(Room.id, Room.updated_at, Venue.updated_at).join(Venue, Room.venue_id == Venue.id)
        )
        return cls(
            {room_id: RoomStamps(*rest) for room_id, *rest in rooms},
            dict(db.session.execute(select(Process.id, Process.updated_at)).all()),
        )

    @classmethod
    def at(cls, generation: int) -> "Stamps":
        """The stamps as of `generation` or later, read once a generation by this worker: a room,
        venue or process changes in a transaction that bumps it."""
        global _last_stamps
        key = (db.engine, generation)
        with _stamps_lock:
            if _last_stamps is not None and _last_stamps[0] == key:
                return _last_stamps[1]
        stamps = cls.load()
        with _stamps_lock:
            if _last_stamps is None or _last_stamps[0][0] is not db.engine or _last_stamps[0][1] <= generation:
                _last_stamps = (key, stamps)
        return stamps

    def cover(self, places) -> bool:
        """Whether every (room id, process id) is known here: rows read after a later change can
        hold a room or process made since these stamps were read."""
        return all(
            room_id in self.rooms and (process_id is None or process_id in self.processes)
            for room_id, process_id in places
        )

    def of(self, row) -> tuple:
        """(room, venue, process) updated_at for a row of `_event_keys()`."""
        return self.of_place(row.room_id, row.process_id)

    def of_place(self, room_id: int, process_id: int | None) -> tuple:
        """(room, venue, process) updated_at for a meeting in that room and process."""
        return *self.rooms[room_id], self.processes.get(process_id)


_last_stamps: tuple[tuple, Stamps] | None = None  # ((engine, generation), stamps)
_stamps_lock = threading.Lock()


def _stale_ids(rows, stamps: Stamps) -> list[int]:
    domain = _uid_domain()
    return [
        row.id
        for row in rows
        if row.no_event or row.ical_key != render_key(domain, row.id, row.version, *stamps.of(row))
    ]


def render_stale_events(batch: int = 500) -> int:
    """Store the events of every meeting whose stored VEVENT is missing or out of date (after a
    bulk load, a new RENDER_VERSION or another ICAL_UID_DOMAIN). Returns how many. Only the
    keys are read to find them: a station's ten years are checked in seconds."""
    stale = _stale_ids(db.session.execute(_event_keys().order_by(Meeting.id)).all(), Stamps.load())
    for first in range(0, len(stale), batch):
        ids = stale[first : first + batch]
        for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(ids))).unique():
            store_event(meeting)
        db.session.commit()
    return len(stale)


def refresh_stored_events(condition) -> int:
    """Render again the stored events of the meetings matching `condition`, after their room,
    venue or process changed. Where what a calendar shows changed (a room's name in LOCATION,
    say), the meeting's SEQUENCE and version go up, as for any visible change. Returns how many
    meetings changed."""
    query = (
        select(Meeting)
        .options(undefer(Meeting.ical_event))
        .where(condition)
        .order_by(Meeting.id)
        .with_for_update(of=Meeting)
        .execution_options(populate_existing=True)
    )  # no lost concurrent edit
    changed = 0
    for meeting in db.session.scalars(query).unique():
        before = shown_content(meeting.ical_event or "")
        store_event(meeting)
        if shown_content(meeting.ical_event) != before:
            meeting.sequence += 1
            meeting.version += 1
            store_event(meeting)
            changed += 1
    return changed


# --- what a feed holds ----------------------------------------------------------------

PUBLIC = public_condition()


@dataclass(frozen=True)
class FeedSpec:
    """One feed: its cache key, its calendar-level text, and which meetings it holds: those its
    audience may see (the public, or a subscribing mission) that meet its subject's conditions."""

    key: str
    filename: str
    info: FeedInfo
    subject: Callable[[], list] = field(compare=False)  # gives the conditions: see `condition`
    audience: object = field(compare=False, default=PUBLIC)
    private: bool = False

    @cached_property
    def condition(self) -> list:
        """The subject's conditions, made once, and only when the feed is checked or rendered: a
        cached answer reads nothing for them (a subscription's rooms and processes)."""
        return self.subject()


def window_start() -> datetime:
    """Midnight UTC, FEED_PAST_DAYS ago: whole days, so that the same data gives the same bytes (and
    ETag) all day long in every worker."""
    since = (utcnow() - timedelta(days=current_app.config["FEED_PAST_DAYS"])).date()
    return datetime.combine(since, datetime.min.time(), tzinfo=timezone.utc)


def _query_filters(kinds: list[str], statuses: list[str]) -> tuple[list, str]:
    errors = {}
    unknown_kinds = sorted(set(kinds) - set(KINDS))
    if unknown_kinds:
        errors["kind"] = f"Unknown kind(s) {', '.join(unknown_kinds)}; use: {', '.join(KINDS)}"
    unknown_statuses = sorted(set(statuses) - set(FEED_STATUSES))
    if unknown_statuses:
        errors["status"] = f"Unknown status(es) {', '.join(unknown_statuses)}; use: {', '.join(FEED_STATUSES)}"
    if errors:
        raise FieldErrors(errors, location="query")
    conditions, key = [], ""
    if kinds:
        conditions.append(Meeting.kind.in_(kinds))
        key += "|kind=" + ",".join(sorted(set(kinds)))
    if statuses:
        conditions.append(Meeting.status.in_(statuses))
        key += "|status=" + ",".join(sorted(set(statuses)))
    return conditions, key


def all_feed(base_url: str, kinds=(), statuses=()) -> FeedSpec:
    extra, key = _query_filters(list(kinds), list(statuses))
    return FeedSpec(
        f"{base_url}|all{key}",
        "all",
        FeedInfo(
            uid=f"feed-all@{_uid_domain()}",
            name="All public meetings",
            description="Every public meeting of every venue",
            url=f"{base_url}feeds/{ALL_PATH}",
        ),
        subject=lambda: extra,
    )


def room_feed(code: str, base_url: str, kinds=(), statuses=()) -> FeedSpec:
    room = db.session.scalar(select(Room).where(Room.code == code.upper()))
    if room is None:
        raise NotFound(f"No room {code!r}")
    extra, key = _query_filters(list(kinds), list(statuses))
    room_id = room.id
    return FeedSpec(
        f"{base_url}|room={room.code}{key}",
        room.code,
        FeedInfo(
            uid=f"feed-room-{room.code}@{_uid_domain()}",
            name=f"{room.name} ({room.venue.code})",
            description=f"Public meetings in the {room.name}, {room.venue.name}",
            url=f"{base_url}feeds/{room_path(room.code)}",
        ),
        subject=lambda: [Meeting.room_id == room_id, *extra],
    )


def body_feed(slug: str, base_url: str, kinds=(), statuses=()) -> FeedSpec:
    # Named after a process or a public meeting only: a closed meeting's body stays unknown here.
    name = db.session.scalar(
        select(Process.body).where(Process.body_slug == slug).order_by(Process.id).limit(1)
    ) or db.session.scalar(select(Meeting.body).where(Meeting.body_slug == slug, PUBLIC).order_by(Meeting.id).limit(1))
    if not slug or name is None:
        raise NotFound(f"No body {slug!r}")
    extra, key = _query_filters(list(kinds), list(statuses))
    return FeedSpec(
        f"{base_url}|body={slug}{key}",
        slug,
        FeedInfo(
            uid=f"feed-body-{slug}@{_uid_domain()}",
            name=name,
            description=f"Public meetings of the {name}",
            url=f"{base_url}feeds/{body_path(slug)}",
        ),
        subject=lambda: [Meeting.body_slug == slug, *extra],
    )


def process_feed(slug: str, base_url: str, kinds=(), statuses=()) -> FeedSpec:
    process = db.session.scalar(select(Process).where(Process.slug == slug))
    if process is None:
        raise NotFound(f"No process {slug!r}")
    extra, key = _query_filters(list(kinds), list(statuses))
    process_id = process.id
    return FeedSpec(
        f"{base_url}|process={slug}{key}",
        slug,
        FeedInfo(
            uid=f"feed-process-{slug}@{_uid_domain()}",
            name=process.title,
            description=f"Public meetings of: {process.title}" + (f" ({process.mandate})" if process.mandate else ""),
            url=f"{base_url}feeds/{process_path(slug)}",
        ),
        subject=lambda: [Meeting.process_id == process_id, *extra],
    )


def subscription_feed(subscription, secret: str, base_url: str) -> FeedSpec:
    """A mission's private feed: every meeting the mission may see, narrowed by its filters."""
    mission = subscription.mission
    audience = visible_condition(Actor(name=mission.name, role="mission", mission_code=mission.code))
    filters = subscription.filters

    def subject() -> list:
        # Ids, not subqueries: the database then knows from its statistics how busy each room or process is.
        condition = []
        if filters.get("rooms"):
            condition.append(
                Meeting.room_id.in_(db.session.scalars(select(Room.id).where(Room.code.in_(filters["rooms"]))).all())
            )
        if filters.get("bodies"):
            condition.append(Meeting.body_slug.in_(filters["bodies"]))
        if filters.get("processes"):
            condition.append(
                Meeting.process_id.in_(
                    db.session.scalars(select(Process.id).where(Process.slug.in_(filters["processes"]))).all()
                )
            )
        if filters.get("kinds"):
            condition.append(Meeting.kind.in_(filters["kinds"]))
        return condition

    return FeedSpec(
        f"{base_url}|subscription={subscription.id}",
        "meetings",
        FeedInfo(
            uid=f"feed-subscription-{subscription.id}@{_uid_domain()}",
            name=subscription.name,
            description=f"Meetings for the {mission.name}",
            url=f"{base_url}feeds/{subscription_path(secret)}",
        ),
        subject=subject,
        audience=audience,
        private=True,
    )


# --- rendering and caching ------------------------------------------------------------


@dataclass
class RenderedFeed:
    """A feed as served. Kept compressed only: calendar clients take gzip, and a cache of
    compressed feeds holds about nine times as many (a duty station's private feeds fit)."""

    generation: int
    window_day: str
    rendered_at: float
    gzipped: bytes
    etag: str
    last_modified: datetime
    info: FeedInfo | None = None  # the calendar's own name and description, from the room, mission, ...
    fingerprint: tuple = ()
    failed_at: float | None = None
    settled: bool = True  # see _refreshed: False while last_modified may be older than a change the bytes hold

    @classmethod
    def of(cls, pieces: list[bytes], **fields) -> "RenderedFeed":
        body = b"".join(pieces)
        return cls(gzipped=compression.gzipped(pieces, body), etag=hashlib.sha256(body).hexdigest()[:32], **fields)

    @property
    def body(self) -> bytes:
        """The plain bytes, for the rare client that does not take gzip."""
        return gzip.decompress(self.gzipped)


_cache: OrderedDict[str, RenderedFeed] = OrderedDict()
_cache_lock = threading.Lock()
# Per worker process, compressed: a whole duty station's ten-year feed is about 1 MB, a room's 100 KB.
CACHE_BYTES = 128 * 1024 * 1024
# Even with an unchanged generation, check the feed's fingerprint again after this long (a missed
# bump heals itself).
MAX_CACHE_AGE = 15 * 60


def clear_cache() -> None:
    global _last_stamps
    with _cache_lock:
        _cache.clear()
        _render_locks.clear()
    with _stamps_lock:
        _last_stamps = None
    event_cache.clear()
    compression.clear()


def _in_feed(spec: FeedSpec) -> list:
    """The conditions of the feed's meetings. The bound on `start` (a meeting lasts at most a day)
    lets the database use its index on start instead of reading every meeting ever booked."""
    since = window_start()
    return [
        spec.audience,
        Meeting.status.in_(FEED_STATUSES),
        Meeting.end > since,
        Meeting.start > since - MAX_MEETING_DURATION,
        *spec.condition,
    ]


@dataclass
class FeedRows:
    """A feed's meetings as one check or render reads them: rows of `_event_keys()`, then for a
    meeting without a stored event its `updated_at` as text (such a meeting changes without a new
    version) and the year its meeting ends, without the events' text, in the feed's order; the
    stamps of their generation; and for each (room id, process id) among them, what else their
    events were rendered from (uid domain, room's, venue's and process's updated_at). The loops
    below unpack rows rather than read columns by name: ten times faster over a duty station's
    10,000 rows."""

    rows: list
    stamps: Stamps
    contexts: dict[tuple[int, int | None], tuple]

    @classmethod
    def load(cls, spec: FeedSpec, generation: int) -> "FeedRows":
        # No timestamps: the driver's work on two of them a row was a third of the all-meetings
        # feed's query (the fingerprint only compares updated_at; `_zones` only needs a year).
        changed_without_event = case((Meeting.ical_event.is_(None), cast(Meeting.updated_at, String)))
        query = (
            _event_keys()
            .add_columns(changed_without_event, cast(extract("year", Meeting.end), Integer))
            .where(*_in_feed(spec))
            .order_by(Meeting.start, Meeting.id)
        )
        # On the session's connection, not through the ORM: plain columns, a fifth faster (and no
        # autoflush, which a feed, writing nothing, does not need).
        rows = db.session.connection().execute(query).all()
        places = {(room_id, process_id) for _, _, _, _, room_id, process_id, _, _ in rows}
        stamps, domain = Stamps.at(generation), _uid_domain()
        if not stamps.cover(places):
            stamps = Stamps.load()
        return cls(rows, stamps, {place: (domain, *stamps.of_place(*place)) for place in places})

    def fingerprint(self) -> tuple:
        """A summary of what the feed's events depend on: which meetings, in which order, their
        versions, stored events' keys and last changes, and when their rooms, venues and processes
        last changed (the calendar's own name and the window's day are compared beside it).
        Hashed: compared only within this worker, and made from the rows a render needs anyway
        (no query of its own)."""
        return len(self.rows), hash(tuple(self.rows)), hash(frozenset(self.contexts.items()))


def render(spec: FeedSpec, feed_rows: FeedRows, current: Generation) -> tuple[list[bytes], datetime]:
    """The feed's pieces (its bytes, to be joined) and Last-Modified."""
    events = _checked_events(spec, feed_rows)
    return (assemble(spec.info, _zones(feed_rows.rows, events), events), _last_modified(spec, feed_rows, current))


def _zones(rows, events) -> dict[str, tuple[int, int]]:
    """Each time zone the events use, with the years its VTIMEZONE must be exact for: from the
    year before the window to the year after the zone's last meeting ends (a zone whose rules are
    no RRULE is built year by year: a meeting booked far ahead in another zone must not make it
    cost seconds). Taken from the events themselves: a meeting moved to another venue between
    the queries of a render cannot leave its zone out."""
    used = zones_used(events)
    if not used:
        return {}
    first = (window_start() - MAX_MEETING_DURATION).year - 1
    # Years as the database gives them (in its session's time zone: hours off at most, which the
    # year added covers). Events and rows pair up unless a meeting went between the queries.
    last = dict.fromkeys(used, max(end_year for *_, end_year in rows))
    if len(events) == len(rows):
        last = dict.fromkeys(used, first)
        for event, (*_, end_year) in zip(events, rows):
            for name in event.zones_used:
                last[name] = max(last[name], end_year)
    return {name.decode(): (first, year + 1) for name, year in last.items()}


# What a stored event was rendered from (the inputs of `render_key`) and its stored key: while a
# meeting's state stays the same, so does the event this worker read and checked. A plain tuple
# (ical_key, version, context), context as in FeedRows: a named tuple took three times as long to
# make, 10,000 times a render.
EventState = tuple[str | None, int, tuple]


# Up to this many changed events are read by id; more (a worker's first render of a feed) are
# read with the feed's own condition: a list of thousands of ids costs more to send than it saves.
IDS_PER_QUERY = 500


def _checked_events(spec: FeedSpec, feed_rows: FeedRows) -> list[CheckedPart]:
    """The checked event of each row, in order: from this worker's cache, else read from the
    database and checked now (and rendered now where the stored one is missing or out of date).
    Raises InvalidFeed for an event that fails its check."""
    rows, contexts = feed_rows.rows, feed_rows.contexts
    ids = [meeting_id for meeting_id, *_ in rows]
    states: list[EventState] = [
        (ical_key, version, contexts[room_id, process_id])
        for _, version, ical_key, _, room_id, process_id, _, _ in rows
    ]
    parts = event_cache.known(zip(ids, states))
    missing = {row.id: (row, state) for row, state, part in zip(rows, states, parts) if part is None}
    if not missing:
        return parts
    to_render = set(_stale_ids((row for row, _ in missing.values()), feed_rows.stamps))
    wanted = sorted(missing.keys() - to_render)
    stored = {}
    if wanted:
        where = [Meeting.id.in_(wanted)] if len(wanted) <= IDS_PER_QUERY else _in_feed(spec)
        stored = {
            found.id: found
            for found in db.session.execute(
                select(Meeting.id, Meeting.version, Meeting.ical_key, Meeting.ical_event).where(*where)
            )
        }
    texts, cacheable = {}, []
    for meeting_id in wanted:
        found = stored.get(meeting_id)
        if found is None:
            continue  # deleted since the rows were read: not in the feed
        if found.ical_event is None:
            to_render.add(meeting_id)
            continue
        texts[meeting_id] = found.ical_event
        row, state = missing[meeting_id]
        # A meeting changed since its row was read is used this once and read again next time.
        if (found.ical_key, found.version) == (row.ical_key, row.version):
            cacheable.append(meeting_id)
    if to_render:
        # Loaded in bulk without the app's writes: stored events are refreshed on the next change.
        # Not cached: the state does not hold all that such an event depends on (updated_at).
        log.info("feed %s: rendering %d events that were not stored", spec.key, len(to_render))
        texts.update(
            (meeting.id, checked_event(meeting))
            for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(to_render))).unique()
        )
    checked = dict(zip(texts, checked_events(list(texts.values()))))
    for meeting_id in cacheable:
        event_cache.keep(meeting_id, missing[meeting_id][1], checked[meeting_id])
    return [part or checked[meeting_id] for meeting_id, part in zip(ids, parts) if part or meeting_id in checked]


def _subject_changed(*condition) -> datetime | None:
    # Not max(): beside a join PostgreSQL reads every meeting of the subject for it. Newest first and
    # one row, it reads the index on updated_at until the first match where the subject is busy, and
    # the subject's own index where its statistics say it is quiet (hence plain ids in conditions).
    return db.session.scalar(select(Meeting.updated_at).where(*condition).order_by(Meeting.updated_at.desc()).limit(1))


def _last_modified(spec: FeedSpec, feed_rows: FeedRows, current: Generation) -> datetime:
    """When the feed last changed, at the latest: it must move forward also when a meeting leaves
    the feed (to another room, made non-public, out of the window), else If-Modified-Since would
    keep it in calendars. The moment of the generation the rows were read at is after every
    change made through the app; the newest change among every meeting of the feed's subject
    (whatever its visibility and date) and the stamps cover changes that bumped the generation
    without its moment (plain SQL)."""
    moments = [current.changed_at, _subject_changed(*spec.condition), window_start()]
    for _, room_updated_at, venue_updated_at, process_updated_at in feed_rows.contexts.values():
        moments += [room_updated_at, venue_updated_at, process_updated_at]
    return max(moment for moment in moments if moment is not None)


def _cached(key: str) -> RenderedFeed | None:
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
        return cached


def _render_lock(key: str) -> threading.Lock:
    """One render of a feed at a time in a worker: the other requests wait and take its result."""
    with _cache_lock:
        return _render_locks.setdefault(key, threading.Lock())


_render_locks: dict[str, threading.Lock] = {}


def feed(spec: FeedSpec) -> RenderedFeed:
    """The current bytes of a feed: from the cache while nothing changed, else rendered anew."""
    current = generation()
    day = window_start().date().isoformat()
    cached = _cached(spec.key)
    if (
        cached is not None
        and cached.generation == current.number
        and cached.window_day == day
        and time.monotonic() - cached.rendered_at < MAX_CACHE_AGE
    ):
        return cached
    with _render_lock(spec.key):
        return low_priority.run(_refreshed, spec, current, day)


def _refreshed(spec: FeedSpec, current: Generation, day: str) -> RenderedFeed:
    cached, now = _cached(spec.key), time.monotonic()
    if (
        cached is not None
        and cached.generation == current.number
        and cached.window_day == day
        and now - cached.rendered_at < MAX_CACHE_AGE
    ):
        return cached  # rendered by another request while this one waited
    if cached is not None and cached.failed_at is not None and now - cached.failed_at < RETRY_AFTER_FAILURE:
        return cached  # rendering failed a moment ago: do not retry on every request
    feed_rows = FeedRows.load(spec, current.number)
    # Unmoved since, the generation's moment is at or after every change the rows hold; moved, the
    # rows may hold a later change than it, so a Last-Modified taken from it holds only until a
    # check where it did not move (`settled`).
    settled = generation().number == current.number
    summary = feed_rows.fingerprint()
    if cached is not None and (cached.window_day, cached.fingerprint, cached.info) == (day, summary, spec.info):
        # Something changed somewhere, not in this feed: its bytes stand.
        cached.generation, cached.rendered_at = current.number, now
        if settled and not cached.settled:
            cached.last_modified = max(cached.last_modified, _last_modified(spec, feed_rows, current))
            cached.settled = True
        return cached
    try:
        pieces, last_modified = render(spec, feed_rows, current)
    except Exception:
        log.exception("feed %s could not be rendered", spec.key)
        if cached is not None:
            cached.failed_at = now
            return cached  # the last good bytes
        raise FeedUnavailable(
            "The feed cannot be produced right now; try again later", headers={"Retry-After": str(RETRY_AFTER_FAILURE)}
        )
    rendered = RenderedFeed.of(
        pieces,
        generation=current.number,
        window_day=day,
        rendered_at=time.monotonic(),
        last_modified=last_modified,
        info=spec.info,
        fingerprint=summary,
        settled=settled,
    )
    with _cache_lock:
        _cache[spec.key] = rendered
        _cache.move_to_end(spec.key)
        while len(_cache) > 1 and sum(len(item.gzipped) for item in _cache.values()) > CACHE_BYTES:
            # Its lock goes too: at worst a feed being rendered right now is rendered twice at once.
            _render_locks.pop(next(iter(_cache)), None)
            _cache.popitem(last=False)  # the least recently served
    return rendered


# --- free/busy ------------------------------------------------------------------------

FREEBUSY_DAYS_AHEAD = 366


def room_freebusy(code: str, base_url: str) -> tuple[bytes, str]:
    """Busy intervals of a room (held meetings of any visibility, and blocks), with no titles."""
    room = db.session.scalar(select(Room).where(Room.code == code.upper()))
    if room is None:
        raise NotFound(f"No room {code!r}")
    start = window_start()
    end = start + timedelta(days=current_app.config["FEED_PAST_DAYS"] + FREEBUSY_DAYS_AHEAD)
    meetings = db.session.execute(
        select(Meeting.held_start, Meeting.held_end, Meeting.status).where(
            Meeting.room_id == room.id,
            Meeting.status.in_(HOLDING_STATUSES),
            Meeting.held_end > start,
            Meeting.held_start < end,
        )
    ).all()
    blocks = db.session.execute(
        select(RoomBlock.start, RoomBlock.end).where(
            RoomBlock.room_id == room.id, RoomBlock.end > start, RoomBlock.start < end
        )
    ).all()
    busy = _merged(
        sorted((max(s, start), min(e, end)) for s, e, status in meetings if status == "confirmed")
        + sorted((max(s, start), min(e, end)) for s, e in blocks)
    )
    tentative = _merged(sorted((max(s, start), min(e, end)) for s, e, status in meetings if status == "tentative"))
    periods = sorted([(s, e, "BUSY") for s, e in busy] + [(s, e, "BUSY-TENTATIVE") for s, e in tentative])
    stamp = max(
        room.updated_at,
        _subject_changed(Meeting.room_id == room.id) or start,
        db.session.scalar(select(func.max(RoomBlock.created_at)).where(RoomBlock.room_id == room.id)) or start,
    )
    body = render_freebusy(
        f"freebusy-room-{room.code}@{_uid_domain()}",
        f"{base_url}feeds/rooms/{room.code}.vfb",
        start,
        end,
        periods,
        stamp,
    )
    return body, hashlib.sha256(body).hexdigest()[:32]


def _merged(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[list[datetime]] = []
    intervals = sorted(intervals)
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
