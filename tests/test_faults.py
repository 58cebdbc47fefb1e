"""Faults under a booking load: PostgreSQL restarting, a gunicorn worker killed.

The two load tests run `make run`'s gunicorn with several workers against a PostgreSQL server
of this module's own (tests/fault_support.py), book meetings from several client threads, cause
the fault in the middle, and then check in SQL what every answer promised: a booking answered
201 is stored, with its 'created' history row, and no meeting is stored without that row.
The last test makes certain, in-process, a fault the restart test meets only now and then.
"""

import itertools
import json
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import psycopg
import pytest
import requests
from sqlalchemy import text

from scheduler.extensions import db
from scheduler.meetings import service as meetings_service

from .fault_support import Gunicorn, PrivatePostgres, flask_command, wait_until
from .helpers import meeting

WORKERS = 3
CLIENTS = 4
# Enough bookings before, during and after a fault to show the service carried on.
BOOKINGS_PER_PHASE = 15
# Answers of one request to ask for while PostgreSQL is down.
OUTAGE_ANSWERS = 10
KILLS = 3
WAIT = 90  # seconds, the bound of every wait: generous, for a busy 2-core machine
FIRST_MONDAY = date(2031, 1, 6)
SERVICE_UNAVAILABLE = 503


@dataclass(frozen=True)
class Answer:
    number: int  # which booking (its title and day)
    status: int | None  # None: no HTTP answer at all (the connection broke)
    headers: dict
    text: str


def booking(number: int) -> dict:
    """A booking of its own weekday, 10:00-11:00 in ECOSOC: no two of them collide."""
    day = FIRST_MONDAY + timedelta(weeks=number // 5, days=number % 5)
    return {
        "title": f"Fault test booking {number}",
        "kind": "briefing",
        "room": "ECOSOC",
        "start": f"{day}T10:00",
        "end": f"{day}T11:00",
        "visibility": "public",
    }


class BookingLoad:
    """CLIENTS threads, each booking one new slot after another until stopped; every answer kept."""

    def __init__(self, base_url: str, token: str):
        self.url = f"{base_url}/api/v1/meetings"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.answers: list[Answer] = []
        self._numbers = itertools.count()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._book, daemon=True) for _ in range(CLIENTS)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _book(self):
        with requests.Session() as session:
            while not self._stop.is_set():
                number = next(self._numbers)
                try:
                    response = session.post(self.url, json=booking(number), headers=self.headers, timeout=60)
                except requests.RequestException as error:
                    self.answers.append(Answer(number, None, {}, repr(error)))
                else:
                    self.answers.append(Answer(number, response.status_code, dict(response.headers), response.text))
                    if response.status_code == 201:
                        continue
                # Back off a little, as a client should: no busy loop while the service cannot book.
                time.sleep(0.05)

    def count(self, status: int | None, since: int = 0) -> int:
        return sum(1 for answer in self.answers[since:] if answer.status == status)


@dataclass
class Service:
    server: Gunicorn
    token: str
    database: str


@pytest.fixture(scope="module")
def private_postgres():
    server = PrivatePostgres()
    try:
        server.initialise()
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def prepared_database(private_postgres):
    """A database migrated and seeded with the CLI, as operators do it, holding an officer's token:
    the template of each test's own database (copying it takes a moment, the CLI seconds)."""
    name = "faults_template"
    database_url = private_postgres.create_database(name)
    flask_command(database_url, "db", "upgrade")
    flask_command(database_url, "seed")
    token = flask_command(database_url, "tokens", "create", "--role", "officer", "--name", "Fault tests")
    return name, token.strip().splitlines()[-1]


@pytest.fixture
def service(private_postgres, prepared_database):
    """A copy of the prepared database for this test alone, and gunicorn serving it."""
    if not private_postgres.is_running():  # an earlier test failed while PostgreSQL was down
        private_postgres.start()
    template, token = prepared_database
    name = f"faults_{uuid.uuid4().hex[:12]}"
    database_url = private_postgres.create_database(name, template=template)
    server = Gunicorn(database_url, private_postgres.directory, WORKERS)
    try:
        server.wait_until_serving(WORKERS, timeout=WAIT)
        yield Service(server, token, name)
    finally:
        server.stop()
        print(f"gunicorn's log:\n{server.log_excerpt()}")  # pytest shows it when the test failed


def stored_bookings(private_postgres, database: str) -> dict[int, tuple[str, bool]]:
    """Every stored meeting: id -> (title, whether its 'created' history row exists)."""
    with private_postgres.connect(database) as connection:
        rows = connection.execute(
            "SELECT m.id, m.title, EXISTS (SELECT 1 FROM meeting_changes c"
            "                              WHERE c.meeting_id = m.id AND c.action = 'created')"
            " FROM meetings m"
        ).fetchall()
    return {meeting_id: (title, created) for meeting_id, title, created in rows}


def assert_every_201_stored_with_history(answers: list[Answer], stored: dict):
    acknowledged = [answer for answer in answers if answer.status == 201]
    missing = []
    for answer in acknowledged:
        meeting_id = json.loads(answer.text)["id"]
        if stored.get(meeting_id) != (booking(answer.number)["title"], True):
            missing.append((answer.number, meeting_id, stored.get(meeting_id)))
    assert not missing, f"answered 201 but not stored with its history (number, id, stored): {missing[:10]}"
    partial = sorted(meeting_id for meeting_id, (_, created) in stored.items() if not created)
    assert not partial, f"meetings without their 'created' history row: {partial[:20]}"


def unexpected(answers: list[Answer], allowed: set, stored: dict) -> list[str]:
    """The answers of a status not allowed, each saying whether its booking was stored all the same."""
    titles = {title for title, _ in stored.values()}
    return [
        f"booking {answer.number}: {answer.status}, stored: {booking(answer.number)['title'] in titles}, "
        f"{answer.text[:200]!r}"
        for answer in answers
        if answer.status not in allowed
    ]


@pytest.mark.slow
def test_a_postgresql_restart_answers_503_recovers_and_keeps_every_booking(private_postgres, service):
    with BookingLoad(service.server.url, service.token) as load:
        wait_until(lambda: load.count(201) >= BOOKINGS_PER_PHASE, WAIT, "bookings before the restart")
        private_postgres.stop()
        down = len(load.answers)
        try:
            # Down until the clients have met the outage, however slow this machine is today.
            wait_until(
                lambda: load.count(SERVICE_UNAVAILABLE, since=down) >= OUTAGE_ANSWERS,
                WAIT,
                "503 answers while PostgreSQL is down",
            )
        finally:
            private_postgres.start()
        up = len(load.answers)
        wait_until(
            lambda: load.count(201, since=up) >= BOOKINGS_PER_PHASE,
            WAIT,
            "bookings after the restart, without restarting the service",
        )

    stored = stored_bookings(private_postgres, service.database)
    wrong = unexpected(load.answers, {201, SERVICE_UNAVAILABLE}, stored)
    assert not wrong, wrong[:10]
    for answer in load.answers:
        if answer.status == SERVICE_UNAVAILABLE:
            assert int(answer.headers.get("Retry-After", "0")) > 0, answer
            assert answer.headers.get("Content-Type", "").startswith("application/json"), answer
            assert "Traceback" not in answer.text and 'File "' not in answer.text, answer
            assert json.loads(answer.text)["code"] == SERVICE_UNAVAILABLE, answer
    assert_every_201_stored_with_history(load.answers, stored)
    assert requests.get(f"{service.server.url}/readyz", timeout=30).status_code == 200


@pytest.mark.slow
def test_a_worker_killed_mid_booking_leaves_no_partial_meeting(private_postgres, service):
    with BookingLoad(service.server.url, service.token) as load:
        for kill in range(KILLS):
            wait_until(
                lambda: load.count(201) >= BOOKINGS_PER_PHASE * (kill + 1), WAIT, f"bookings before kill {kill + 1}"
            )
            victim = service.server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            # The master replaces the worker; the clients carry on meanwhile.
            wait_until(
                lambda: victim not in service.server.worker_pids() and len(service.server.worker_pids()) == WORKERS,
                WAIT,
                f"a worker in place of {victim}",
            )
        after = len(load.answers)
        wait_until(lambda: load.count(201, since=after) >= BOOKINGS_PER_PHASE, WAIT, "bookings after the kills")

    # A request in a killed worker gets no HTTP answer (None); nothing may answer 5xx.
    stored = stored_bookings(private_postgres, service.database)
    wrong = unexpected(load.answers, {201, None}, stored)
    assert not wrong, wrong[:10]
    assert_every_201_stored_with_history(load.answers, stored)


@pytest.mark.committed  # its connection is ended: a test's transaction would go with it
def test_a_connection_postgresql_ends_after_the_commit_still_answers_201(app, client, officer, backend, monkeypatch):
    """What the restart test meets now and then, made certain: PostgreSQL ends the connection after
    the booking is committed, while the request reads the meeting again for its answer. The booking
    is stored; its answer must say so, not be a 500 from closing the session on a dead connection."""
    if backend != "postgresql":
        pytest.skip("only PostgreSQL ends a client's connection")
    read_for_the_answer = meetings_service.etag

    def etag_then_connection_ended(booked):
        value = read_for_the_answer(booked)  # after the commit: a new transaction, on a pooled connection
        backend_pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        dsn = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s, 10000)", (backend_pid,))  # waits until it is gone
        return value

    monkeypatch.setattr(meetings_service, "etag", etag_then_connection_ended)
    response = client.post("/api/v1/meetings", json=meeting(), headers=officer)
    assert response.status_code == 201, response.text
