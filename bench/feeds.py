"""Benchmark: feeds served beside their limits, and rendered once per change for the whole deployment.

    .venv/bin/python bench/feeds.py [--meetings 10000] [--seconds 10] [--connections 8] [--database-url URL]

Needs wrk and nginx (Debian: `apt-get install wrk nginx-light`), PostgreSQL and Redis on this machine.

In one run, on a throwaway PostgreSQL database with N public meetings (COPY) and the default rooms:
1. `flask feeds render`: every feed rendered once, timed.
2. Two instances of the service, as two hosts would run them: two gunicorn masters (config/gunicorn.conf.py,
   4 sync workers each) on their own ports, each with its own FEED_DIR and its own feed worker, on the one
   database and one Redis (shared rate limits).
3. The references, serving the very same bytes of /feeds/all.ics: a bare Flask app under the same gunicorn
   settings, from memory (bench/bare_flask.py: the limit of this stack), and nginx serving the file directly
   (gzip_static, etag). Then nginx as docs/DEPLOY.md configures it (config/nginx/scheduler.conf) in front of
   the first instance.
4. `wrk -t2 -c<connections> -d<seconds>s` against each: 200 and 304, gzipped and plain. The ratios are the
   targets: the service at least 70% of the bare Flask app; nginx as configured at least 70% of nginx direct.
5. Changes: bookings through the first instance; each is timed from its 201 until the second instance serves
   all.ics with it (p50, p99), and the renders each change cost across both instances are counted in
   feed_documents.renders (target: one per feed the change touches).

This is not a test: it prints figures (docs/PERFORMANCE.md).
"""

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests
from common import (
    Calendar,
    ThrowawayDatabase,
    add_database_argument,
    admin_url,
    bulk_load,
    machine,
    preload_rows,
    working_days,
)

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "config" / "nginx" / "scheduler.conf"
FEED = "/feeds/all.ics"
STATUS_MIX = [("confirmed", 88), ("tentative", 5), ("cancelled", 5), ("postponed", 2)]
KINDS = [("200 gzip", True, False), ("304 gzip", True, True), ("200 plain", False, False), ("304 plain", False, True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, what: str, seconds: float = 60, ok=lambda response: True) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, timeout=5)
            if ok(response):
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer at {url} within {seconds:.0f} s")


class Server:
    """A process started for the run, stopped (SIGTERM, then SIGKILL) at its end."""

    def __init__(self, name: str, command: list[str], env: dict, log_dir: Path):
        self.name, self.log = name, open(log_dir / f"{name}.log", "wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def gunicorn(name: str, app: str, port: int, env: dict, log_dir: Path) -> Server:
    environment = {**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "4"}
    environment.pop("GUNICORN_BIND", None)
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "config/gunicorn.conf.py", app]
    return Server(name, command, environment, log_dir)


def nginx(name: str, config: str, log_dir: Path) -> Server:
    path = log_dir / f"{name}.conf"
    path.write_text(
        f"daemon off; worker_processes 2; pid {log_dir}/{name}.pid; error_log {log_dir}/{name}-error.log;\n"
        f"events {{ worker_connections 1024; }}\n"
        f"http {{ access_log off; client_body_temp_path {log_dir}/{name}-body;\n"
        f"proxy_temp_path {log_dir}/{name}-proxy;\n"
        f"{config}\n}}\n"
    )
    return Server(name, ["nginx", "-c", str(path), "-p", str(log_dir)], dict(os.environ), log_dir)


def deployed_nginx_config(port: int, feed_dir: Path, upstream: int) -> str:
    """config/nginx/scheduler.conf as docs/DEPLOY.md shows it, with this run's ports and directory."""
    text = NGINX_CONF.read_text()
    text = text.replace("/var/lib/scheduler/feeds", str(feed_dir)).replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
    return text.replace("listen 80;", f"listen 127.0.0.1:{port};")


def direct_nginx_config(port: int, feed_dir: Path) -> str:
    return (
        f"server {{ listen 127.0.0.1:{port}; types {{ }} default_type text/calendar;\n"
        f"  location = {FEED} {{ root {feed_dir}/public; gzip_static on; etag on; }} }}"
    )


def wrk(url: str, gzipped: bool, etag: str | None, args) -> float:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", url]
    command += ["-H", "Accept-Encoding: gzip" if gzipped else "Accept-Encoding: identity"]
    if etag:
        command += ["-H", f"If-None-Match: {etag}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"wrk met errors at {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def etag_of(url: str, gzipped: bool) -> str:
    encoding = "gzip" if gzipped else "identity"
    response = requests.get(url, headers={"Accept-Encoding": encoding}, timeout=30, stream=True)
    assert response.status_code == 200, (url, response.status_code)
    response.close()
    return response.headers["ETag"]


def throughput(targets: dict[str, str], args) -> dict[str, dict[str, float]]:
    figures = {}
    for label, url in targets.items():
        figures[label] = {}
        for kind, gzipped, conditional in KINDS:
            etag = etag_of(url, gzipped) if conditional else None
            figures[label][kind] = wrk(url, gzipped, etag, args)
            print(f"    {label:<28} {kind:<10} {figures[label][kind]:>9,.0f} req/s", flush=True)
    return figures


def renders(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT coalesce(sum(renders), 0) FROM feed_documents").fetchone()[0]


def changes(first: str, second: str, token: str, dsn: str, count: int) -> dict:
    """Bookings through the first instance, each timed until the second serves it; renders per change."""
    seen, rendered = [], []
    headers = {"Authorization": f"Bearer {token}"}
    day = datetime.now(UTC).date() + timedelta(days=3 * 366)  # after the loaded meetings
    for number in range(count):
        before = renders(dsn)
        title = f"Change {number} {random.random():.6f}"
        body = {
            "title": title,
            "kind": "briefing",
            "room": "CR-12",
            "start": f"{day + timedelta(days=number)}T19:00",
            "end": f"{day + timedelta(days=number)}T20:00",
            "visibility": "public",
        }
        booked = requests.post(f"{first}/api/v1/meetings", json=body, headers=headers, timeout=30)
        assert booked.status_code == 201, booked.text
        answered = time.perf_counter()
        while title.encode() not in requests.get(f"{second}{FEED}", timeout=30).content:
            if time.perf_counter() - answered > 30:
                raise SystemExit(f"change {number} not served by the second instance within 30 s")
            time.sleep(0.01)
        seen.append(time.perf_counter() - answered)
        time.sleep(1.5)  # both workers' rounds are over: what the change cost is all counted
        rendered.append(renders(dsn) - before)
    ms = sorted(s * 1000 for s in seen)
    return {
        "p50": statistics.median(ms),
        "p99": statistics.quantiles(ms, n=100, method="inclusive")[98],
        "max": ms[-1],
        "renders": sorted(set(rendered)),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=10_000, help="public meetings in all.ics")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of wrk per figure")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--changes", type=int, default=20, help="bookings timed until the other instance shows them")
    parser.add_argument("--seed", type=int, default=20261204, help="random seed")
    add_database_argument(parser)
    args = parser.parse_args(argv)
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is needed: apt-get install wrk nginx-light")
    server = admin_url(args.database_url)
    print(f"Feeds benchmark: {FEED} with {args.meetings:,} public meetings, PostgreSQL, Redis")
    for line in machine(server):
        print("  " + line)
    rng = random.Random(args.seed)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    log_dir.chmod(0o755)  # nginx's workers run as a user of their own
    servers: list[Server] = []
    with ThrowawayDatabase(server) as database:
        database.setup()
        first_day = datetime.now(UTC).date() + timedelta(days=1)
        days = working_days(first_day, first_day + timedelta(days=365 * 2))
        calendar = Calendar([(room_id, room["code"]) for room_id, room in database.rooms.items()], rng, days)
        meetings = calendar.preload(args.meetings, statuses=STATUS_MIX)
        bulk_load(database.dsn, preload_rows(meetings, database.rooms, rng, visibilities=[("public", 1)]))
        shared = {"DATABASE_URL": database.url, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/13"}
        feed_dirs = [log_dir / "feeds-a", log_dir / "feeds-b"]
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "feeds", "render"],
            cwd=ROOT,
            env={**os.environ, **shared, "FEED_DIR": str(feed_dirs[0])},
            check=True,
            capture_output=True,
        )
        print(f"  every feed rendered once (flask feeds render): {time.perf_counter() - started:.1f} s")
        ports = {name: free_port() for name in ("a", "b", "bare", "direct", "deployed")}
        try:
            for name, feed_dir in zip("ab", feed_dirs, strict=True):
                servers.append(gunicorn(name, "wsgi:app", ports[name], {**shared, "FEED_DIR": str(feed_dir)}, log_dir))
            for name in "ab":
                wait_for(f"http://127.0.0.1:{ports[name]}{FEED}", f"instance {name}", ok=lambda r: r.ok)
            plain = feed_dirs[0] / "public" / "feeds" / "all.ics"
            bare = {"BARE_PLAIN": str(plain), "BARE_GZIP": f"{plain}.gz", "FEED_WORKER": "0"}
            servers.append(gunicorn("bare", "bench.bare_flask:app", ports["bare"], bare, log_dir))
            servers.append(nginx("direct", direct_nginx_config(ports["direct"], feed_dirs[0]), log_dir))
            config = deployed_nginx_config(ports["deployed"], feed_dirs[0], ports["a"])
            servers.append(nginx("deployed", config, log_dir))
            for name in ("bare", "direct", "deployed"):
                wait_for(f"http://127.0.0.1:{ports[name]}{FEED}", name, ok=lambda r: r.ok)
            size = plain.stat().st_size
            print(
                f"  {FEED}: {size / 1e6:.2f} MB, gzipped {Path(f'{plain}.gz').stat().st_size / size:.1%}; "
                f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s:"
            )
            targets = {
                "the service (instance a)": f"http://127.0.0.1:{ports['a']}{FEED}",
                "bare Flask, from memory": f"http://127.0.0.1:{ports['bare']}{FEED}",
                "nginx as DEPLOY.md has it": f"http://127.0.0.1:{ports['deployed']}{FEED}",
                "nginx, the file directly": f"http://127.0.0.1:{ports['direct']}{FEED}",
            }
            figures = throughput(targets, args)
            print(f"  {args.changes} bookings through instance a, each until instance b serves it ...", flush=True)
            moved = changes(
                targets["the service (instance a)"].removesuffix(FEED),
                f"http://127.0.0.1:{ports['b']}",
                database.token,
                database.dsn,
                args.changes,
            )
        finally:
            for running in servers:
                running.stop()
    report(figures, moved)
    shutil.rmtree(log_dir, ignore_errors=True)
    return 0


def report(figures: dict, moved: dict) -> None:
    service, bare = figures["the service (instance a)"], figures["bare Flask, from memory"]
    deployed, direct = figures["nginx as DEPLOY.md has it"], figures["nginx, the file directly"]
    print("\n  request      service   bare Flask  ratio (>= 70%)   nginx as deployed   nginx direct  ratio (>= 70%)")
    for kind, *_ in KINDS:
        print(
            f"  {kind:<10} {service[kind]:>9,.0f}  {bare[kind]:>11,.0f}  {service[kind] / bare[kind]:>8.0%}"
            f"  {deployed[kind]:>18,.0f}  {direct[kind]:>13,.0f}  {deployed[kind] / direct[kind]:>8.0%}"
        )
    print(
        f"\n  a change seen by the other instance after its 201: p50 {moved['p50']:.0f} ms, "
        f"p99 {moved['p99']:.0f} ms, max {moved['max']:.0f} ms (targets 1,000 and 2,000 ms)"
    )
    print(f"  renders per change, both instances together: {moved['renders']} (the feeds a booking touches)")


if __name__ == "__main__":
    sys.exit(main())
