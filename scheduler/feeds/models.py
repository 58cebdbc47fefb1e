from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class FeedState(db.Model):
    """One row: a counter bumped after every committed change that feeds show.

    Every gunicorn worker on every host reads it to know whether its cached feeds are current.
    """

    __tablename__ = "feed_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
