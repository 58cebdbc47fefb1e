"""an index on meetings.updated_at

Revision ID: 0006
Revises: 0005

A feed's Last-Modified is the latest change of the meetings of its subject; for the feed of
every meeting that is the latest change of all, which without this index reads the whole table.
An index only: `meetings` keeps its SQLite triggers.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_meetings_updated_at", "meetings", ["updated_at"])


def downgrade():
    op.drop_index("ix_meetings_updated_at", table_name="meetings")
