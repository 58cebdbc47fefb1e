"""venue holidays

Revision ID: 0004
Revises: 0003

A new table only: `meetings` is not touched (so SQLite keeps the triggers of 0001).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "venue_holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_venue_holidays_venue_id_venues"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_holidays")),
        # Also the index of the `holiday` warning's query (venue_id = ? AND date BETWEEN ? AND ?).
        sa.UniqueConstraint("venue_id", "date", name="uq_venue_holidays_venue_id_date"),
    )


def downgrade():
    op.drop_table("venue_holidays")
