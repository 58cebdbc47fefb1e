"""Load: a mixed workload for a fixed time against a running server, then a check in SQL that no room is
double-booked.

    .venv/bin/python bench/load.py [--url http://127.0.0.1:8000] [--seconds 60] [--warm-seconds 20]
        [--concurrency 8] [--rate REQUESTS_PER_SECOND] [--mix feed=85,assistant=10,booking=5]
        [--database-url postgresql://postgres@127.0.0.1:5432/scheduler_scale]
        [--token OFFICER_TOKEN] [--secrets-file instance/scale-subscriptions.txt] [--server-pid GUNICORN_PID]
        [--feeds-url http://127.0.0.1:8001 --server-pid FEEDS_GUNICORN_PID]

Meant for `make run`'s gunicorn on the database bench/make_data.py loaded, with rate limits off:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scheduler_scale WEB_CONCURRENCY=4 RATELIMIT_ENABLED=0 make run

Without `--token`, an officer token is made with `flask --app wsgi tokens create` on `--database-url`.
Each of `--concurrency` threads keeps one keep-alive connection (the sync worker, `make run`'s default, closes
it after each answer, so each request goes to whichever worker is free). Without `--rate` (closed loop), each sends
its next request as soon as the last is answered: the server runs saturated, and the figures are its
throughput and the latency of its queue. With `--rate` (open loop), requests arrive at that rate in all,
at random (Poisson) moments, whether or not earlier ones were answered, as calendars and officers do; the
next request due goes to whichever client is free, and its time counts from the moment it was due, so a slow
server is not hidden by clients waiting for it. Give enough clients that some are always free (16 for 20/s).

1. Mixed, `--seconds`:
   - 85% feed polls, as calendar clients make them (gzip accepted; the body is read, not decompressed):
     private subscription feeds 40%, room feeds 25%, body feeds 15%, process feeds 10%, /feeds/all.ics 10%.
     A third of the polls of a feed whose ETag is known send it in If-None-Match (304 when unchanged).
   - 10% the scheduling assistant: a room's availability for a week, rooms free for a slot, a two-week search.
   - 5% bookings (POST /api/v1/meetings as an officer, public, in the months ahead of today that the data
     covers): two thirds at a time no meeting holds (expect 201), one third overlapping a meeting that holds the room
     (moved by half its length: expect 409).
2. Warm, `--warm-seconds`: public feeds only and no writes, after every client polled every public feed once
   (untimed), so that each worker has them cached: what a poll costs when nothing changed.

It prints throughput, p50 and p99 per kind, the 5xx count, and checks in SQL that no two holding meetings
overlap in a room and that every booking answered 201 is stored with its history row. Exit status 0 when the
targets measured are met: zero 5xx, zero overlaps, booking p99 under 100 ms, warm feed p50 under 10 ms.
"""

import argparse
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import TEMPLATES, machine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/scheduler_scale"
DEFAULT_SECRETS_FILE = PROJECT_ROOT / "instance" / "scale-subscriptions.txt"
FEED_PAST_DAYS = 90  # the app's default: feeds hold meetings that ended up to this many days ago
TARGETS = {"booking p99 ms": 100.0, "warm feed p50 ms": 10.0}

MIX = "feed=85,assistant=10,booking=5"
FEED_MIX = [("private", 40), ("room", 25), ("body", 15), ("process", 10), ("all", 10)]
ASSISTANT_MIX = [("room availability", 4), ("free rooms", 3), ("search", 3)]


def parse_mix(text: str) -> list[tuple[str, float]]:
    pairs = [(name.strip(), float(weight)) for name, _, weight in (item.partition("=") for item in text.split(","))]
    if not pairs or {name for name, _ in pairs} - {"feed", "assistant", "booking"} or sum(w for _, w in pairs) <= 0:
        raise argparse.ArgumentTypeError("give e.g. feed=85,assistant=10,booking=5")
    return pairs


def weighted(pairs, rng):
    return rng.choices([name for name, _ in pairs], weights=[weight for _, weight in pairs], k=1)[0]


# --- what the workload draws from ------------------------------------------------------


@dataclass(frozen=True)
class Room:
    id: int
    code: str
    venue: str
    zone: str
    capacity: int
    features: tuple
    setup: timedelta
    teardown: timedelta


@dataclass
class World:
    """The database's rooms, feeds and future bookings, read once before the run."""

    rooms: list[Room]
    feeds: dict[str, list[str]]
    holding: list[tuple]  # (room, start, end) of meetings that hold a room, ahead
    days: list[date]  # working days ahead, within the loaded calendar
    busy: dict = field(default_factory=lambda: defaultdict(list))  # (room id, day) -> [(held start, held end)]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve_free_time(self, rng) -> tuple[Room, datetime, datetime] | None:
        """A room and standard time that no holding meeting overlaps, marked taken so no other thread
        picks it: the booking should get 201."""
        for _ in range(200):
            room, day = rng.choice(self.rooms), rng.choice(self.days)
            template = rng.choice(list(TEMPLATES))
            start, end = local_times(day, template, room.zone)
            held = (start - room.setup, end + room.teardown)
            with self.lock:
                taken = self.busy[(room.id, day)]
                if all(held[1] <= other[0] or held[0] >= other[1] for other in taken):
                    taken.append(held)
                    return room, start, end
        return None


def local_times(day: date, template: str, zone: str) -> tuple[datetime, datetime]:
    start_hhmm, end_hhmm, _ = TEMPLATES[template]
    moments = []
    for hhmm in (start_hhmm, end_hhmm):
        hours, minutes = map(int, hhmm.split(":"))
        moments.append(datetime.combine(day, clock(hours, minutes), tzinfo=ZoneInfo(zone)))
    return moments[0], moments[1]


def read_world(dsn: str, secrets_file: Path) -> World:
    now = datetime.now(timezone.utc)
    window = now - timedelta(days=FEED_PAST_DAYS)
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        rooms = [
            Room(r[0], r[1], r[2], r[3], r[4], tuple(r[5]), timedelta(minutes=r[6]), timedelta(minutes=r[7]))
            for r in conn.execute(
                "SELECT rooms.id, rooms.code, venues.code, venues.timezone, rooms.capacity, rooms.features, "
                "rooms.setup_minutes, rooms.teardown_minutes FROM rooms JOIN venues ON venues.id = rooms.venue_id "
                "WHERE rooms.active ORDER BY rooms.id"
            )
        ]
        # Feeds that calendars would subscribe to: bodies and processes with public meetings in the window.
        bodies = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT body_slug FROM meetings WHERE visibility = 'public' AND requested_by IS NULL "
                "AND \"end\" > %s AND body_slug <> '' ORDER BY 1",
                (window,),
            )
        ]
        processes = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT processes.slug FROM meetings JOIN processes ON processes.id = meetings.process_id "
                "WHERE meetings.visibility = 'public' AND meetings.\"end\" > %s ORDER BY 1",
                (window,),
            )
        ]
        last_day = conn.execute("SELECT max(start) FROM meetings").fetchone()[0]
        held = conn.execute(
            'SELECT room_id, held_start, held_end, start, "end" FROM meetings '
            "WHERE status IN ('tentative', 'confirmed') AND held_end > %s",
            (now,),
        ).fetchall()
    if not rooms or last_day is None:
        raise SystemExit("The database has no rooms or meetings: load it first with bench/make_data.py")
    secrets = read_secrets(secrets_file)
    by_id = {room.id: room for room in rooms}
    first = now.date() + timedelta(days=1)
    days = [first + timedelta(days=n) for n in range((last_day.date() - first).days + 1)]
    world = World(
        rooms=rooms,
        feeds={
            "all": ["/feeds/all.ics"],
            "room": [f"/feeds/rooms/{room.code}.ics" for room in rooms],
            "body": [f"/feeds/bodies/{slug}.ics" for slug in bodies],
            "process": [f"/feeds/processes/{slug}.ics" for slug in processes],
            "private": [f"/feeds/subscriptions/{secret}.ics" for secret in secrets],
        },
        holding=[(by_id[r[0]], r[3], r[4]) for r in held if r[0] in by_id],
        days=[day for day in days if day.weekday() < 5],
    )
    for room_id, held_start, held_end, _, _ in held:
        zone = ZoneInfo(by_id[room_id].zone) if room_id in by_id else timezone.utc
        world.busy[(room_id, held_start.astimezone(zone).date())].append((held_start, held_end))
        world.busy[(room_id, held_end.astimezone(zone).date())].append((held_start, held_end))
    return world


def read_secrets(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise SystemExit(f"No {path}: bench/make_data.py writes the private feeds' secrets there") from None
    return [line.split("\t")[3] for line in lines if line and not line.startswith("#")]


def officer_token(database_url: str) -> str:
    """A new officer token, made with the app's CLI on the same database (the secret is printed once)."""
    flask = Path(sys.executable).parent / "flask"
    result = subprocess.run(
        [str(flask), "--app", "wsgi", "tokens", "create", "--role", "officer", "--name", "bench/load.py"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    if result.returncode != 0:
        raise SystemExit(f"tokens create failed: {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


# --- the workload ----------------------------------------------------------------------


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)  # kind -> seconds
        self.statuses = defaultdict(lambda: defaultdict(int))  # kind -> status -> count
        self.errors = defaultdict(int)  # kind -> exceptions (connection refused, timeouts)
        self.samples_5xx = []
        self.booked_ids = []
        self.unexpected = defaultdict(int)  # what a booking got other than what it expected

    def add(self, kind: str, status: int, seconds: float, body: bytes = b""):
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status >= 500 and len(self.samples_5xx) < 5:
                self.samples_5xx.append((kind, status, body[:300]))


@dataclass
class Phase:
    name: str  # "mixed", or "warm": public feeds only, after each client polled each of them once
    seconds: float
    clients: int
    rate: float | None = None  # open loop: requests a second in all
    seed: int = 1
    stop_at: float = 0.0
    timing_started: float = 0.0

    def __post_init__(self):
        # The clock starts once every client is ready (for "warm": once every client has warmed up).
        self.ready = threading.Barrier(self.clients, action=self.start_clock)
        self.arrivals = random.Random(self.seed)
        self.arrivals_lock = threading.Lock()
        self.last_arrival = 0.0

    def start_clock(self):
        self.timing_started = self.last_arrival = time.perf_counter()
        self.stop_at = time.monotonic() + self.seconds

    def next_arrival(self) -> float:
        """Open loop: when the next request of one Poisson process is due. Whichever client is free
        takes it, so a request waits for the client only when every client is busy."""
        with self.arrivals_lock:
            self.last_arrival += self.arrivals.expovariate(self.rate)
            return self.last_arrival


class Client(threading.Thread):
    def __init__(self, number, args, world, token, results, etags, phase: Phase):
        super().__init__(daemon=True)
        self.rng = random.Random(args.seed * 1000 + number)
        self.args, self.world, self.results, self.etags = args, world, results, etags
        self.phase = phase.name
        self.timing = phase
        self.feed_mix = FEED_MIX if phase.name == "mixed" else [(g, w) for g, w in FEED_MIX if g != "private"]
        self.session = requests.Session()
        self.auth = {"Authorization": f"Bearer {token}"}
        self.due = None  # open loop: when the current request was due (perf_counter)

    def warm_up(self):
        """Each public feed once, untimed, from every client, so that every worker has it cached: a threaded
        worker keeps a client's keep-alive connection; a sync worker closes it, and requests land at random."""
        paths = [path for group, _ in self.feed_mix for path in self.world.feeds[group]]
        self.rng.shuffle(paths)
        for path in paths:
            with contextlib.suppress(requests.RequestException):
                self.timed("GET", path, headers={"Accept-Encoding": "gzip"})

    def run(self):
        if self.phase == "warm":
            self.warm_up()
        self.timing.ready.wait()
        while time.monotonic() < self.timing.stop_at:
            if self.timing.rate:
                self.due = self.timing.next_arrival()
                time.sleep(max(0.0, self.due - time.perf_counter()))
                if time.monotonic() >= self.timing.stop_at:
                    break
            kind = "feed" if self.phase == "warm" else weighted(self.args.mix, self.rng)
            try:
                getattr(self, kind)()
            except requests.RequestException as error:
                with self.results.lock:
                    self.results.errors[f"{kind} ({type(error).__name__})"] += 1
                time.sleep(0.05)

    def record(self, kind: str, response, seconds: float, body: bytes):
        self.results.add(f"{self.phase} {kind}", response.status_code, seconds, body)

    def timed(self, method, path, **kwargs):
        started = time.perf_counter() if self.due is None else self.due
        url = (self.args.feeds_url if path.startswith("/feeds/") else self.args.url) + path
        response = self.session.request(method, url, stream=True, timeout=60, **kwargs)
        body = response.raw.read(decode_content=False)  # what crosses the wire; calendars decompress later
        response.close()
        return response, body, time.perf_counter() - started

    def feed(self):
        group = weighted(self.feed_mix, self.rng)
        path = self.rng.choice(self.world.feeds[group] or self.world.feeds["all"])
        headers = {"Accept-Encoding": "gzip"}
        known = self.etags.get(path)
        conditional = known is not None and self.rng.random() < 1 / 3
        if conditional:
            headers["If-None-Match"] = known
        response, body, seconds = self.timed("GET", path, headers=headers)
        if response.status_code == 200 and response.headers.get("ETag"):
            self.etags[path] = response.headers["ETag"]
        label = "private" if group == "private" else "public"
        self.record(f"feed {label} {'304' if response.status_code == 304 else 'poll'}", response, seconds, body)

    def assistant(self):
        what = weighted(ASSISTANT_MIX, self.rng)
        room, day = self.rng.choice(self.world.rooms), self.rng.choice(self.world.days[:-14])
        if what == "room availability":
            response, body, seconds = self.timed(
                "GET", f"/api/v1/rooms/{room.code}/availability?from={day}&to={day + timedelta(days=6)}"
            )
        elif what == "free rooms":
            response, body, seconds = self.timed(
                "GET",
                f"/api/v1/availability?venue={room.venue}&date={day}"
                f"&slot={self.rng.choice(['morning', 'afternoon'])}&min_capacity={self.rng.choice([20, 60, 120])}",
            )
        else:
            response, body, seconds = self.timed(
                "POST",
                "/api/v1/search",
                json={
                    "venue": room.venue,
                    "duration_minutes": self.rng.choice([60, 90, 120, 180]),
                    "participants": self.rng.choice([20, 60, 120, 300]),
                    "languages": self.rng.choice([[], ["en", "fr"]]),
                    "earliest": day.isoformat(),
                    "latest": (day + timedelta(days=13)).isoformat(),
                    "limit": 10,
                },
                headers=self.auth,  # searching needs a token
            )
        self.record(what, response, seconds, body)

    def booking(self):
        colliding = self.rng.random() < 1 / 3
        if colliding:
            # Moved by half its length, a meeting that holds the room overlaps itself: the room is taken.
            room, start, end = self.rng.choice(self.world.holding)
            zone, shift = ZoneInfo(room.zone), (end - start) / 2
            start, end = (start + shift).astimezone(zone), (end + shift).astimezone(zone)
        else:
            found = self.world.reserve_free_time(self.rng)
            if found is None:
                return
            room, start, end = found
        payload = {
            "title": f"Load test consultations {self.rng.randrange(10**6)}",
            "kind": "informal_consultations",
            "body": "General Assembly",
            "room": room.code,
            "visibility": "public",
            "start": start.replace(tzinfo=None).isoformat(timespec="minutes"),
            "end": end.replace(tzinfo=None).isoformat(timespec="minutes"),
            "expected_participants": min(room.capacity, self.rng.randint(20, 200)),
            "organizers": ["Office of the President of the General Assembly"],
        }
        if "interpretation" in room.features:
            payload["languages"] = ["en", "fr", "es"]
        response, body, seconds = self.timed("POST", "/api/v1/meetings", json=payload, headers=self.auth)
        expected = 409 if colliding else 201
        self.record(f"booking {'colliding' if colliding else 'free'}", response, seconds, body)
        if response.status_code != expected:
            with self.results.lock:
                self.results.unexpected[
                    f"booking {'colliding' if colliding else 'free'}: {response.status_code} {body[:200]!r}"
                ] += 1
        if response.status_code == 201:
            with self.results.lock:
                self.results.booked_ids.append(json.loads(body)["id"])


def cpu_seconds(pids) -> float:
    """CPU seconds the processes used so far (from /proc: they must run on this machine)."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def machine_ticks() -> list[int]:
    """The whole machine's CPU time so far, by kind (/proc/stat: user, nice, system, idle, iowait, irq,
    softirq, steal), or [] off Linux."""
    try:
        return [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return []


def steal_share(before: list[int], after: list[int]) -> float | None:
    """Of the CPU time that passed, the share the hypervisor gave to other machines (steal): the
    cores this machine had were that much slower, whatever the server did."""
    if len(before) < 8 or len(after) < 8:
        return None
    spent = [b - a for a, b in zip(before, after)]
    return spent[7] / sum(spent) if sum(spent) else None


def server_processes(master_pids: list[int] | None, dsn: str) -> tuple[list[str], list[int]]:
    """The gunicorn masters' workers, and the PostgreSQL backends serving the database (the app's pools)."""
    if not master_pids:
        return [], []
    workers = []
    for master_pid in master_pids:
        with contextlib.suppress(OSError):
            workers += Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        backends = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return workers, backends


def run_phase(
    name, seconds, args, world, token, results, etags, dsn
) -> tuple[float, float, float, float, float | None]:
    """Runs the clients; returns the timed seconds, the cores that the client process, the server's
    workers and its PostgreSQL backends used meanwhile (the last two with --server-pid; else 0), and the
    machine's steal share (None off Linux)."""
    phase = Phase(name, seconds, args.concurrency, rate=args.rate, seed=args.seed)
    clients = [Client(n, args, world, token, results, etags, phase) for n in range(args.concurrency)]
    for client in clients:
        client.start()
    while not phase.timing_started and any(client.is_alive() for client in clients):
        time.sleep(0.05)
    workers, backends = server_processes(args.server_pid, dsn)  # the pools are open by now
    cpu, worker_cpu, backend_cpu = resource.getrusage(resource.RUSAGE_SELF), cpu_seconds(workers), cpu_seconds(backends)
    ticks = machine_ticks()
    for client in clients:
        client.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    elapsed = time.perf_counter() - phase.timing_started
    return (
        elapsed,
        (after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime) / elapsed,
        (cpu_seconds(workers) - worker_cpu) / elapsed,
        (cpu_seconds(backends) - backend_cpu) / elapsed,
        steal_share(ticks, machine_ticks()),
    )


# --- the checks ------------------------------------------------------------------------

OVERLAPS = """
SELECT count(*) FROM (
    SELECT held_start, max(held_end) OVER (PARTITION BY room_id ORDER BY held_start, id
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
    FROM meetings WHERE status IN ('tentative', 'confirmed')) AS held
WHERE held_start < earlier_end
"""


def postgres_started(dsn: str) -> datetime:
    """When the PostgreSQL server started: a change during the run explains 503s (the machine is shared)."""
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        return conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]


def check_database(dsn: str, booked_ids: list[int]) -> dict:
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        overlaps = conn.execute(OVERLAPS).fetchone()[0]
        holding = conn.execute("SELECT count(*) FROM meetings WHERE status IN ('tentative', 'confirmed')").fetchone()[0]
        found = conn.execute("SELECT count(*) FROM meetings WHERE id = ANY(%s)", (booked_ids,)).fetchone()[0]
        with_history = conn.execute(
            "SELECT count(DISTINCT meeting_id) FROM meeting_changes WHERE action = 'created' AND meeting_id = ANY(%s)",
            (booked_ids,),
        ).fetchone()[0]
    return {
        "overlaps": overlaps,
        "holding": holding,
        "booked": len(booked_ids),
        "found": found,
        "with_history": with_history,
    }


# --- figures ---------------------------------------------------------------------------


def percentile(ms: list[float], q: int) -> float:
    return statistics.quantiles(ms, n=100, method="inclusive")[q - 1] if len(ms) > 1 else ms[0]


def print_table(results: Results, phases: dict):
    print(f"\n{'kind':34}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses")
    for kind in sorted(results.latencies, key=lambda k: (not k.startswith("mixed"), k)):
        ms = sorted(s * 1000 for s in results.latencies[kind])
        seconds = phases[kind.split()[0]][0]
        statuses = " ".join(f"{status}:{n}" for status, n in sorted(results.statuses[kind].items()))
        print(
            f"{kind:34}{len(ms):7d}{len(ms) / seconds:8.1f}{percentile(ms, 50):9.2f}{percentile(ms, 99):9.1f}"
            f"{ms[-1]:9.1f}  {statuses}"
        )


def combined(results: Results, prefix: str) -> list[float]:
    return sorted(s * 1000 for kind, values in results.latencies.items() if kind.startswith(prefix) for s in values)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=60, help="length of the mixed workload (0: skip it)")
    parser.add_argument(
        "--warm-seconds",
        type=float,
        default=20,
        help="then public feed polls only, no writes, after each client polled each public feed "
        "once: the warm feed figure (0: skip)",
    )
    parser.add_argument(
        "--mix",
        type=parse_mix,
        default=parse_mix(MIX),
        help=f"weights of the mixed workload (default: {MIX}); e.g. booking=1 for bookings alone",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, each with a keep-alive connection")
    parser.add_argument(
        "--rate",
        type=float,
        help="open loop: requests a second in all, at random moments; latency counts from when "
        "each was due (default: closed loop, each client sends as soon as answered)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SCALE_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="the server's database: read before the run, checked after it",
    )
    parser.add_argument("--token", help="an officer token (default: one is made with the app's CLI)")
    parser.add_argument("--secrets-file", type=Path, default=DEFAULT_SECRETS_FILE)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--server-pid",
        type=int,
        action="append",
        help="gunicorn's master process id, on this machine: prints the CPU that its workers and "
        "their PostgreSQL backends used (once per server with --feeds-url)",
    )
    parser.add_argument(
        "--feeds-url",
        help="send the feed polls (/feeds/...) to this server instead of --url: a separate pool, as "
        "docs/DEPLOY.md suggests",
    )
    args = parser.parse_args(argv)
    args.url = args.url.rstrip("/")
    args.feeds_url = (args.feeds_url or args.url).rstrip("/")
    dsn = make_url(args.database_url).set(drivername="postgresql").render_as_string(hide_password=False)

    for url in {args.url, args.feeds_url}:
        ready = requests.get(f"{url}/readyz", timeout=10)
        if ready.status_code != 200:
            raise SystemExit(f"{url}/readyz answered {ready.status_code}: is the server up on this database?")
    world = read_world(dsn, args.secrets_file)
    token = args.token or officer_token(args.database_url)
    print(
        f"{args.url}: {len(world.rooms)} rooms; feeds: "
        + ", ".join(f"{len(v)} {k}" for k, v in world.feeds.items())
        + f"; {len(world.holding):,} holding meetings ahead; bookings over {len(world.days)} working days"
    )

    results, etags = Results(), {}
    postgres_start = postgres_started(dsn)
    phases = {}
    if args.seconds > 0:
        phases["mixed"] = run_phase("mixed", args.seconds, args, world, token, results, etags, dsn)
    if args.warm_seconds > 0:
        phases["warm"] = run_phase("warm", args.warm_seconds, args, world, token, results, etags, dsn)
    checks = check_database(dsn, results.booked_ids)
    if postgres_started(dsn) != postgres_start:
        print("\nNOTE: PostgreSQL restarted during the run (someone else's test?): 503s are expected meanwhile")

    print()
    for line in machine(make_url(args.database_url)):
        print(line)
    for phase, (seconds, client_cores, worker_cores, backend_cores, steal) in phases.items():
        total = len(combined(results, phase))
        load = f"open loop, {args.rate:g} req/s offered" if args.rate else "closed loop"
        print(
            f"{phase}: {total:,} requests in {seconds:.1f} s = {total / seconds:.0f} req/s "
            f"({load}; {args.concurrency} client threads; the client used {client_cores:.2f} cores)"
        )
        if steal is not None:
            print(f"  machine: {steal:.0%} of its CPU time stolen by the hypervisor (other machines' work)")
        if args.server_pid:
            per_request = seconds / max(total, 1) * 1000
            print(
                f"  CPU: gunicorn workers {worker_cores:.2f} cores = {worker_cores * per_request:.1f} ms a request; "
                f"their PostgreSQL backends {backend_cores:.2f} cores = {backend_cores * per_request:.1f} ms a request"
            )
    print_table(results, phases)

    statuses = [(status, n) for kinds in results.statuses.values() for status, n in kinds.items()]
    server_errors = sum(n for status, n in statuses if status >= 500)
    rate_limited = sum(n for status, n in statuses if status == 429)
    bookings = combined(results, "mixed booking")
    warm = combined(results, "warm feed")
    mixed_feeds = combined(results, "mixed feed")
    if mixed_feeds:
        print(
            f"\nfeeds in the mixed workload (all polls): p50 {percentile(mixed_feeds, 50):.2f} ms, "
            f"p99 {percentile(mixed_feeds, 99):.1f} ms"
        )
    print(f"5xx: {server_errors}; 429: {rate_limited}; client errors: {dict(results.errors) or 0}")
    for sample in results.samples_5xx:
        print(f"  5xx sample: {sample}")
    for what, n in results.unexpected.items():
        print(f"  unexpected booking answer ({n}x): {what}")
    if rate_limited:
        print("  429s: start the server with RATELIMIT_ENABLED=0 (or a high RATELIMIT_WRITES) for this benchmark")
    print(f"overlapping holding meetings: {checks['overlaps']} (of {checks['holding']:,} holding)")
    print(
        f"bookings answered 201: {checks['booked']}; in the database: {checks['found']}; "
        f"with their 'created' history row: {checks['with_history']}"
    )

    verdicts = [
        ("zero 5xx", server_errors == 0, f"{server_errors}"),
        ("zero overlaps", checks["overlaps"] == 0, f"{checks['overlaps']}"),
        ("every 201 stored with its history", checks["found"] == checks["with_history"] == checks["booked"], ""),
        (
            "booking p99 < 100 ms",
            percentile(bookings, 99) < TARGETS["booking p99 ms"] if bookings else None,
            f"{percentile(bookings, 99):.1f} ms" if bookings else "no bookings",
        ),
        (
            "warm feed p50 < 10 ms (public feeds, no writes)",
            percentile(warm, 50) < TARGETS["warm feed p50 ms"] if warm else None,
            f"{percentile(warm, 50):.2f} ms" if warm else "no polls",
        ),
    ]
    print()
    for name, met, figure in verdicts:
        print(
            f"{'n/a   ' if met is None else 'met   ' if met else 'MISSED'}  {name}" + (f": {figure}" if figure else "")
        )
    return 0 if all(met is not False for _, met, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
