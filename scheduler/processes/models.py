from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..db_types import UTCDateTime
from ..extensions import db

SLUG_MAX_LENGTH = 100
BODY_SLUG_MAX_LENGTH = 200


class Process(db.Model):
    """An intergovernmental process that holds a series of meetings."""

    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(String(200))
    body_slug: Mapped[str] = mapped_column(String(BODY_SLUG_MAX_LENGTH), index=True)
    mandate: Mapped[str] = mapped_column(String(500), default="")
    # [{"name": ..., "title": ..., "mission": ...}]
    facilitators: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
