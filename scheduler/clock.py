"""The service's one clock: every moment it stores or compares (row timestamps, token expiry, feed
Last-Modified, the day pages open on) is read through `utcnow()`.

Reading the time in one place lets the tests move it forward instead of sleeping
(`tests/conftest.py`, the `clock` fixture, replaces `read`). Not on this clock: durations a process
measures for itself (the feed cache's age, `time.monotonic`), and the windows that Flask's session
cookie and the rate limiter (the `limits` library) keep on the system clock.
"""

from datetime import UTC, datetime


def read() -> datetime:
    return datetime.now(UTC)


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return read()
