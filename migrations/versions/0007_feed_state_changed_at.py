"""feed_state.changed_at: when the feed generation last moved

Revision ID: 0007
Revises: 0006

A feed's Last-Modified is the moment of the generation its content was first seen at: it moves
forward also when a meeting leaves a feed (to another room, say), which the newest change among
the meetings a feed still holds does not show. Set to the upgrade's moment, later than any change
made before it.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feed_state") as batch:
        batch.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    now = datetime.now(timezone.utc)
    if op.get_bind().dialect.name == "sqlite":  # stored as naive UTC there (scheduler.db_types.UTCDateTime)
        now = now.replace(tzinfo=None)
    op.execute(
        sa.table("feed_state", sa.column("changed_at", sa.DateTime(timezone=True))).update().values(changed_at=now)
    )


def downgrade():
    with op.batch_alter_table("feed_state") as batch:
        batch.drop_column("changed_at")
