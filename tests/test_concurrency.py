"""No double booking under concurrency: many simultaneous requests for one slot, one winner."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import text

from scheduler import conflicts
from scheduler.extensions import db

from .helpers import meeting

SIMULTANEOUS = 24


def _fire_at_once(url: str, headers: dict, bodies: list[dict]) -> list[requests.Response]:
    barrier = threading.Barrier(len(bodies))

    def book(body):
        with requests.Session() as session:
            barrier.wait()
            return session.post(url, json=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(book, bodies))


@pytest.mark.slow
def test_simultaneous_bookings_of_one_slot_have_exactly_one_winner(live_server, officer, client):
    bodies = [meeting(title=f"Request {n}") for n in range(SIMULTANEOUS)]
    responses = _fire_at_once(f"{live_server}/api/v1/meetings", officer, bodies)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (SIMULTANEOUS - 1), statuses
    winner = next(r.json() for r in responses if r.status_code == 201)
    for response in responses:
        if response.status_code == 409:
            body = response.json()
            assert body["code"] == 409
            assert any(c["type"] == "meeting" for c in body["conflicts"])
    booked = client.get("/api/v1/meetings?room=ECOSOC", headers=officer).json
    assert [m["id"] for m in booked] == [winner["id"]]


@pytest.mark.slow
def test_simultaneous_overlapping_bookings_with_different_times(live_server, officer, client):
    """Staggered intervals that all overlap 10:30-11:00: still exactly one holds the room."""
    bodies = [
        meeting(title=f"Request {n}", start=f"2017-06-19T10:{n:02d}", end=f"2017-06-19T11:{n:02d}")
        for n in range(0, 30, 2)
    ]
    responses = _fire_at_once(f"{live_server}/api/v1/meetings", officer, bodies)
    assert sorted(r.status_code for r in responses) == [201] + [409] * (len(bodies) - 1)
    assert len(client.get("/api/v1/meetings?room=ECOSOC", headers=officer).json) == 1


@pytest.fixture
def meetings_indexed_on_every_column(app, backend):
    """Indexes on the columns a booking writes: a booking is one INSERT of its meeting (nothing for the
    feeds writes the row again), so how meetings are indexed cannot make simultaneous bookings deadlock.
    (When bookings stored their calendar event by an UPDATE after the INSERT, an index on it did.)"""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's exclusion constraint")
    columns = ("title", "updated_at", "version", "sequence", "notes")
    with app.app_context():
        for column in columns:
            db.session.execute(text(f"CREATE INDEX ix_test_{column} ON meetings ({column})"))
        db.session.commit()
    yield
    with app.app_context():
        for column in columns:
            db.session.execute(text(f"DROP INDEX ix_test_{column}"))
        db.session.commit()


@pytest.mark.slow
def test_simultaneous_bookings_of_one_slot_do_not_deadlock_however_meetings_are_indexed(
    live_server, officer, client, meetings_indexed_on_every_column
):
    bodies = [meeting(title=f"Request {n}") for n in range(SIMULTANEOUS)]
    responses = _fire_at_once(f"{live_server}/api/v1/meetings", officer, bodies)
    assert sorted(response.status_code for response in responses) == [201] + [409] * (SIMULTANEOUS - 1)
    assert len(client.get("/api/v1/meetings?room=ECOSOC", headers=officer).json) == 1


def test_the_database_refuses_a_double_booking_the_service_missed(client, officer, monkeypatch):
    """With the service's own check switched off, the database constraint (PostgreSQL) or
    trigger (SQLite) still refuses the overlap, and the client gets a 409, not a 500."""
    assert client.post("/api/v1/meetings", json=meeting(), headers=officer).status_code == 201
    monkeypatch.setattr(conflicts, "hard_conflicts", lambda proposal, actor: [])

    response = client.post("/api/v1/meetings", json=meeting(title="Overlap", start="2017-06-19T11:00"), headers=officer)
    assert response.status_code == 409
    assert response.json["code"] == 409
    assert response.json["conflicts"][0]["type"] == "meeting"  # answered like a checked refusal,
    assert "rooms" in response.json["alternatives"]  # alternatives included
    moved = client.post(
        "/api/v1/meetings",
        json=meeting(title="Other", start="2017-06-19T15:00", end="2017-06-19T16:00"),
        headers=officer,
    )
    assert moved.status_code == 201
    clash = client.patch(
        f"/api/v1/meetings/{moved.json['id']}",
        json={"start": "2017-06-19T11:30", "end": "2017-06-19T12:30"},
        headers=officer,
    )
    assert clash.status_code == 409
    assert len(client.get("/api/v1/meetings?room=ECOSOC", headers=officer).json) == 2
