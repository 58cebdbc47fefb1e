"""Benchmark of the scheduling assistant: availability and search over a busy duty station's year.

A year of UNHQ with 40 rooms (the 17 seeded ones and 23 more added through the API) and 15,000
meetings, loaded into a throwaway PostgreSQL database. Then, through the app (Flask test client):
- a room's availability for a week   GET /api/v1/rooms/{code}/availability?from=&to=
- rooms free for a date and slot     GET /api/v1/availability?date=&slot=&min_capacity=
- a search over two weeks            POST /api/v1/search
each timed many times at random rooms and dates; prints p50 and p99.

    .venv/bin/python bench/assistant.py [--meetings 15000] [--samples 300] [--database-url URL]
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    Calendar,
    ThrowawayDatabase,
    add_database_argument,
    admin_url,
    bulk_load,  # noqa: E402
    machine,
    preload_rows,
    summary,
    timed,
    working_days,
)

YEAR = (date(2027, 1, 1), date(2027, 12, 31))
EXTRA_ROOMS = 23
TARGETS = {"p50": 20.0, "p99": 100.0}


def add_rooms(database: ThrowawayDatabase) -> list[tuple[int, str]]:
    client = database.app.test_client()
    headers = {"Authorization": f"Bearer {database.token}"}
    rng = random.Random(7)
    for n in range(EXTRA_ROOMS):
        features = rng.choice([[], ["interpretation"], ["interpretation", "webcast"]])
        response = client.post(
            "/api/v1/rooms",
            headers=headers,
            json={
                "code": f"X-{n + 1}",
                "name": f"Extra Room {n + 1}",
                "venue": "UNHQ",
                "capacity": rng.choice([20, 40, 60, 90, 120, 250]),
                "features": features,
            },
        )
        assert response.status_code == 201, response.json
    return database.load_rooms()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=15_000)
    parser.add_argument("--samples", type=int, default=300)
    add_database_argument(parser)
    args = parser.parse_args(argv)
    url = admin_url(args.database_url)
    rng = random.Random(2027)
    days = working_days(*YEAR)

    with ThrowawayDatabase(url) as database:
        database.setup()
        rooms = add_rooms(database)
        loading = time.perf_counter()
        meetings = Calendar(rooms, rng, days).preload(args.meetings)
        bulk_load(database.dsn, preload_rows(meetings, database.rooms, rng))
        print(
            f"loaded {len(meetings):,} meetings in {len(rooms)} UNHQ rooms over {YEAR[0]}..{YEAR[1]} "
            f"in {time.perf_counter() - loading:.1f} s"
        )
        client = database.app.test_client()
        codes = [code for _, code in rooms]

        def room_week():
            first = rng.choice(days)
            return client.get(
                f"/api/v1/rooms/{rng.choice(codes)}/availability?from={first}&to={first + timedelta(days=6)}"
            )

        def free_rooms():
            return client.get(
                f"/api/v1/availability?venue=UNHQ&date={rng.choice(days)}&slot={rng.choice(['morning', 'afternoon'])}"
                f"&min_capacity={rng.choice([20, 60, 120])}"
            )

        def search():
            first = rng.choice(days[:-10])
            return client.post(
                "/api/v1/search",
                headers={"Authorization": f"Bearer {database.token}"},  # searching needs a token
                json={
                    "venue": "UNHQ",
                    "duration_minutes": rng.choice([60, 90, 120, 180]),
                    "participants": rng.choice([20, 60, 120, 300]),
                    "languages": rng.choice([[], ["en", "fr"]]),
                    "earliest": first.isoformat(),
                    "latest": (first + timedelta(days=13)).isoformat(),
                    "limit": 10,
                },
            )

        kinds = {
            "room availability (a week)": room_week,
            "rooms free for a slot": free_rooms,
            "search (two weeks, all rooms)": search,
        }
        for call in kinds.values():  # warm up
            for _ in range(20):
                timed(call)
        results = {name: summary([timed(call) for _ in range(args.samples)]) for name, call in kinds.items()}

    print()
    for line in machine(url):
        print(line)
    print(
        f"\n{'':32}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}   targets: p50 < {TARGETS['p50']:.0f}, "
        f"p99 < {TARGETS['p99']:.0f}"
    )
    met = True
    for name, figures in results.items():
        ok = figures["p50"] < TARGETS["p50"] and figures["p99"] < TARGETS["p99"]
        met &= ok
        print(
            f"{name:32}{figures['p50']:10.2f}{figures['p99']:10.2f}{figures['mean']:10.2f}   "
            f"{'OK' if ok else 'MISSED'} ({figures['n']} requests)"
        )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
