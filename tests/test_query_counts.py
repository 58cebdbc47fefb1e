"""What the hot paths cost in SQL statements, pinned: a change that adds a statement to one of them fails
here, and one that saves a statement updates the figure. Transaction control is not counted (see
`count_queries` in conftest.py). The differences between the databases: PostgreSQL takes the room's
row lock in a statement of its own (SQLite's writes are serialized by BEGIN IMMEDIATE). A booking
writes its meeting once, and one row for the feeds to follow (scheduler/feeds/tracking.py)."""

import pytest

from .helpers import book, meeting

# Every soft rule has something to read: organizers, interpretation, participants.
BOOKING = {"organizers": ["QAT", "BEL"], "languages": ["en", "fr"], "expected_participants": 120}


@pytest.fixture
def booked(client, officer):
    """A busy week around the bookings below, in the room they ask for and in others."""
    for day in range(19, 24):
        book(
            client, officer, title=f"Morning {day}", start=f"2017-06-{day}T10:00", end=f"2017-06-{day}T13:00", **BOOKING
        )
        book(
            client,
            officer,
            title=f"Elsewhere {day}",
            room="CR-4",
            start=f"2017-06-{day}T15:00",
            end=f"2017-06-{day}T18:00",
            **BOOKING,
        )


@pytest.mark.parametrize("expected", [{"sqlite": 13, "postgresql": 14}])
def test_a_booking(client, officer, count_queries, backend, booked, expected):
    with count_queries() as queries:
        book(client, officer, title="Afternoon", start="2017-06-19T15:00", end="2017-06-19T17:00", **BOOKING)
    assert len(queries) == expected[backend], queries


@pytest.mark.parametrize("expected", [{"sqlite": 12, "postgresql": 13}])
def test_a_refused_booking_with_its_alternatives(client, officer, count_queries, backend, booked, expected):
    with count_queries() as queries:
        refused = client.post(
            "/api/v1/meetings",
            headers=officer,
            json=meeting(title="Clash", start="2017-06-19T11:00", end="2017-06-19T12:00", **BOOKING),
        )
    assert refused.status_code == 409 and refused.json["alternatives"]["rooms"]
    assert len(queries) == expected[backend], queries


def test_a_check_of_a_booking(client, officer, count_queries, booked):
    with count_queries() as queries:
        checked = client.post(
            "/api/v1/meetings/check",
            headers=officer,
            json=meeting(title="Clash", start="2017-06-19T11:00", end="2017-06-19T12:00", **BOOKING),
        )
    assert checked.status_code == 200 and checked.json["conflicts"]
    assert len(queries) == 17, queries


@pytest.mark.parametrize("path", ["/feeds/all.ics", "/feeds/rooms/ECOSOC.ics"])
def test_a_public_feed_is_answered_from_its_file(app, client, count_queries, booked, monkeypatch, path):
    first = client.get(path)  # rendered first (in tests, a feed request renders what changed)
    monkeypatch.setitem(app.config, "FEEDS_RENDER_ON_REQUEST", False)
    with count_queries() as queries:
        again = client.get(path, headers={"Accept-Encoding": "gzip"})
        not_modified = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert first.status_code == 200 and again.status_code == 200 and not_modified.status_code == 304
    assert len(queries) == 0, queries


def test_a_private_feed_reads_its_subscription_only(app, client, mission, count_queries, booked, monkeypatch):
    path = client.post("/api/v1/subscriptions", json={"name": "All"}, headers=mission).json["feed_url"]
    path = path.removeprefix("http://localhost")
    first = client.get(path)
    monkeypatch.setitem(app.config, "FEEDS_RENDER_ON_REQUEST", False)
    with count_queries() as queries:
        again = client.get(path)
        not_modified = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.data == first.data and not_modified.status_code == 304
    assert len(queries) == 2, queries  # the subscription, with its mission, once a request
