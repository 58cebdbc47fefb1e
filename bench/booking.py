"""Benchmark: booking a meeting through the app, against PostgreSQL, with 1,000 and 100,000 meetings booked.

    .venv/bin/python bench/booking.py [--sizes 1000,100000] [--samples 300] [--database-url URL]

For each size the script creates a throwaway database, migrates it (Flask-Migrate `upgrade()`),
seeds the default venue and rooms and makes an officer token with the app's own CLI, bulk-loads
N meetings spread over ten years (COPY, for the preload only), runs VACUUM ANALYZE and CHECKPOINT,
and warms up with a few untimed bookings. Then it books `--samples` meetings per size through
`POST /api/v1/meetings` with the Flask test client, timing each request with `time.perf_counter`,
alternating between the sizes so that the rest of the machine's load weighs on all of them alike.
Every timed booking is at a free time (asserted: 201), the free times being spread over the whole
ten years, so that with 100,000 booked nearly all land on days when the room is already in use.

It prints p50, p99 and mean per size, the ratio of the p50s, the machine, a per-statement profile
of the SQL a booking runs (from a further pass with statement timing) and the PostgreSQL plans of
those statements: the custom plan with EXPLAIN ANALYZE and the booking's own values, and the generic
plan PostgreSQL would use were the statement server-prepared (the app's statements are not: see
docs/PERFORMANCE.md). The databases are dropped at the end.

This is not a test: it prints figures. The requirement it measures (docs/PERFORMANCE.md):
p50(100,000) / p50(1,000) <= 1.5, because the conflict check is index-backed.
"""

import argparse
import contextlib
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import date

import psycopg
from common import (
    BODIES,
    TEMPLATES,
    Calendar,
    ThrowawayDatabase,
    add_database_argument,
    admin_url,
    bulk_load,
    machine,
    preload_rows,
    summary,
    working_days,
)
from sqlalchemy import event, text

from scheduler.extensions import db

FIRST_DAY, LAST_DAY = date(2020, 1, 1), date(2029, 12, 31)  # ten years of calendar
WARMUP = 30  # untimed bookings per size first: imports, SQLAlchemy's compiled-statement cache, the pool
PROFILE_SAMPLES = 60  # bookings with per-statement timing, after the timed ones


# --- requests --------------------------------------------------------------------------


def payload(room, day, name, n, rng) -> dict:
    start_hhmm, end_hhmm, _ = TEMPLATES[name]
    body = {
        "title": f"Bench consultations {n}",
        "kind": "informal_consultations",
        "body": rng.choice(BODIES),
        "room": room["code"],
        "start": f"{day.isoformat()}T{start_hhmm}",
        "end": f"{day.isoformat()}T{end_hhmm}",
        "organizers": [f"Co-facilitator {rng.randint(1, 40)}", "Office of the President of the General Assembly"],
        "expected_participants": min(room["capacity"], rng.randint(20, 200)),
    }
    if "interpretation" in room["features"]:
        body["languages"] = ["en", "fr", "es"]
    return body


def book(client, headers, body) -> float:
    started = time.perf_counter()
    response = client.post("/api/v1/meetings", json=body, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, (response.status_code, body, response.get_data(as_text=True)[:2000])
    return elapsed


# --- statement profile -----------------------------------------------------------------


def label(sql: str) -> str:
    flat = " ".join(sql.split())
    if flat.startswith("INSERT INTO meetings "):
        return "INSERT meetings (+ exclusion constraint)"
    if flat.startswith("INSERT INTO meeting_changes"):
        return "INSERT meeting_changes"
    if "FROM api_tokens" in flat:
        return "SELECT api_tokens (actor)"
    if "FOR SHARE" in flat or "FOR UPDATE" in flat:
        return "SELECT rooms FOR SHARE (lock_rooms)"
    if "FROM room_blocks" in flat:
        return "SELECT room_blocks (hard: blocks)"
    if "FROM meetings" in flat and "held_start <" in flat:
        return "SELECT meetings (hard: conflict check _held_meetings)"
    if "FROM meetings JOIN rooms" in flat:
        return "SELECT meetings (soft: interpretation teams)"
    if "FROM meetings" in flat and "meetings.start <" in flat:
        return "SELECT meetings (soft: organizer busy)"
    if "FROM meetings" in flat and "WHERE meetings.id =" in flat:
        return "SELECT meetings by id (refresh after commit)"
    if "FROM rooms" in flat and "rooms.code =" in flat:
        return "SELECT rooms by code"
    if "FROM rooms" in flat and "WHERE rooms.id =" in flat:
        return "SELECT rooms by id (reloaded after commit)"
    if "FROM time_slots" in flat:
        return "SELECT time_slots"
    match = re.match(r"(\w+)", flat)
    return f"{match.group(1) if match else '?'}: {flat[:60]}"


class StatementTimer:
    def __init__(self, engine):
        self.engine = engine
        self.times = defaultdict(list)
        self.rows = defaultdict(list)
        self.last = {}  # label -> (statement, parameters)
        self._started = {}

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self._started[id(cursor)] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())
        key = label(statement)
        self.times[key].append(elapsed)
        self.rows[key].append(max(cursor.rowcount, 0))
        self.last[key] = (statement, parameters)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.before)
        event.listen(self.engine, "after_cursor_execute", self.after)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.before)
        event.remove(self.engine, "after_cursor_execute", self.after)


def to_numbered(statement: str, parameters: dict) -> tuple[str, list]:
    """pyformat %(name)s -> $n, for PREPARE; returns the values in order."""
    names = []

    def number(match):
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, statement), [parameters[n] for n in names]


def explain(dsn: str, statement: str, parameters: dict) -> dict:
    """Custom plan (EXPLAIN ANALYZE with the values) and generic plan (prepared, force_generic_plan)."""
    plans = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
        plans["custom"] = [r[0] for r in rows]
        numbered, values = to_numbered(statement, parameters)
        try:
            conn.execute("SET plan_cache_mode = force_generic_plan")
            conn.execute("PREPARE bench_stmt AS " + numbered)
            placeholders = ", ".join(["%s"] * len(values))
            cur = psycopg.ClientCursor(conn)
            cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_stmt({placeholders})", values)
            plans["generic"] = [r[0] for r in cur.fetchall()]
        except psycopg.Error as error:
            plans["generic"] = [f"(could not show the generic plan: {error})"]
    return plans


def plan_summary(lines: list[str]) -> str:
    nodes = [re.sub(r"\s+\(cost=.*", "", line.strip().lstrip("-> ").strip()) for line in lines if "(cost=" in line]
    timing = next((line.strip() for line in lines if line.startswith("Execution Time")), "")
    return "; ".join(nodes) + (f"; {timing}" if timing else "")


# --- one size --------------------------------------------------------------------------


class Bench(ThrowawayDatabase):
    """One throwaway database with `size` meetings booked, and the app on it."""

    def __init__(self, admin_url, size: int, seed: int):
        super().__init__(admin_url)
        self.size = size
        self.rng = random.Random(seed)
        self.counter = 0
        self.timings = []

    def prepare(self) -> None:
        """Migrate, seed, make a token (all as operators do), preload, warm up."""
        self.setup()
        self.calendar = Calendar(
            [(room_id, r["code"]) for room_id, r in self.rooms.items()], self.rng, working_days(FIRST_DAY, LAST_DAY)
        )
        started = time.perf_counter()
        bulk_load(self.dsn, preload_rows(self.calendar.preload(self.size), self.rooms, self.rng))
        self.load_seconds = time.perf_counter() - started
        self.client = self.app.test_client()
        self.headers = {"Authorization": f"Bearer {self.token}"}
        for booking in self.calendar.free_bookings(WARMUP, spread=False):
            self.book(booking)

    def book(self, booking) -> float:
        room_id, day, template, _ = booking
        self.counter += 1
        return book(self.client, self.headers, payload(self.rooms[room_id], day, template, self.counter, self.rng))

    def choose(self, samples: int) -> list:
        self.chosen = self.calendar.free_bookings(samples)
        return self.chosen

    def timer(self) -> "StatementTimer":
        with self.app.app_context():
            return StatementTimer(db.engine)

    def report(self, timer: "StatementTimer", profile_timings: list[float]) -> dict:
        """Which plans the app's connection ran, per-statement figures, EXPLAINs, the booking figures."""
        with self.app.app_context():
            # psycopg prepares a statement server-side on its fifth run on a connection, and PostgreSQL
            # may then switch it to a generic plan. Did that happen on the app's own connection?
            prepared = {
                label(row.statement): (row.generic_plans, row.custom_plans)
                for row in db.session.execute(
                    text("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
                )
            }
            db.session.remove()
        statements = {
            key: {
                "count": len(values) / PROFILE_SAMPLES,
                "p50": statistics.median(values) * 1000,
                "rows": statistics.median(timer.rows[key]),
            }
            for key, values in timer.times.items()
        }
        plans = {
            key: explain(self.dsn, statement, parameters)
            for key, (statement, parameters) in timer.last.items()
            if statement.lstrip().upper().startswith("SELECT")
        }
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            rows = conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
            holding = conn.execute(
                "SELECT count(*) FROM meetings WHERE status IN ('tentative', 'confirmed')"
            ).fetchone()[0]
        return {
            "size": self.size,
            "load_seconds": self.load_seconds,
            "timings": summary(self.timings),
            "profile_booking": summary(profile_timings),
            "statements": statements,
            "plans": plans,
            "busy_share": sum(1 for c in self.chosen if c[3]) / len(self.chosen),
            "rows": rows,
            "holding": holding,
            "prepared": prepared,
            "statement": timer.last.get(CONFLICT_KEY, ("", {}))[0],
        }


CONFLICT_KEY = "SELECT meetings (hard: conflict check _held_meetings)"


# --- report ----------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="meetings already booked, comma separated")
    parser.add_argument("--samples", type=int, default=300, help="timed bookings per size")
    add_database_argument(parser)
    parser.add_argument("--seed", type=int, default=20261127, help="random seed")
    args = parser.parse_args(argv)
    if args.samples < 2:
        parser.error("--samples must be at least 2")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    server = admin_url(args.database_url)

    print("Booking benchmark: POST /api/v1/meetings through the Flask test client, PostgreSQL")
    for line in machine(server):
        print("  " + line)
    print(
        f"  {args.samples} timed bookings per size, sizes alternating, after {WARMUP} untimed ones; "
        f"preload spread over {FIRST_DAY}..{LAST_DAY} in the seeded rooms"
    )
    with contextlib.ExitStack() as stack:
        benches = []
        for size in sizes:
            bench = stack.enter_context(Bench(server, size, args.seed))
            bench.prepare()
            bench.choose(args.samples)
            benches.append(bench)
        # The timed bookings alternate between the databases (A B, B A, A B, ...), so that whatever
        # else the machine does at the time weighs on every size alike.
        for i in range(args.samples):
            for bench in benches if i % 2 == 0 else reversed(benches):
                bench.timings.append(bench.book(bench.chosen[i]))
        # Then the same again, fewer and untimed as a whole, with every SQL statement timed.
        profiles = [(bench, bench.timer(), bench.calendar.free_bookings(PROFILE_SAMPLES), []) for bench in benches]
        for i in range(PROFILE_SAMPLES):
            for bench, timer, bookings, timings in profiles if i % 2 == 0 else reversed(profiles):
                with timer:
                    timings.append(bench.book(bookings[i]))
        results = [bench.report(timer, timings) for bench, timer, _, timings in profiles]

    print_results(results)
    return 0


def print_results(results: list[dict]) -> None:
    for result in results:
        size, t = result["size"], result["timings"]
        print(f"\n== {size:,} meetings booked ==")
        print(
            f"  preload: {size:,} rows by COPY + VACUUM ANALYZE + CHECKPOINT in {result['load_seconds']:.1f} s "
            f"({result['holding']:,} of {result['rows']:,} rows hold their room at the end)"
        )
        print(
            f"  timed bookings: {t['n']}, all 201; {result['busy_share']:.0%} on a room-day that already had a meeting"
        )
        print(f"  p50 {t['p50']:.2f} ms   p99 {t['p99']:.2f} ms   mean {t['mean']:.2f} ms   max {t['max']:.2f} ms")
        p = result["profile_booking"]
        print(
            f"  SQL per booking, from {PROFILE_SAMPLES} further bookings with statement timing "
            f"(booking p50 {p['p50']:.2f} ms there): p50 ms of execute + fetch, runs per booking, p50 rows:"
        )
        sql_total = 0.0
        for key, stats in sorted(result["statements"].items(), key=lambda kv: -kv[1]["p50"] * kv[1]["count"]):
            sql_total += stats["p50"] * stats["count"]
            generic, custom = result["prepared"].get(key, (None, None))
            plans = (
                f"server-prepared: {generic} generic / {custom} custom plans"
                if generic is not None
                else "not server-prepared"
            )
            print(f"    {stats['p50']:7.3f} ms  x{stats['count']:.2f}  {stats['rows']:4.0f} rows  {key}  [{plans}]")
        print(f"    {sql_total:7.3f} ms  in SQL per booking; the rest is Python (Flask, marshmallow, SQLAlchemy)")
        print(
            "  plans (EXPLAIN ANALYZE with the booking's own values; generic = prepared with "
            "plan_cache_mode=force_generic_plan, which the app does not use):"
        )
        for key, plans in result["plans"].items():
            print(f"    {key}:")
            print(f"      custom : {plan_summary(plans['custom'])}")
            print(f"      generic: {plan_summary(plans['generic']) or plans['generic'][0]}")

    if results:
        conflict = max(results, key=lambda r: r["size"])
        print(f"\nConflict check ({conflict['size']:,} booked) as the app sends it:")
        print("  " + " ".join(conflict["statement"].split()))
        for kind, lines in conflict["plans"].get(CONFLICT_KEY, {}).items():
            print(f"  {kind} plan:")
            for line in lines:
                print("    " + line)

    print("\nSummary")
    print(f"  {'booked':>9}  {'p50 ms':>8}  {'p99 ms':>8}  {'mean ms':>8}")
    for result in results:
        t = result["timings"]
        print(f"  {result['size']:>9,}  {t['p50']:8.2f}  {t['p99']:8.2f}  {t['mean']:8.2f}")
    if len(results) >= 2:
        small, large = min(results, key=lambda r: r["size"]), max(results, key=lambda r: r["size"])
        ratio = large["timings"]["p50"] / small["timings"]["p50"]
        verdict = "OK" if ratio <= 1.5 else "ABOVE the 1.5 limit"
        print(f"  p50 ratio {large['size']:,} / {small['size']:,}: {ratio:.2f} ({verdict})")


if __name__ == "__main__":
    sys.exit(main())
