"""What the benchmarks share: a throwaway PostgreSQL database set up as operators do, a calendar of
meetings that never overlap in a room, loading them with COPY, percentiles and the machine's description.

Used by bench/booking.py and bench/feeds.py (each run as `.venv/bin/python bench/<name>.py`).
"""

import contextlib
import io
import logging
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from slugify import slugify  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from config.settings import normalise_database_url  # noqa: E402
from scheduler import create_app  # noqa: E402
from scheduler.extensions import db  # noqa: E402

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
VENUE_ZONE = "America/New_York"  # UNHQ, the seeded venue

# A room's working day cut into units; a meeting takes one or two adjacent units.
# (local start, local end, units taken)
UNITS = ("M1", "M2", "L", "A1", "A2", "E")
TEMPLATES = {
    "morning": ("10:00", "13:00", ("M1", "M2")),
    "afternoon": ("15:00", "18:00", ("A1", "A2")),
    "morning-1": ("10:00", "11:30", ("M1",)),
    "morning-2": ("11:30", "13:00", ("M2",)),
    "afternoon-1": ("15:00", "16:30", ("A1",)),
    "afternoon-2": ("16:30", "18:00", ("A2",)),
    "lunchtime": ("13:15", "14:45", ("L",)),
    "evening": ("18:15", "19:45", ("E",)),
}
TEMPLATE_WEIGHTS = {
    "morning": 30,
    "afternoon": 30,
    "morning-1": 8,
    "morning-2": 8,
    "afternoon-1": 8,
    "afternoon-2": 8,
    "lunchtime": 5,
    "evening": 3,
}
SINGLE_UNIT = {t[2][0]: name for name, t in TEMPLATES.items() if len(t[2]) == 1}
STATUSES = [("confirmed", 86), ("tentative", 5), ("cancelled", 5), ("postponed", 2), ("requested", 2)]
KINDS = [
    ("informal_consultations", 35),
    ("plenary", 15),
    ("informal_informal", 15),
    ("briefing", 12),
    ("side_event", 12),
    ("bilateral", 6),
    ("other", 5),
]
VISIBILITIES = [("public", 70), ("missions", 20), ("closed", 10)]
BODIES = [
    "General Assembly",
    "First Committee",
    "Second Committee",
    "Third Committee",
    "Fourth Committee",
    "Fifth Committee",
    "Sixth Committee",
    "Security Council",
    "Economic and Social Council",
    "Commission on the Status of Women",
    "UNICEF Executive Board",
    "Peacebuilding Commission",
    "Committee on Information",
    "Special Committee on Peacekeeping Operations",
]


def weighted(pairs, rng):
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs], k=1)[0]


def day_weight(day: date) -> float:
    """More meetings in the General Assembly's main part (mid-September to December), fewer in summer."""
    if (day.month == 9 and day.day >= 15) or day.month in (10, 11) or (day.month == 12 and day.day <= 20):
        return 3.0
    if day.month == 3:  # Commission on the Status of Women
        return 2.0
    if day.month in (7, 8):
        return 0.5
    return 1.0


def working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def local_moment(day: date, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZoneInfo(VENUE_ZONE)).astimezone(timezone.utc)


# --- the calendar ----------------------------------------------------------------------


class Calendar:
    """Which units of which room-days are taken: by the preload, then by the timed bookings."""

    def __init__(self, rooms: list[tuple[int, str]], rng: random.Random, days: list[date]):
        self.rooms = rooms
        self.rng = rng
        self.days = days
        self.taken = defaultdict(set)  # (room_id, day) -> units

    def preload(self, count: int, statuses=STATUSES) -> list[tuple]:
        """`count` meetings: (room_id, day, template name, status). No two share a unit of a room-day."""
        population = [(room_id, day) for day in self.days for room_id, _ in self.rooms]
        cumulative, total = [], 0.0
        for _, day in population:
            total += day_weight(day)
            cumulative.append(total)
        names = list(TEMPLATE_WEIGHTS)
        weights = [TEMPLATE_WEIGHTS[n] for n in names]
        meetings, attempts = [], 0
        while len(meetings) < count:
            attempts += 10_000
            if attempts > 100 * count + 100_000:
                raise SystemExit(
                    f"cannot place {count} meetings in {len(self.days)} working days of {len(self.rooms)} rooms"
                )
            picks = self.rng.choices(population, cum_weights=cumulative, k=10_000)
            templates = self.rng.choices(names, weights=weights, k=10_000)
            for key, name in zip(picks, templates):
                units = TEMPLATES[name][2]
                if self.taken[key].isdisjoint(units):
                    self.taken[key].update(units)
                    meetings.append((key[0], key[1], name, weighted(statuses, self.rng)))
                    if len(meetings) == count:
                        break
        return meetings

    def free_bookings(self, count: int, spread: bool = True) -> list[tuple]:
        """`count` free (room_id, day, template name, busy) spread evenly over the calendar's days.

        `busy` says whether the room already had a meeting that day. Each choice is marked taken.
        """
        chosen = []
        for i in range(count):
            lo, hi = 0, len(self.days)
            if spread:  # the i-th of `count` equal stretches of the calendar
                lo = len(self.days) * i // count
                hi = max(len(self.days) * (i + 1) // count, lo + 1)
            for _ in range(1000):
                day = self.days[self.rng.randrange(lo, hi)]
                room_id, _ = self.rng.choice(self.rooms)
                taken = self.taken[(room_id, day)]
                free = [u for u in UNITS if u not in taken]
                if free:
                    unit = self.rng.choice(free)
                    chosen.append((room_id, day, SINGLE_UNIT[unit], bool(taken)))
                    taken.add(unit)
                    break
            else:
                raise SystemExit("no free time found for a booking")
        return chosen


def preload_rows(meetings, rooms_by_id, rng, visibilities=VISIBILITIES):
    """COPY rows (PRELOAD_COLUMNS) for `Calendar.preload`'s meetings."""
    created = datetime(2019, 12, 1, tzinfo=timezone.utc)
    for n, (room_id, day, name, status) in enumerate(meetings, 1):
        start_hhmm, end_hhmm, _ = TEMPLATES[name]
        start, end = local_moment(day, start_hhmm), local_moment(day, end_hhmm)
        body = rng.choice(BODIES)
        kind = weighted(KINDS, rng)
        capacity = rooms_by_id[room_id]["capacity"]
        stamp = min(start - timedelta(days=rng.randint(1, 120)), datetime(2026, 1, 1, tzinfo=timezone.utc))
        stamp = max(stamp, created)
        yield (
            f"{body}: {kind.replace('_', ' ')} {n}",
            kind,
            body,
            slugify(body),
            room_id,
            start,
            end,
            start,
            end,  # held = start/end: the seeded rooms have no setup or teardown
            status,
            "" if status in ("tentative", "confirmed", "requested") else "Rescheduled by the bureau",
            weighted(visibilities, rng),
            "[]",
            rng.randint(10, capacity),
            "[]",
            rng.random() < 0.3,
            "",
            "",
            0,
            1,
            "Meetings Management Section (officer)",
            stamp,
            stamp,
        )


PRELOAD_COLUMNS = (
    "title",
    "kind",
    "body",
    "body_slug",
    "room_id",
    "start",
    "end",
    "held_start",
    "held_end",
    "status",
    "status_reason",
    "visibility",
    "organizers",
    "expected_participants",
    "languages",
    "webcast",
    "description",
    "notes",
    "sequence",
    "version",
    "created_by",
    "created_at",
    "updated_at",
)


def vacuum(dsn: str, table: str = "meetings") -> None:
    """What a production table gets from autovacuum (statistics, visibility map, hint bits), then a
    checkpoint, so that what is timed next does not pay for writing out what was loaded."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"VACUUM (ANALYZE) {table}")
        try:
            conn.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            pass


def bulk_load(dsn: str, rows) -> None:
    """COPY the rows into `meetings` (the exclusion constraint checks each), then VACUUM ANALYZE and CHECKPOINT."""
    columns = ", ".join(f'"{c}"' for c in PRELOAD_COLUMNS)
    with psycopg.connect(dsn, autocommit=True) as conn:
        with conn.cursor() as cur:
            with cur.copy(f"COPY meetings ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    vacuum(dsn)


# --- the database ----------------------------------------------------------------------


def admin_url(database_url: str):
    """The SQLAlchemy URL of an existing database, used only to create and drop the bench's own."""
    return make_url(normalise_database_url(database_url))


def add_database_argument(parser) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_ADMIN_URL),
        help="an existing database on the server, used to create and drop the bench databases "
        f"(default: $BENCH_DATABASE_URL or {DEFAULT_ADMIN_URL})",
    )


class ThrowawayDatabase:
    """A database of its own (`scheduler_bench_<random>`), created on enter and dropped on exit.

    `setup()` makes the app on it and prepares it as operators do: Flask-Migrate's `upgrade()`,
    then `seed` and `tokens create --role officer` through the app's CLI.
    """

    def __init__(self, admin_url):
        self.name = f"scheduler_bench_{uuid.uuid4().hex[:10]}"
        self.admin_dsn = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
        url = admin_url.set(database=self.name)
        self.dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)  # psycopg
        self.url = url.render_as_string(hide_password=False)  # SQLAlchemy (postgresql+psycopg)
        self.app = None
        self.token = None
        self.rooms = {}

    def __enter__(self):
        with psycopg.connect(self.admin_dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        if self.app is not None:
            with self.app.app_context():
                db.session.remove()
                db.engine.dispose()
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def setup(self) -> None:
        """Migrate, seed, make an officer token; `rooms`: UNHQ's, id -> code, capacity, features."""
        self.app = create_app(
            {"SQLALCHEMY_DATABASE_URI": self.url, "RATELIMIT_ENABLED": False}
        )  # measure bookings, not the limiter
        logging.getLogger().setLevel(logging.WARNING)
        with self.app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
                upgrade()
            result = self.app.test_cli_runner().invoke(args=["seed"])
            assert result.exit_code == 0, result.output
            result = self.app.test_cli_runner().invoke(
                args=["tokens", "create", "--role", "officer", "--name", "bench"]
            )
            assert result.exit_code == 0, result.output
            self.token = result.stdout.strip()
            db.session.remove()
        # Only the rooms of the venue whose zone `local_moment` uses: a preloaded meeting elsewhere
        # would be stored at New York's wall time, and a booking there at its own venue's.
        self.load_rooms()

    def load_rooms(self, venue: str = "UNHQ") -> list[tuple[int, str]]:
        """Narrow `rooms` to one venue's, as they are now (after rooms added through the API): (id, code) pairs."""
        with self.app.app_context():
            rows = db.session.execute(
                text(
                    "SELECT rooms.id, rooms.code, rooms.capacity, rooms.features FROM rooms JOIN venues "
                    "ON venues.id = rooms.venue_id WHERE venues.code = :venue ORDER BY rooms.id"
                ),
                {"venue": venue},
            ).all()
            db.session.remove()
        self.rooms = {row.id: {"code": row.code, "capacity": row.capacity, "features": row.features} for row in rows}
        return [(row.id, row.code) for row in rows]


# --- figures ---------------------------------------------------------------------------


def timed(call) -> float:
    """Seconds one request through the test client takes; anything but a 200 stops the benchmark."""
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
    return elapsed


def summary(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "n": len(ms),
        "p50": statistics.median(ms),
        "p99": statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0],
        "mean": statistics.fmean(ms),
        "max": ms[-1],
    }


def machine(admin_url) -> list[str]:
    dsn = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        server = conn.execute("SELECT version()").fetchone()[0]
    cpu = ""
    try:
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    except OSError:
        pass
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return [
        f"nproc: {os.cpu_count()}" + (f" ({cpu})" if cpu else "") + (f"; load average {load}" if load else ""),
        f"python: {platform.python_version()} ({platform.platform()})",
        f"postgresql: {server}",
        f"server: {admin_url.host}:{admin_url.port or 5432}",
    ]
