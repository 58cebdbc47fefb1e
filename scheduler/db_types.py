"""Column types that behave the same on SQLite and PostgreSQL."""

from datetime import timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment in time: accepts only aware datetimes, always returns them in UTC.

    SQLite has no time zone support and would silently drop offsets, so values are
    converted to UTC before they are stored and tagged as UTC when they are read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# Ids are 32-bit integers on PostgreSQL; a larger one names no row (and must not reach a query,
# which PostgreSQL would refuse as out of range while SQLite answers "none").
MAX_ID = 2**31 - 1


def is_possible_id(value: int) -> bool:
    return 1 <= value <= MAX_ID
