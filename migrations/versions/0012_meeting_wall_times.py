"""meetings keep the local wall time they were booked at; feeds know which tz database made them

Revision ID: 0012
Revises: 0011

A meeting ahead keeps its local wall time when the tz database changes a zone's rules (`flask timezones
recompute`): local_start and local_end (naive, in local_zone), and tz_database, the release its UTC
instants were computed with. Existing meetings get them from their instants with this release's rules.
feed_documents.tz_database: a feed made with another release is made again (which events give local
times depends on the release).
"""

from zoneinfo import ZoneInfo

import sqlalchemy as sa
import tzdata
from alembic import op

from scheduler.db_types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 5000


def _fill_meetings() -> None:
    bind = op.get_bind()
    meetings = sa.table(
        "meetings",
        sa.column("id", sa.Integer),
        sa.column("room_id", sa.Integer),
        sa.column("start", UTCDateTime),
        sa.column("end", UTCDateTime),
        sa.column("local_start", sa.DateTime),
        sa.column("local_end", sa.DateTime),
        sa.column("local_zone", sa.String),
        sa.column("tz_database", sa.String),
    )
    rooms = sa.table("rooms", sa.column("id", sa.Integer), sa.column("venue_id", sa.Integer))
    venues = sa.table("venues", sa.column("id", sa.Integer), sa.column("timezone", sa.String))
    query = (
        sa.select(meetings.c.id, meetings.c.start, meetings.c.end, venues.c.timezone)
        .join(rooms, rooms.c.id == meetings.c.room_id)
        .join(venues, venues.c.id == rooms.c.venue_id)
        .order_by(meetings.c.id)
    )
    update = (
        meetings.update()
        .where(meetings.c.id == sa.bindparam("meeting_id"))
        .values(
            local_start=sa.bindparam("wall_start"),
            local_end=sa.bindparam("wall_end"),
            local_zone=sa.bindparam("zone"),
            tz_database=tzdata.IANA_VERSION,  # the release the app pins (scheduler/tz_database.py)
        )
    )
    rows = bind.execute(query).all()  # plain tuples, read before any row is written (SQLite and PostgreSQL alike)
    for first in range(0, len(rows), BATCH):
        values = [
            {
                "meeting_id": meeting_id,
                "wall_start": start.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
                "wall_end": end.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
                "zone": zone,
            }
            for meeting_id, start, end, zone in rows[first : first + BATCH]
        ]
        bind.execute(update, values)


def upgrade():
    op.add_column("meetings", sa.Column("local_start", sa.DateTime(), nullable=True))
    op.add_column("meetings", sa.Column("local_end", sa.DateTime(), nullable=True))
    op.add_column("meetings", sa.Column("local_zone", sa.String(length=64), nullable=True))
    op.add_column("meetings", sa.Column("tz_database", sa.String(length=16), nullable=True))
    op.add_column("feed_documents", sa.Column("tz_database", sa.String(length=16), nullable=True))
    _fill_meetings()
    op.create_index(op.f("ix_meetings_tz_database"), "meetings", ["tz_database"])  # after: not updated row by row


def downgrade():
    op.drop_column("feed_documents", "tz_database")
    op.drop_index(op.f("ix_meetings_tz_database"), table_name="meetings")
    for column in ("tz_database", "local_zone", "local_end", "local_start"):
        op.drop_column("meetings", column)
