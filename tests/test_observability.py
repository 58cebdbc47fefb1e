"""Logs and metrics: the request id, JSON log lines without secrets, /metrics counting what matters
(summed over gunicorn workers), and reads that survive a dropped database connection."""

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from scheduler import create_app
from scheduler.extensions import db
from scheduler.observability import logs

from .helpers import book, meeting

PROJECT = Path(__file__).resolve().parent.parent


def metric(client, name: str, **labels) -> float:
    """One sample's value on /metrics (0 when the series does not exist yet)."""
    text = client.get("/metrics").get_data(as_text=True)
    return _sample(text, name, labels)


def _sample(text: str, name: str, labels: dict) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


@pytest.fixture
def json_logs(app, capsys):
    """Switch the log handler to JSON; call the fixture for the JSON lines written so far."""
    logs.configure_logging("json")
    capsys.readouterr()
    yield lambda: [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    logs.configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])


# --- request id -----------------------------------------------------------------------


def test_a_sane_request_id_is_echoed_and_any_other_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a:1"}).headers["X-Request-ID"] == "lb-7f3a:1"
    made = {client.get("/healthz").headers["X-Request-ID"] for _ in range(2)}
    assert len(made) == 2 and all(len(request_id) == 32 for request_id in made)
    for insane in ("x" * 129, "a b", '"quoted"', "{json}"):
        echoed = client.get("/healthz", headers={"X-Request-ID": insane}).headers["X-Request-ID"]
        assert echoed != insane and len(echoed) == 32


def test_every_log_line_of_a_request_carries_its_id(app, client, json_logs):
    with app.test_request_context("/anything", headers={"X-Request-ID": "req-inside"}):
        app.preprocess_request()
        logging.getLogger("scheduler.somewhere").warning("something to say")
    client.get("/api/v1/rooms?venue=nowhere", headers={"X-Request-ID": "req-access"})

    lines = json_logs()
    said = next(line for line in lines if line["message"] == "something to say")
    assert said["request_id"] == "req-inside" and said["level"] == "WARNING" and said["time"]
    access = next(line for line in lines if line["logger"] == "scheduler.access")
    assert access["request_id"] == "req-access"
    assert access["method"] == "GET" and access["path"] == "/api/v1/rooms" and access["route"] == "/api/v1/rooms"
    assert isinstance(access["status"], int) and access["duration_ms"] >= 0
    assert "nowhere" not in json.dumps(lines)  # query strings are never logged


def test_a_subscription_token_never_reaches_the_logs(client, mission, json_logs, caplog):
    caplog.set_level(logging.DEBUG)
    created = client.post("/api/v1/subscriptions", json={"name": "Everything"}, headers=mission).json
    path = created["feed_url"].replace("http://localhost", "")
    token = path.removeprefix("/feeds/subscriptions/").removesuffix(".ics")
    served = client.get(path)
    assert served.status_code == 200
    assert client.get(path, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    assert client.get(f"/feeds/subscriptions/{token}x.ics").status_code == 404
    assert client.get(f"/feeds/subscriptions/{token}/wrong").status_code == 404

    lines = json_logs()
    feed_lines = [line for line in lines if line.get("route", "").startswith("/feeds/subscriptions/")]
    assert [line["status"] for line in feed_lines] == [200, 304, 404]
    assert all(line["path"] == "/feeds/subscriptions/[redacted]" for line in feed_lines)
    assert token not in json.dumps(lines) and token not in caplog.text


@pytest.mark.parametrize(
    "spelling", ["/feeds//subscriptions/{}.ics", "/feeds/subscriptions//{}.ics", "/feeds/./subscriptions/{}.ics"]
)
def test_a_feed_secret_spelled_otherwise_is_neither_redirected_nor_logged(client, mission, json_logs, spelling):
    created = client.post("/api/v1/subscriptions", json={"name": "Everything"}, headers=mission).json
    token = created["feed_url"].rsplit("/", 1)[-1].removesuffix(".ics")
    answer = client.get(spelling.format(token))
    assert answer.status_code == 404 and "Location" not in answer.headers
    assert token not in json.dumps(json_logs())


def test_a_line_break_in_a_path_does_not_forge_a_log_line(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/api/v1/nowhere%0aGET /api/v1/rooms 200 0.1 ms")
    access = [record.getMessage() for record in caplog.records if record.name == "scheduler.access"]
    assert access and all("\n" not in line for line in access)
    assert any("\\x0aGET" in line for line in access)


# --- metrics --------------------------------------------------------------------------


def test_metrics_count_bookings_conflicts_and_feeds(client, officer):
    def counts():
        return {
            "created": metric(client, "scheduler_bookings_total", kind="meeting", outcome="created"),
            "refused": metric(client, "scheduler_bookings_total", kind="meeting", outcome="refused"),
            "conflicts": metric(client, "scheduler_booking_conflicts_total", route="/api/v1/meetings"),
            "feed 200": metric(client, "scheduler_feed_requests_total", feed="room", status="200"),
            "feed 304": metric(client, "scheduler_feed_requests_total", feed="room", status="304"),
            "posts timed": metric(
                client, "scheduler_http_request_duration_seconds_count", method="POST", route="/api/v1/meetings"
            ),
        }

    before = counts()
    book(client, officer)
    assert client.post("/api/v1/meetings", json=meeting(title="Clash"), headers=officer).status_code == 409
    feed = client.get("/feeds/rooms/ECOSOC.ics")
    assert feed.status_code == 200
    assert client.get("/feeds/rooms/ECOSOC.ics", headers={"If-None-Match": feed.headers["ETag"]}).status_code == 304
    after = counts()

    assert {name: after[name] - before[name] for name in after} == {
        "created": 1,
        "refused": 1,
        "conflicts": 1,
        "feed 200": 1,
        "feed 304": 1,
        "posts timed": 2,
    }
    assert (
        metric(
            client, "scheduler_http_request_duration_seconds_bucket", method="POST", route="/api/v1/meetings", le="+Inf"
        )
        >= 2
    )


def test_metrics_are_labelled_by_route_never_by_raw_path(client):
    client.get("/feeds/subscriptions/guessed-secret-value.ics")
    client.get("/api/v1/meetings/987654321")
    client.get("/no/such/page-at-all")
    text = client.get("/metrics").get_data(as_text=True)
    assert "guessed-secret-value" not in text and "987654321" not in text and "page-at-all" not in text
    assert (
        _sample(text, "scheduler_http_requests_total", {"route": "/feeds/subscriptions/<token>.ics", "status": "404"})
        >= 1
    )
    assert _sample(text, "scheduler_http_requests_total", {"route": "unmatched", "status": "404"}) >= 1


def test_metrics_can_require_a_token_or_be_switched_off(tmp_path):
    database = f"sqlite:///{tmp_path / 'metrics.sqlite3'}"
    guarded = create_app({"SQLALCHEMY_DATABASE_URI": database, "METRICS_TOKEN": "scrape-secret"}).test_client()
    assert guarded.get("/metrics").status_code == 401
    assert guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    scraped = guarded.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert scraped.status_code == 200 and b"scheduler_bookings_total" in scraped.data

    switched_off = create_app({"SQLALCHEMY_DATABASE_URI": database, "METRICS_ENABLED": False}).test_client()
    assert switched_off.get("/metrics").status_code == 404


def test_without_a_token_metrics_answer_this_machine_only_unless_open(tmp_path):
    database = f"sqlite:///{tmp_path / 'metrics.sqlite3'}"
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    default = create_app({"SQLALCHEMY_DATABASE_URI": database}).test_client()
    assert default.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    assert default.get("/metrics", environ_base=elsewhere).status_code == 401
    forwarded = {"X-Forwarded-For": "203.0.113.9"}  # through a proxy on this machine (TRUSTED_PROXIES unset)
    assert default.get("/metrics", headers=forwarded).status_code == 401
    opened = create_app({"SQLALCHEMY_DATABASE_URI": database, "METRICS_OPEN": True}).test_client()
    assert opened.get("/metrics", environ_base=elsewhere).status_code == 200


def test_metrics_count_no_booking_the_public_may_not_see(client, officer, mission):
    def created():
        return metric(client, "scheduler_bookings_total", kind="meeting", outcome="created")

    before = created()
    book(client, officer, title="Closed talks", visibility="closed", start="2030-06-19T10:00", end="2030-06-19T11:00")
    book(client, mission, title="A request", start="2030-06-20T10:00", end="2030-06-20T11:00")
    assert created() == before
    book(client, officer, title="Open briefing", start="2030-06-21T10:00", end="2030-06-21T11:00")
    assert created() == before + 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_metrics_add_up_every_gunicorn_worker(tmp_path):
    """Two workers, each restarted after 4 requests: 12 requests are served by at least 3 processes,
    some of them gone by the time of the scrape, and /metrics, from any worker, still counts all 12."""
    metrics_dir, port = tmp_path / "metrics", _free_port()
    environ = {
        **os.environ,
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_CMD_ARGS": "--max-requests 4 --no-control-socket",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}",
    }
    output = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "config/gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT,
        env=environ,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/metrics", timeout=2)  # not counted: scrapes pass beside the app
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        for _ in range(12):
            assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
        text = requests.get(f"{base}/metrics", timeout=10).text
    finally:
        server.terminate()
        server.wait(timeout=30)
        output.close()

    assert _sample(text, "scheduler_http_requests_total", {"route": "/healthz", "status": "200"}) == 12
    workers = {path.stem.rsplit("_", 1)[1] for path in metrics_dir.glob("histogram_*.db")}
    assert len(workers) >= 3, workers


# --- reads that survive a dropped connection -------------------------------------------


def test_a_read_runs_again_when_its_connection_dropped_but_a_write_does_not(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'retry.sqlite3'}"})
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) % 2:  # every other call finds its connection gone
            raise OperationalError(
                "SELECT 1", {}, Exception("server closed the connection unexpectedly"), connection_invalidated=True
            )
        return {"calls": len(calls)}

    app.add_url_rule("/flaky", "flaky", flaky, methods=["GET", "POST"])
    client = app.test_client()
    assert client.get("/flaky").json == {"calls": 2}
    written = client.post("/flaky")
    assert written.status_code == 503 and written.headers["Retry-After"] and len(calls) == 3
    with app.app_context():
        db.engine.dispose()


@pytest.mark.committed  # its connection is killed: a test's transaction would go with it
def test_a_read_survives_the_database_killing_its_connection(app, client, backend):
    """A real PostgreSQL backend terminated between the request's pre-ping and its query."""
    if backend != "postgresql":
        pytest.skip("needs PostgreSQL's pg_terminate_backend")
    with app.app_context():
        engine = db.engine
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    killed = []

    def kill_once(connection, cursor, statement, parameters, context, executemany):
        if killed or "rooms" not in statement:
            return
        pid = connection.connection.dbapi_connection.info.backend_pid
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                time.sleep(0.01)
        killed.append(pid)

    retries_before = metric(client, "scheduler_read_retries_total")
    event.listen(engine, "before_cursor_execute", kill_once)
    try:
        response = client.get("/api/v1/rooms")
    finally:
        event.remove(engine, "before_cursor_execute", kill_once)
    assert killed and response.status_code == 200 and response.json
    assert metric(client, "scheduler_read_retries_total") == retries_before + 1


@pytest.mark.slow
def test_idle_connections_do_not_starve_make_runs_server(tmp_path):
    """`make run` serves clients directly: four connections that send half a request and wait must not keep
    a fifth client from being answered (with one thread a worker, they held all four workers)."""
    threads = re.search(r"^MAKE_RUN_THREADS \?= (\d+)$", (PROJECT / "Makefile").read_text(), re.M).group(1)
    port = _free_port()
    environ = {
        **os.environ,
        "WEB_CONCURRENCY": "4",
        "GUNICORN_THREADS": threads,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_CMD_ARGS": "--no-control-socket",
        "FEED_WORKER": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}",
    }
    output = open(tmp_path / "gunicorn.log", "wb")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--config", "config/gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT,
        env=environ,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    idle = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        for _ in range(4):
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            idle.append(connection)
        time.sleep(0.5)
        started = time.monotonic()
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
        assert time.monotonic() - started < 3
    finally:
        for connection in idle:
            connection.close()
        server.terminate()
        server.wait(timeout=30)
        output.close()
