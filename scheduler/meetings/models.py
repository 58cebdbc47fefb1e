from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..db_types import UTCDateTime
from ..extensions import db
from ..processes.models import Process
from ..rooms.models import Room

KINDS = ("plenary", "informal_consultations", "informal_informal", "briefing", "side_event", "bilateral", "other")
# A mission's request that is not granted ends rejected (by an officer) or withdrawn (by the mission).
STATUSES = ("requested", "tentative", "confirmed", "cancelled", "postponed", "rejected", "withdrawn")
# Only these statuses hold the room. The database constraints (see migrations) name them too.
HOLDING_STATUSES = ("tentative", "confirmed")
VISIBILITIES = ("public", "missions", "closed")
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")


def _in_list(column: str, values: tuple) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(_in_list("status", STATUSES), name="status"),
        CheckConstraint(_in_list("kind", KINDS), name="kind"),
        CheckConstraint(_in_list("visibility", VISIBILITIES), name="visibility"),
        CheckConstraint('"end" > start', name="end_after_start"),
        # The conflict check looks up a room's meetings by held interval.
        Index("ix_meetings_room_id_held_start", "room_id", "held_start"),
        Index("ix_meetings_start", "start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(String(200), default="")
    body_slug: Mapped[str] = mapped_column(String(200), default="", index=True)
    process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id"), nullable=True, index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    # [start - room setup, end + room teardown): what the room is held for. Kept with the
    # meeting so that the database constraint can compare it, and so that later changes of a
    # room's buffers do not silently move existing bookings.
    held_start: Mapped[datetime] = mapped_column(UTCDateTime)
    held_end: Mapped[datetime] = mapped_column(UTCDateTime)
    # The local wall time and zone the meeting was booked at, and the tz database release its UTC
    # instants were computed with: for a meeting ahead, the wall time is the truth when a release
    # changes the zone's rules (meetings/wall_times.py keeps them; meetings/retime.py applies a release).
    local_start: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    local_end: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    local_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tz_database: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16))
    organizers: Mapped[list] = mapped_column(JSON, default=list)
    expected_participants: Mapped[int | None] = mapped_column(Integer, nullable=True)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    webcast: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # iCalendar SEQUENCE: bumped on every change a calendar shows (meetings/calendar.py).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped on every change at all; the ETag, and SQLAlchemy's optimistic lock.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The mission that asked for the meeting (status `requested` until an officer decides), and
    # when an officer approved it: a request never approved stays between staff and that mission.
    requested_by: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The series this meeting is one occurrence of, if any.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"), nullable=True, index=True)

    room: Mapped[Room] = relationship(lazy="joined")
    process: Mapped[Process | None] = relationship(lazy="joined")
    invitations: Mapped[list["MeetingInvitation"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="MeetingInvitation.mission_code"
    )

    @property
    def invited_missions(self) -> list[str]:
        return [invitation.mission_code for invitation in self.invitations]

    # The service bumps `version` itself, once per change; SQLAlchemy checks it on every UPDATE
    # (a concurrent change makes the UPDATE match nothing: StaleDataError, a 412).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def timezone(self) -> str:
        return self.room.venue.timezone


class MeetingInvitation(db.Model):
    """A mission invited to a `closed` meeting: it may see the meeting."""

    __tablename__ = "meeting_invitations"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    mission_code: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class MeetingChange(db.Model):
    """One entry of a meeting's history: who did what, when, from what to what."""

    __tablename__ = "meeting_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    # {"field": [old, new]} in the API's own representation.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
