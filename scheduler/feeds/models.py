"""What the feeds keep in the database: the changes still to follow, each feed as served, each
meeting's rendered event, and which feed worker renders for the whole deployment."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db


class FeedChange(db.Model):
    """A committed change that feeds show, written in the change's own transaction (see
    tracking.py): the subjects it touched, e.g. "all room:3 body:general-assembly". The feed
    worker reads these rows and deletes the ones it has followed."""

    __tablename__ = "feed_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subjects: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedDocument(db.Model):
    """One feed, as the feed worker last rendered it; its key is its path under /feeds/ (with the
    query of a filtered feed). Hosts serve it from files they copy from here (files.py)."""

    __tablename__ = "feed_documents"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    # The subjects whose changes it follows, space-separated (see tracking.py).
    depends_on: Mapped[str] = mapped_column(Text, default="")
    gzipped: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)  # SHA-256 of the plain bytes
    # Moves forward by at least a second whenever the bytes change: it names their version.
    last_modified: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Bumped whenever the bytes change; hosts copy documents whose version they do not have.
    version: Mapped[int] = mapped_column(Integer, default=0)
    window_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The tz database release it was made with: which times its events give locally depends on it.
    tz_database: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The earliest change not rendered yet (None: up to date).
    dirty_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    renders: Mapped[int] = mapped_column(Integer, default=0)


class FeedEvent(db.Model):
    """A meeting's VEVENT as the feed worker rendered it, and the key of what it was rendered
    from (scheduler.ical.events.render_key): a different key means render it again."""

    __tablename__ = "feed_events"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    render_key: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)


class FeedLeader(db.Model):
    """One row: the feed worker that renders for the whole deployment, until when. Another takes
    over once `until` has passed without the holder renewing it."""

    __tablename__ = "feed_leader"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder: Mapped[str] = mapped_column(String(200), default="")
    until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
