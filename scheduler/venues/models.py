from datetime import date, datetime, time

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..db_types import UTCDateTime
from ..extensions import db
from ..times import WEEKDAYS, Slot

_Date = date  # the column below is named `date`


class Venue(db.Model):
    """A duty station: its zone, its standard time slots and its working days."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    # Lower-case English weekday names, e.g. ["monday", ..., "friday"].
    working_days: Mapped[list] = mapped_column(JSON, default=lambda: list(WEEKDAYS[:5]))
    # Interpretation teams available per slot: a soft limit.
    interpretation_teams: Mapped[int] = mapped_column(Integer, default=4)
    # The meetings desk's address, told of missions' requests; and the local hour at which missions
    # that asked for it are sent the next working day's programme.
    desk_email: Mapped[str] = mapped_column(String(320), default="")
    programme_hour: Mapped[int] = mapped_column(Integer, default=18)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    slots: Mapped[list["TimeSlot"]] = relationship(
        back_populates="venue", cascade="all, delete-orphan", order_by="TimeSlot.start_time"
    )

    def standard_slots(self) -> list[Slot]:
        return [Slot(s.name, s.start_time, s.end_time) for s in self.slots]

    def slot_named(self, name: str) -> Slot | None:
        return next((s for s in self.standard_slots() if s.name == name), None)

    def is_working_day(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.working_days


class TimeSlot(db.Model):
    """A named standard period of a venue's day, in local time (UNHQ morning 10:00-13:00)."""

    __tablename__ = "time_slots"
    __table_args__ = (UniqueConstraint("venue_id", "name", name="uq_time_slots_venue_id_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    venue: Mapped[Venue] = relationship(back_populates="slots")


class VenueHoliday(db.Model):
    """A day the venue is closed (an official holiday): a booking then gets the `holiday` warning.

    The unique (venue_id, date) index is also what the warning's query and the yearly list use.
    """

    __tablename__ = "venue_holidays"
    __table_args__ = (UniqueConstraint("venue_id", "date", name="uq_venue_holidays_venue_id_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    date: Mapped[_Date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    venue: Mapped[Venue] = relationship(lazy="joined")
