"""The feed worker: one leads and renders each changed feed once for the deployment, every host copies.

In-process rounds (worker.run_round) with the tests' render-on-request switched off, and real
`flask feeds worker` processes, two of them as two hosts would run them, on one database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config.settings import PROJECT_ROOT
from scheduler.extensions import db
from scheduler.feeds import files, worker
from scheduler.feeds.models import FeedDocument, FeedLeader

from .helpers import book


@pytest.fixture
def rounds(app, monkeypatch, tmp_path):
    """Rounds run by hand, as named hosts, each with its own FEED_DIR: `rounds("host-a")`."""
    monkeypatch.setitem(app.config, "FEEDS_RENDER_ON_REQUEST", False)
    monkeypatch.setitem(app.config, "FEED_PRIVATE_INTERVAL", 60)

    def run(holder: str) -> int:
        with monkeypatch.context() as patch:
            patch.setitem(app.config, "FEED_DIR", str(tmp_path / holder))
            with app.app_context():
                return worker.run_round(holder)

    return run


def total_renders(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(FeedDocument.renders), 0)))


def copied(tmp_path, holder: str, key: str) -> bytes:
    import gzip

    return gzip.decompress(Path(files.path_of(tmp_path / holder, key)).read_bytes())


def test_one_worker_renders_and_every_host_copies(app, client, officer, rounds, tmp_path):
    book(client, officer, title="Here", start="2027-06-14T10:00", end="2027-06-14T12:00")
    assert rounds("host-a") == 2  # all.ics and the room's feed, made by the change
    assert rounds("host-b") == 0  # host-a leads
    assert total_renders(app) == 2
    for holder in ("host-a", "host-b"):
        assert b"SUMMARY:Here" in copied(tmp_path, holder, "all.ics")
        assert b"SUMMARY:Here" in copied(tmp_path, holder, "rooms/ECOSOC.ics")
    assert rounds("host-a") == 0  # nothing changed since


def test_a_leader_that_stops_is_replaced(app, client, officer, rounds, clock):
    rounds("host-a")
    book(client, officer, title="Here", start="2027-06-14T10:00", end="2027-06-14T12:00")
    assert rounds("host-b") == 0
    clock.advance(worker.LEAD_SECONDS + 1)  # host-a did not renew its lead
    assert rounds("host-b") == 2


def test_a_private_feed_is_rendered_again_at_most_every_interval(app, client, officer, mission, rounds, clock):
    made = client.post("/api/v1/subscriptions", json={"name": "All"}, headers=mission).json
    book(client, officer, title="First", start="2027-06-14T10:00", end="2027-06-14T12:00")
    rounds("host-a")
    key = f"subscriptions/{made['id']}.ics"
    with app.app_context():
        assert db.session.get(FeedDocument, key).renders == 1
    book(client, officer, title="Second", start="2027-06-15T10:00", end="2027-06-15T12:00")
    rounds("host-a")
    with app.app_context():
        assert db.session.get(FeedDocument, key).renders == 1  # all.ics is rendered at once, this one later
        assert db.session.get(FeedDocument, "all.ics").renders == 2
    clock.advance(61)
    rounds("host-a")
    with app.app_context():
        assert db.session.get(FeedDocument, key).renders == 2


def test_a_revoked_private_feed_is_gone_at_once(app, client, mission, monkeypatch):
    made = client.post("/api/v1/subscriptions", json={"name": "All"}, headers=mission).json
    path = made["feed_url"].removeprefix("http://localhost")
    assert client.get(path).status_code == 200
    monkeypatch.setitem(app.config, "FEEDS_RENDER_ON_REQUEST", False)  # its file is still there
    assert client.delete(f"/api/v1/subscriptions/{made['id']}", headers=mission).status_code == 204
    assert client.get(path).status_code == 404


def test_feeds_follow_the_window_as_days_pass(app, client, officer, rounds, clock, tmp_path):
    from datetime import UTC, datetime, timedelta

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    book(client, officer, title="Soon", start=f"{tomorrow}T10:00", end=f"{tomorrow}T12:00")
    rounds("host-a")
    assert b"SUMMARY:Soon" in copied(tmp_path, "host-a", "all.ics")
    clock.advance((app.config["FEED_PAST_DAYS"] + 3) * 86400)  # no change, only days
    rounds("host-a")
    assert b"SUMMARY:Soon" not in copied(tmp_path, "host-a", "all.ics")


def _worker_process(app, feed_dir: Path) -> subprocess.Popen:
    environ = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "FEED_DIR": str(feed_dir),
        "FEED_POLL_SECONDS": "0.1",
        "FEED_RENDER_NICE": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "feeds", "worker"]
    log = open(feed_dir.parent / f"{feed_dir.name}.log", "wb")  # noqa: SIM115  (the process writes it)
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)


def _outputs(hosts) -> list[str]:
    return [(host.parent / f"{host.name}.log").read_text(errors="replace")[-3000:] for host in hosts]


def _wait_for(condition, seconds: float = 20, explain=lambda: ""):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            pytest.fail(f"gave up waiting after {seconds} s; {explain()}")
        time.sleep(0.05)


def _state(app, processes, hosts) -> str:
    """What the feed workers and the database say, when a wait fails (it failed twice in the full lane, once after
    90 s: this says why next time)."""
    with app.app_context():
        leader = db.session.execute(select(FeedLeader.holder, FeedLeader.until)).all()
        documents = db.session.execute(
            select(func.count(), func.coalesce(func.sum(FeedDocument.version), 0)).select_from(FeedDocument)
        ).one()
        db.session.rollback()
    codes = [process.poll() for process in processes]
    return f"leader {leader}, documents (count, versions) {tuple(documents)}, exit codes {codes}, {_outputs(hosts)}"


@pytest.mark.slow
@pytest.mark.committed
def test_two_worker_processes_render_each_change_once_and_both_copy_it(app, client, officer, tmp_path):
    hosts = [tmp_path / "host-a", tmp_path / "host-b"]
    processes = [_worker_process(app, feed_dir) for feed_dir in hosts]
    try:
        # Each makes every feed there is on start; one renders them, both copy them. Two fresh processes render
        # every feed of the four venues first: beside the full lane's other processes that took over 20 s once.
        _wait_for(
            lambda: all(Path(files.path_of(host, "rooms/ECOSOC.ics")).exists() for host in hosts),
            seconds=90,
            explain=lambda: _state(app, processes, hosts),
        )
        time.sleep(1)  # the first rounds are over
        before = total_renders(app)
        book(client, officer, title="Seen on both", start="2027-06-14T10:00", end="2027-06-14T12:00")
        for feed_dir in hosts:
            _wait_for(lambda feed_dir=feed_dir: b"Seen on both" in copied(feed_dir.parent, feed_dir.name, "all.ics"))
        time.sleep(1)
        assert total_renders(app) - before == 2  # all.ics and the room's: once each, not once per host
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    assert all(process.returncode == 0 for process in processes), _outputs(hosts)


def test_a_private_feed_narrowed_by_kind_follows_only_those_meetings(app, client, officer, mission, rounds, clock):
    made = client.post("/api/v1/subscriptions", json={"name": "Side events", "kinds": ["side_event"]}, headers=mission)
    key = f"subscriptions/{made.json['id']}.ics"
    rounds("host-a")

    def renders():
        with app.app_context():
            return db.session.get(FeedDocument, key).renders

    clock.advance(61)  # past FEED_PRIVATE_INTERVAL: each change below could render it again
    book(client, officer, title="A briefing", start="2027-06-14T10:00", end="2027-06-14T12:00")
    rounds("host-a")
    assert renders() == 1  # not rendered again for a briefing
    book(client, officer, title="A side event", kind="side_event", start="2027-06-15T10:00", end="2027-06-15T12:00")
    rounds("host-a")
    assert renders() == 2


def test_a_round_renders_public_feeds_first_and_private_ones_for_a_while(
    app, client, officer, mission, rounds, monkeypatch
):
    for name in ("One", "Two", "Three"):
        client.post("/api/v1/subscriptions", json={"name": name}, headers=mission)
    book(client, officer, title="Here", start="2027-06-14T10:00", end="2027-06-14T12:00")
    monkeypatch.setattr(worker, "PRIVATE_SECONDS_PER_ROUND", 0)  # one private feed a round
    assert rounds("host-a") == 3  # all.ics, the room's, and one private feed
    assert rounds("host-a") == 1
    assert rounds("host-a") == 1
    assert rounds("host-a") == 0
