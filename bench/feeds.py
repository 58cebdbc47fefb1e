"""Benchmark: the all-meetings iCalendar feed (/feeds/all.ics) with 10,000 public meetings, against PostgreSQL.

    .venv/bin/python bench/feeds.py [--meetings 10000] [--duration 10] [--clients 4] [--database-url URL]

The script creates a throwaway database, migrates it (Flask-Migrate `upgrade()`), seeds the default
venue and rooms and makes an officer token with the app's own CLI (bench/common.py, as bench/booking.py).
It bulk-loads N public meetings ahead of today, without overlaps, over the 17 seeded UNHQ rooms (COPY),
then renders and stores each meeting's VEVENT as the app does when a meeting is written
(`scheduler.feeds.service.store_event`, inside an app context, one commit), and times that:
it is the cost paid at write time, spread over the bookings in real use.

Then, with the Flask test client in-process, each request timed with `time.perf_counter`:
- first render: the feed cache emptied (`clear_cache()`) before each of `--cold` GETs;
- warm: `--warm` GETs served from the cache (and the same with `Accept-Encoding: gzip`);
- 304: `--not-modified` GETs with `If-None-Match: <the ETag>`;
- the fallback: a cold render while every stored event is stale (ICAL_UID_DOMAIN changed in
  app.config), so that the feed renders all of them itself; no target, shown for what it costs;
- a cProfile of one more cold render, split into its parts.

Then through gunicorn (config/gunicorn.conf.py: WEB_CONCURRENCY=2 workers, its default threads, access log
off, 127.0.0.1 on a free port): requests per second for warm 200s (identity and gzip) and for 304s,
from `--clients` client processes (requests.Session, one connection each) for `--duration` seconds each,
with the CPU time the server workers and the clients used (they share the machine's 2 cores).
gunicorn is stopped and the database dropped at the end.

This is not a test: it prints figures. The requirement (issue 3, docs/PERFORMANCE.md): for 10,000
meetings, first render under 1.5 s, warm response under 50 ms, 304 under 5 ms.
"""

import argparse
import contextlib
import cProfile
import logging
import multiprocessing
import os
import pstats
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from common import (
    Calendar,
    ThrowawayDatabase,
    add_database_argument,
    admin_url,
    bulk_load,
    machine,
    preload_rows,
    summary,
    vacuum,
    working_days,
)
from sqlalchemy import select
from sqlalchemy.orm import undefer

from scheduler.extensions import db
from scheduler.feeds import service
from scheduler.meetings.models import Meeting

ROOT = Path(__file__).resolve().parent.parent
FEED = "/feeds/all.ics"
TARGETS_MS = {"first": 1500.0, "warm": 50.0, "304": 5.0}
# Every meeting in the feed: public, and only statuses that feeds show (no requests).
FEED_STATUS_MIX = [("confirmed", 88), ("tentative", 5), ("cancelled", 5), ("postponed", 2)]
PUBLIC = [("public", 1)]
STALE_DOMAIN = "stale.bench.invalid"


# --- counting what the feed renders itself ------------------------------------------


class FeedLog(logging.Handler):
    """Counts the events a feed had to render because they were not stored (service.render logs
    how many); passes warnings and errors on to stderr."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.rendered = 0

    def emit(self, record):
        if "events that were not stored" in str(record.msg):
            self.rendered += int(record.args[-1])
        elif record.levelno >= logging.WARNING:
            sys.stderr.write(self.format(record) + "\n")


def watch_feed_log() -> FeedLog:
    handler = FeedLog()
    logger = logging.getLogger(service.__name__)
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.propagate = False
    return handler


# --- in-process measurements ------------------------------------------------------


def timed_get(client, headers=None) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(FEED, headers=headers or {})
    response.get_data()
    return time.perf_counter() - started, response


def in_process(app, args, feed_log) -> dict:
    client = app.test_client()
    out = {}

    # First render: the cache emptied before each GET; the stored events are all current.
    cold, before = [], feed_log.rendered
    for _ in range(args.cold):
        service.clear_cache()
        elapsed, response = timed_get(client)
        assert response.status_code == 200, response.status_code
        cold.append(elapsed)
    out["cold"] = cold
    out["cold_fallback_events"] = feed_log.rendered - before
    body = response.get_data()
    out["bytes"] = len(body)
    out["events"] = body.count(b"BEGIN:VEVENT\r\n")
    etag = response.headers["ETag"]

    # Warm: from the cache.
    warm = []
    for _ in range(args.warm):
        elapsed, response = timed_get(client)
        assert response.status_code == 200 and response.headers["ETag"] == etag
        warm.append(elapsed)
    out["warm"] = warm

    # Warm, gzip: the first compresses (once per change), the others serve the compressed bytes.
    gz = []
    for _ in range(args.warm + 1):
        elapsed, response = timed_get(client, {"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
        gz.append(elapsed)
    out["gzip_first"], out["gzip"], out["gzip_bytes"] = gz[0], gz[1:], len(response.get_data())

    # 304.
    not_modified = []
    for _ in range(args.not_modified):
        elapsed, response = timed_get(client, {"If-None-Match": etag})
        assert response.status_code == 304, response.status_code
        not_modified.append(elapsed)
    out["304"] = not_modified

    # The fallback: every stored event stale, the feed renders them all itself.
    domain = app.config["ICAL_UID_DOMAIN"]
    stale, counts = [], []
    try:
        app.config["ICAL_UID_DOMAIN"] = STALE_DOMAIN
        for _ in range(args.stale):
            service.clear_cache()
            before = feed_log.rendered
            elapsed, response = timed_get(client)
            assert response.status_code == 200, response.status_code
            assert f"@{STALE_DOMAIN}".encode() in response.get_data()
            stale.append(elapsed)
            counts.append(feed_log.rendered - before)
    finally:
        app.config["ICAL_UID_DOMAIN"] = domain
        service.clear_cache()
    out["stale"], out["stale_events"] = stale, counts

    # Where a cold render's time goes (cProfile's own overhead inflates every figure here).
    service.clear_cache()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    response = client.get(FEED)
    response.get_data()
    profiler.disable()
    out["profiled_wall"] = time.perf_counter() - started
    out["profile"] = pstats.Stats(profiler)
    timed_get(client)  # leave the cache warm

    # Where a 304's time goes, over 200 of them.
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILED_304):
        client.get(FEED, headers={"If-None-Match": etag})
    profiler.disable()
    out["profile_304"] = pstats.Stats(profiler)
    return out


PROFILED_304 = 200
PROFILE_304_PARTS = [
    ("whole request (Flask test client)", "get", "werkzeug/test.py"),
    ("  service.feed", "feed", "scheduler/feeds/service.py"),
    ("    generation(): SELECT feed_state (connection checkout included)", "generation", "scheduler/feeds/service.py"),
    ("      pool pre-ping (SELECT 1 at checkout: pool_pre_ping=True)", "do_ping", "sqlalchemy/"),
    ("      psycopg execute (both statements, round trips)", "execute", "psycopg/cursor.py"),
    ("  make_conditional (ETag, 304 check)", "make_conditional", "werkzeug/"),
    ("  session teardown (rollback, return to the pool)", "_teardown_session", "flask_sqlalchemy/"),
]


def cumulative(stats: pstats.Stats, function: str, file_part: str = "") -> tuple[float, int]:
    """Cumulative seconds and calls of the functions named `function` in files containing `file_part`."""
    seconds, calls = 0.0, 0
    for (filename, _, name), (_, ncalls, _, ct, _) in stats.stats.items():
        if name == function and file_part in filename:
            seconds += ct
            calls += ncalls
    return seconds, calls


PROFILE_PARTS = [
    # (label, function, file)
    ("whole request (Flask test client)", "get", "werkzeug/test.py"),
    ("  service.feed", "feed", "scheduler/feeds/service.py"),
    ("    generation() (SELECT feed_state)", "generation", "scheduler/feeds/service.py"),
    ("    render()", "render", "scheduler/feeds/service.py"),
    ("      _rows(): SELECT the rows with their stored VEVENTs", "_rows", "scheduler/feeds/service.py"),
    ("        of which psycopg fetch", "fetchall", "sqlalchemy/engine/cursor.py"),
    ("      render_key() per row (staleness check)", "render_key", "scheduler/ical/events.py"),
    ("      checked_event() (events not stored)", "checked_event", "scheduler/feeds/service.py"),
    ("      assemble() (header, VTIMEZONEs, join)", "assemble", "scheduler/ical/calendar.py"),
    ("        vtimezone()", "vtimezone", "scheduler/ical/vtimezone.py"),
    ("      validate() (every line)", "validate", "scheduler/ical/calendar.py"),
    ("  make_conditional (ETag, 304 check)", "make_conditional", "werkzeug/"),
]


def profile_lines(stats: pstats.Stats) -> list[str]:
    lines = []
    for label, function, file_part in PROFILE_PARTS:
        seconds, calls = cumulative(stats, function, file_part)
        if calls:
            lines.append(f"    {label:<62} {seconds * 1000:8.1f} ms  ({calls:,} call{'s' if calls > 1 else ''})")
    hashing = sum(
        ct for (f, _, name), (_, _, _, ct, _) in stats.stats.items() if "sha256" in name and "render_key" not in name
    )
    lines.append(f"    {'  sha256 (ETag of the feed bytes, render keys)':<62} {hashing * 1000:8.1f} ms")
    return lines


def top_lines(stats: pstats.Stats, count: int = 12) -> list[str]:
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:count]
    lines = []
    for (filename, lineno, name), (_, ncalls, tt, ct, _) in rows:
        where = filename
        for marker in ("site-packages/", str(ROOT) + "/"):
            if marker in where:
                where = where.split(marker, 1)[1]
        lines.append(f"    {tt * 1000:8.1f} ms own  {ct * 1000:8.1f} ms cum  {ncalls:>7,}x  {name} ({where}:{lineno})")
    return lines


# --- gunicorn -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_cpu(master_pid: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's children (the workers)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return float("nan")
    for pid in children:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return float("nan"), float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / tick, sum(fields[:8]) / tick


class Gunicorn:
    """`gunicorn --config config/gunicorn.conf.py wsgi:app` on the bench database, 127.0.0.1 only."""

    def __init__(self, database_url: str, uid_domain: str, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY=str(workers),
            GUNICORN_ACCESSLOG="/dev/null",
            ICAL_UID_DOMAIN=uid_domain,
        )
        self.env.pop("GUNICORN_BIND", None)
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
        self.proc = None

    def __enter__(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.proc = subprocess.Popen(
            [str(gunicorn), "--config", "config/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}:\n{self.output()}")
            try:
                requests.get(self.base + "/", timeout=2)  # any HTTP answer will do (a 404 here)
                return self
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not answer within 60 s:\n{self.output()}")
                time.sleep(0.2)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)


def client_loop(url: str, headers: dict, expect: int, raw: bool, start_at: float, duration: float, queue) -> None:
    """One client process: one keep-alive connection, requests back to back from start_at for duration."""
    session = requests.Session()
    latencies, errors, received = [], 0, 0
    while time.time() < start_at:
        time.sleep(0.001)
    cpu = time.process_time()
    end = start_at + duration
    while time.time() < end:
        started = time.perf_counter()
        try:
            response = session.get(url, headers=headers, stream=raw, timeout=30)
            # raw: the bytes as sent (gzip), not decompressed by the client
            content = response.raw.read(decode_content=False) if raw else response.content
            received += len(content)
            ok = response.status_code == expect
        except requests.RequestException:
            ok = False
        latencies.append(time.perf_counter() - started)
        errors += not ok
    queue.put({"latencies": latencies, "errors": errors, "bytes": received, "cpu": time.process_time() - cpu})


def load(server: Gunicorn, headers: dict, expect: int, clients: int, duration: float, raw: bool = False) -> dict:
    context = multiprocessing.get_context("spawn")  # fresh processes: nothing of the parent's app or pool
    queue = context.Queue()
    start_at = time.time() + 3.0  # time for the clients to start
    processes = [
        context.Process(target=client_loop, args=(server.base + FEED, headers, expect, raw, start_at, duration, queue))
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    while time.time() < start_at:
        time.sleep(0.01)
    server_cpu, busy = worker_cpu(server.proc.pid), machine_busy()[0]
    results = [queue.get(timeout=duration + 120) for _ in processes]
    server_cpu, busy = worker_cpu(server.proc.pid) - server_cpu, machine_busy()[0] - busy
    for process in processes:
        process.join()
    latencies = [s for r in results for s in r["latencies"]]
    count = len(latencies)
    return {
        "requests": count,
        "rps": count / duration,
        "errors": sum(r["errors"] for r in results),
        "bytes": sum(r["bytes"] for r in results),
        "latency": summary(latencies),
        "server_cpu": server_cpu / duration,
        "client_cpu": sum(r["cpu"] for r in results) / duration,
        "machine_cpu": busy / duration,  # a little more than the load's duration: the clients report late
    }


def through_gunicorn(db_url: str, uid_domain: str, args) -> dict:
    out = {}
    with Gunicorn(db_url, uid_domain) as server:
        session = requests.Session()
        identity = {"Accept-Encoding": "identity"}
        started = time.perf_counter()
        response = session.get(server.base + FEED, headers=identity, timeout=60)
        out["first"] = time.perf_counter() - started  # one worker renders the feed into its own cache
        assert response.status_code == 200, response.status_code
        etag = response.headers["ETag"]
        gzip_etag = session.get(
            server.base + FEED, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60
        ).headers["ETag"]
        # Every worker has its own cache: warm them all before anything is counted.
        load(server, identity, 200, args.clients, 3.0)
        load(server, {"Accept-Encoding": "gzip"}, 200, args.clients, 2.0, raw=True)
        out["200"] = load(server, identity, 200, args.clients, args.duration)
        out["gzip"] = load(server, {"Accept-Encoding": "gzip"}, 200, args.clients, args.duration, raw=True)
        out["304"] = load(
            server, {"Accept-Encoding": "identity", "If-None-Match": etag}, 304, args.clients, args.duration
        )
        out["304_gzip_etag"] = gzip_etag
        out["threads"] = os.environ.get("GUNICORN_THREADS", "1")  # config/gunicorn.conf.py's default
    return out


# --- main ---------------------------------------------------------------------------


def fmt(ms: float) -> str:
    return f"{ms:,.1f} ms" if ms >= 10 else f"{ms:.2f} ms"


def verdict(value_ms: float, target_ms: float) -> str:
    return "met" if value_ms < target_ms else "MISSED"


def git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "scheduler", "migrations", "config", "wsgi.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"{head}" + (
        f" with uncommitted changes in {', '.join(line[3:] for line in dirty)}"
        if dirty
        else ", clean (scheduler/, migrations/, config/)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=10_000, help="public meetings in the feed")
    parser.add_argument("--years", type=int, default=2, help="the meetings fall in this many years from tomorrow")
    parser.add_argument("--cold", type=int, default=5, help="first renders (cache emptied before each)")
    parser.add_argument("--warm", type=int, default=200, help="warm GETs")
    parser.add_argument("--not-modified", type=int, default=500, help="304 GETs")
    parser.add_argument("--stale", type=int, default=1, help="renders with every stored event stale")
    parser.add_argument("--clients", type=int, default=4, help="client processes against gunicorn")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per gunicorn measurement")
    parser.add_argument("--no-gunicorn", action="store_true", help="only the in-process measurements")
    parser.add_argument("--seed", type=int, default=20261127, help="random seed")
    add_database_argument(parser)
    args = parser.parse_args(argv)
    server = admin_url(args.database_url)

    print(f"Feeds benchmark: GET {FEED} with {args.meetings:,} public meetings, PostgreSQL")
    for line in machine(server):
        print("  " + line)
    print(f"  code: {git_state()}")
    feed_log = watch_feed_log()
    rng = random.Random(args.seed)
    with ThrowawayDatabase(server) as database:
        database.setup()
        app = database.app
        first = datetime.now(timezone.utc).date() + timedelta(days=1)
        days = working_days(first, first.replace(year=first.year + args.years) - timedelta(days=1))
        calendar = Calendar([(room_id, r["code"]) for room_id, r in database.rooms.items()], rng, days)
        started = time.perf_counter()
        meetings = calendar.preload(args.meetings, statuses=FEED_STATUS_MIX)
        bulk_load(database.dsn, preload_rows(meetings, database.rooms, rng, visibilities=PUBLIC))
        load_seconds = time.perf_counter() - started
        print(
            f"  {args.meetings:,} public meetings, {days[0]}..{days[-1]}, {len(database.rooms)} rooms, "
            f"no overlaps: COPY + VACUUM ANALYZE + CHECKPOINT in {load_seconds:.1f} s"
        )

        # The stored VEVENTs, rendered as the app renders them when a meeting is written.
        with app.app_context():
            started = time.perf_counter()
            loaded = (
                db.session.scalars(select(Meeting).options(undefer(Meeting.ical_event)).order_by(Meeting.id))
                .unique()
                .all()
            )
            loaded_at = time.perf_counter()
            for meeting in loaded:
                service.store_event(meeting)
            rendered_at = time.perf_counter()
            db.session.commit()
            committed_at = time.perf_counter()
            uid_domain = app.config["ICAL_UID_DOMAIN"]
            db.session.remove()
        vacuum(database.dsn)
        write_time = {
            "load": loaded_at - started,
            "render": rendered_at - loaded_at,
            "commit": committed_at - rendered_at,
            "count": len(loaded),
        }
        print(
            f"  write-time rendering (store_event, what each booking pays when it is written): "
            f"{write_time['count']:,} events in {write_time['render']:.1f} s = "
            f"{write_time['render'] / write_time['count'] * 1000:.2f} ms per meeting "
            f"(+ {write_time['load']:.1f} s loading the meetings, {write_time['commit']:.1f} s commit)"
        )

        print("  in-process (Flask test client) ...", flush=True)
        local = in_process(app, args, feed_log)
        remote = None
        if not args.no_gunicorn:
            print(
                f"  through gunicorn ({args.clients} client processes, {args.duration:.0f} s per figure) ...",
                flush=True,
            )
            with app.app_context():
                db.session.remove()
                db.engine.dispose()  # nothing of the parent's pool left open while gunicorn runs
            remote = through_gunicorn(database.url, uid_domain, args)

    report(args, local, remote)
    return 0


def report(args, local: dict, remote: dict | None) -> None:
    cold, warm, gz, nm = (summary(local[k]) for k in ("cold", "warm", "gzip", "304"))
    print(
        f"\nFeed: {local['events']:,} VEVENTs, {local['bytes'] / 1e6:.2f} MB "
        f"({local['gzip_bytes'] / 1e3:,.0f} KB gzipped)"
    )
    print(
        f"  first render, cache emptied before each: {', '.join(fmt(s * 1000) for s in local['cold'])}; "
        f"events the feed rendered itself: {local['cold_fallback_events']}"
    )
    print(
        f"  warm 200 (identity): p50 {fmt(warm['p50'])}, p99 {fmt(warm['p99'])}, max {fmt(warm['max'])} of {warm['n']}"
    )
    print(
        f"  warm 200 (gzip): first (compresses once) {fmt(local['gzip_first'] * 1000)}; then p50 "
        f"{fmt(gz['p50'])}, p99 {fmt(gz['p99'])} of {gz['n']}"
    )
    print(f"  304 (If-None-Match): p50 {fmt(nm['p50'])}, p99 {fmt(nm['p99'])}, max {fmt(nm['max'])} of {nm['n']}")
    for seconds, count in zip(local["stale"], local["stale_events"]):
        print(
            f"  FALLBACK, not the normal path: cold render with every stored event stale "
            f"(ICAL_UID_DOMAIN changed): {fmt(seconds * 1000)}, {count:,} events rendered by the feed itself"
        )

    print(
        f"\nOne more cold render under cProfile ({fmt(local['profiled_wall'] * 1000)} wall with the profiler; "
        "cumulative times, inflated by the profiler):"
    )
    for line in profile_lines(local["profile"]):
        print(line)
    print("  top functions by own time:")
    for line in top_lines(local["profile"]):
        print(line)
    print(f"\n{PROFILED_304} 304s under cProfile, per request (cumulative, inflated by the profiler):")
    for label, function, file_part in PROFILE_304_PARTS:
        seconds, calls = cumulative(local["profile_304"], function, file_part)
        if calls:
            print(f"    {label:<66} {seconds * 1000 / PROFILED_304:6.3f} ms  ({calls / PROFILED_304:g} per request)")

    if remote:
        print(f"\nThrough gunicorn (2 workers x {remote['threads']} threads, 127.0.0.1, keep-alive clients):")
        print(f"  first request (one worker renders into its own cache): {fmt(remote['first'] * 1000)}")
        print(
            f"  {'':<22}{'req/s':>8}{'p50':>11}{'p99':>11}{'errors':>8}{'MB/s':>8}"
            f"{'server CPU':>12}{'client CPU':>12}{'machine':>9}"
        )
        for key, name in (("200", "warm 200 (identity)"), ("gzip", "warm 200 (gzip)"), ("304", "304")):
            r = remote[key]
            print(
                f"  {name:<22}{r['rps']:8,.0f}{fmt(r['latency']['p50']):>11}{fmt(r['latency']['p99']):>11}"
                f"{r['errors']:8}{r['bytes'] / args.duration / 1e6:8.1f}"
                f"{r['server_cpu']:11.2f}c{r['client_cpu']:11.2f}c{r['machine_cpu']:8.2f}c"
            )
        print(
            "  (c = cores busy on average: the gunicorn workers, the client processes, the whole machine "
            f"including PostgreSQL; it has {os.cpu_count()})"
        )

    print("\nSummary (targets from issue 3)")
    rows = [
        ("first render (median of cold GETs)", cold["p50"], TARGETS_MS["first"], f"max {fmt(cold['max'])}"),
        ("warm 200 (p99)", warm["p99"], TARGETS_MS["warm"], f"p50 {fmt(warm['p50'])}"),
        ("304 (p99)", nm["p99"], TARGETS_MS["304"], f"p50 {fmt(nm['p50'])}"),
    ]
    for name, value, target, note in rows:
        print(f"  {name:<36} {fmt(value):>11}  target < {fmt(target):>10}  {verdict(value, target):<6}  ({note})")
    if remote:
        print(
            f"  gunicorn req/s: warm 200 {remote['200']['rps']:,.0f} (gzip {remote['gzip']['rps']:,.0f}), "
            f"304 {remote['304']['rps']:,.0f}"
        )


if __name__ == "__main__":
    sys.exit(main())
