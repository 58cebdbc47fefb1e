"""feeds: stored events and the feed generation counter

Revision ID: 0002
Revises: 0001

Plain ALTER TABLE (not batch mode): on SQLite, batch mode would rebuild `meetings` and drop
the triggers of 0001 that refuse double bookings.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    feed_state = op.create_table(
        "feed_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_state")),
    )
    op.bulk_insert(feed_state, [{"id": 1, "generation": 0}])
    op.add_column("meetings", sa.Column("ical_event", sa.Text(), nullable=True))
    op.add_column("meetings", sa.Column("ical_key", sa.String(length=32), nullable=True))


def downgrade():
    op.drop_column("meetings", "ical_key")
    op.drop_column("meetings", "ical_event")
    op.drop_table("feed_state")
