"""series keep the dates they skipped

Revision ID: 0009
Revises: 0008

Additive: a column with a default, added in place (no table rebuild).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("meeting_series", sa.Column("skipped", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    op.drop_column("meeting_series", "skipped")
