"""What the hot paths cost in SQL statements, pinned: a change that adds a statement to one of them fails
here, and one that saves a statement updates the figure. Transaction control is not counted (see
`count_queries` in conftest.py). The differences between the databases: PostgreSQL takes the room's
row lock in a statement of its own (SQLite's writes are serialized by BEGIN IMMEDIATE)."""

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


@pytest.mark.parametrize("expected", [{"sqlite": 14, "postgresql": 15}])
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


@pytest.mark.parametrize(
    ("path", "per_request"),
    [
        ("/feeds/all.ics", 1),  # the feed generation
        ("/feeds/rooms/ECOSOC.ics", 2),  # the room, and the feed generation
    ],
)
def test_a_feed_answered_from_the_cache(client, officer, count_queries, booked, path, per_request):
    first = client.get(path)
    with count_queries() as queries:
        again = client.get(path)
        not_modified = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.data == first.data and not_modified.status_code == 304
    assert len(queries) == 2 * per_request, queries
