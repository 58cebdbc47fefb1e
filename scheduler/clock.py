"""The service's one clock: every "now" it stores or compares (row timestamps, token expiry, feed
Last-Modified, the day pages open on) is read through `utcnow()`.

Reading the time in one place lets the tests move it forward instead of sleeping
(`tests/conftest.py`, the `clock` fixture, replaces `read`).
"""

from datetime import UTC, datetime


def read() -> datetime:
    return datetime.now(UTC)


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return read()
