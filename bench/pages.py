"""Benchmark of the web pages against the API calls behind them, over a busy duty station's year.

A year of UNHQ's 17 seeded rooms with 12,000 meetings in a throwaway PostgreSQL database. Through the
app (Flask test client), each page is timed beside the API list that returns the same meetings:
- the Journal of a day             GET /journal/{day}         vs GET /api/v1/meetings?venue=&from=&to= (anonymous)
- the console's day grid           GET /console/day/{day}     vs the same list as an officer
- the console's week grid          GET /console/week/{day}    vs the week's list as an officer
The target is that no page is slower than its API call by more than rendering HTML costs: the ratio
page / API is printed; p50 and p99 in ms.

    .venv/bin/python bench/pages.py [--meetings 12000] [--samples 200] [--database-url URL]
"""

import argparse
import random
import re
import sys
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
MAX_RATIO = 2.0  # a page may cost at most twice its API call: same queries, plus HTML instead of JSON


def signed_in_client(database: ThrowawayDatabase):
    client = database.app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"token": database.token, "csrf_token": csrf})
    assert response.status_code == 303, response.status_code
    return client


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=12_000)
    parser.add_argument("--samples", type=int, default=200)
    add_database_argument(parser)
    args = parser.parse_args(argv)
    url = admin_url(args.database_url)
    rng = random.Random(2027)
    days = working_days(*YEAR)

    with ThrowawayDatabase(url) as database:
        database.setup()
        rooms = database.load_rooms()
        meetings = Calendar(rooms, rng, days).preload(args.meetings)
        bulk_load(database.dsn, preload_rows(meetings, database.rooms, rng))
        print(f"loaded {len(meetings):,} meetings in {len(rooms)} UNHQ rooms over {YEAR[0]}..{YEAR[1]}")
        public, officer = database.app.test_client(), signed_in_client(database)
        headers = {"Authorization": f"Bearer {database.token}"}

        def api_list(client, first: date, last: date, **kwargs):
            return client.get(f"/api/v1/meetings?venue=UNHQ&from={first}T00:00&to={last}T00:00&page_size=500", **kwargs)

        pairs = {
            "Journal of a day": (
                lambda day: public.get(f"/journal/{day}?venue=UNHQ"),
                lambda day: api_list(public, day, day + timedelta(days=1)),
            ),
            "console day grid": (
                lambda day: officer.get(f"/console/day/{day}?venue=UNHQ"),
                lambda day: api_list(public, day, day + timedelta(days=1), headers=headers),
            ),
            "console week grid": (
                lambda day: officer.get(f"/console/week/{day}?venue=UNHQ"),
                lambda day: api_list(
                    public,
                    day - timedelta(days=day.weekday()),
                    day - timedelta(days=day.weekday() - 7),
                    headers=headers,
                ),
            ),
        }
        results = {}
        for name, (page, api) in pairs.items():
            for _ in range(10):  # warm up
                day = rng.choice(days)
                timed(lambda: page(day))
                timed(lambda: api(day))
            page_times, api_times = [], []
            for _ in range(args.samples):
                day = rng.choice(days)
                page_times.append(timed(lambda: page(day)))
                api_times.append(timed(lambda: api(day)))
            results[name] = (summary(page_times), summary(api_times))

    print()
    for line in machine(url):
        print(line)
    print(
        f"\n{'':22}{'page p50':>10}{'page p99':>10}{'API p50':>10}{'API p99':>10}{'ratio':>8}   "
        f"target: ratio of p50s < {MAX_RATIO}"
    )
    met = True
    for name, (page, api) in results.items():
        ratio = page["p50"] / api["p50"]
        met &= ratio < MAX_RATIO
        print(
            f"{name:22}{page['p50']:10.2f}{page['p99']:10.2f}{api['p50']:10.2f}{api['p99']:10.2f}{ratio:8.2f}   "
            f"{'OK' if ratio < MAX_RATIO else 'MISSED'} ({page['n']} requests each)"
        )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
