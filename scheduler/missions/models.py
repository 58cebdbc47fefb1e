from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..db_types import UTCDateTime
from ..extensions import db


class Mission(db.Model):
    """A permanent mission of a Member State (or observer) to the United Nations."""

    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    # Where the mission hears of its requests and meetings (scheduler/notifications), and whether it
    # gets the next working day's programme by mail.
    emails: Mapped[list] = mapped_column(JSON, default=list)
    daily_programme: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Subscription(db.Model):
    """A mission's private feed: a filter, and a secret URL a calendar fetches without credentials.

    Only the SHA-256 of the secret is kept."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # {"rooms": [...codes], "bodies": [...slugs], "processes": [...slugs], "kinds": [...]}; empty: everything.
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    mission: Mapped[Mission] = relationship(lazy="joined")
