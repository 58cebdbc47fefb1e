"""series of meetings

Revision ID: 0005
Revises: 0004

Plain ALTER TABLE on `meetings` (not batch mode), so that SQLite keeps the triggers of 0001.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite adds a column with its REFERENCES in place (no table rebuild, so the triggers stay).
        # A downgrade there leaves the column (see below): an upgrade after it finds it already.
        if "series_id" not in {column["name"] for column in sa.inspect(bind).get_columns("meetings")}:
            op.execute(
                "ALTER TABLE meetings ADD COLUMN series_id INTEGER "
                "CONSTRAINT fk_meetings_series_id_meeting_series REFERENCES meeting_series (id)"
            )
    else:
        op.add_column("meetings", sa.Column("series_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_meetings_series_id_meeting_series"), "meetings", "meeting_series", ["series_id"], ["id"]
        )
    op.create_index(op.f("ix_meetings_series_id"), "meetings", ["series_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_meetings_series_id"), table_name="meetings")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot drop a column that references another table; the column stays, unused.
        pass
    else:
        op.drop_constraint(op.f("fk_meetings_series_id_meeting_series"), "meetings", type_="foreignkey")
        op.drop_column("meetings", "series_id")
    op.drop_table("meeting_series")
