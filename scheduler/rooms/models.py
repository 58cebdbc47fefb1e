from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..db_types import UTCDateTime
from ..extensions import db
from ..venues.models import Venue

# A room's setup and teardown buffers are at most this long (the conflict queries rely on it).
MAX_BUFFER_MINUTES = 240


class Room(db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    # Lower-case words such as "interpretation", "webcast".
    features: Mapped[list] = mapped_column(JSON, default=list)
    setup_minutes: Mapped[int] = mapped_column(Integer, default=0)
    teardown_minutes: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    venue: Mapped[Venue] = relationship(lazy="joined")

    @property
    def has_interpretation(self) -> bool:
        return "interpretation" in self.features


class RoomBlock(db.Model):
    """A period when a room cannot be booked (maintenance, a closure)."""

    __tablename__ = "room_blocks"
    __table_args__ = (Index("ix_room_blocks_room_id_end", "room_id", "end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    room: Mapped[Room] = relationship(lazy="joined")
