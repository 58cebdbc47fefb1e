from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..db_types import UTCDateTime
from ..extensions import db

STATUSES = ("queued", "sending", "sent", "failed", "dropped")


class OutboxMessage(db.Model):
    """One message to one address, recorded in the transaction of the change that causes it and sent
    afterwards by the worker (notifications/sending.py). Its content is made when it is sent, from the
    meeting as it is then: a meeting changed three times before its message goes out sends one message.

    status: queued (waiting, perhaps to be tried again at next_attempt_at), sending (claimed by a worker
    until claimed_until), sent (the mail server accepted it), failed (given up after the last attempt),
    dropped (its reader may no longer see the meeting, or has no address any more)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_mail_outbox_topic", "topic", "recipient", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the message is about, so that a later change joins a message still queued: "meeting:12",
    # "programme:UNHQ:2027-06-15".
    topic: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(320))
    # Whose eyes the content is made for: a mission's code, or "" for the meetings desk (staff) and
    # organizers named by address (who see what a mission sees).
    reader_mission: Mapped[str] = mapped_column(String(16), default="")
    reader_is_staff: Mapped[bool] = mapped_column(default=False)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    day: Mapped[date | None] = mapped_column(Date, nullable=True)  # a daily programme's day
    venue_code: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Stable across attempts: a receiving server that saw it already can tell.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
