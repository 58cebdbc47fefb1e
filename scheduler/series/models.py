from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..db_types import UTCDateTime
from ..extensions import db


class MeetingSeries(db.Model):
    """Meetings booked together by one rule (every Tuesday, every working day, these dates).

    Each occurrence is a meeting of its own (own id, SEQUENCE, UID), linked by `series_id`, so
    that every calendar client shows each one right, moved or cancelled on its own."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    # How the dates were made: {"weekdays": [...]} or {"every_working_day": true} or {"dates": [...]},
    # with "from", "until" or "count", as the request said.
    rule: Mapped[dict] = mapped_column(JSON)
    # Dates the rule gave that were not booked, the room being taken ([{"date": "2027-03-16"}, ...]);
    # an occurrence added on such a date (add_occurrence) takes it off.
    skipped: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
