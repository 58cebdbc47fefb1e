"""missions, invitations to closed meetings, requests, private feed subscriptions

Revision ID: 0003
Revises: 0002

Plain ALTER TABLE on `meetings` (not batch mode), so that SQLite keeps the triggers of 0001.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "missions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missions")),
        sa.UniqueConstraint("code", name=op.f("uq_missions_code")),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["mission_id"], ["missions.id"], name=op.f("fk_subscriptions_mission_id_missions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_subscriptions_token_hash")),
    )
    op.create_index(op.f("ix_subscriptions_mission_id"), "subscriptions", ["mission_id"], unique=False)
    op.create_table(
        "meeting_invitations",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("mission_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_invitations_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("meeting_id", "mission_code", name=op.f("pk_meeting_invitations")),
    )
    op.create_index(op.f("ix_meeting_invitations_mission_code"), "meeting_invitations", ["mission_code"], unique=False)
    op.add_column("meetings", sa.Column("requested_by", sa.String(length=16), nullable=True))
    op.add_column("meetings", sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_meetings_requested_by"), "meetings", ["requested_by"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_meetings_requested_by"), table_name="meetings")
    op.drop_column("meetings", "approved_at")
    op.drop_column("meetings", "requested_by")
    op.drop_index(op.f("ix_meeting_invitations_mission_code"), table_name="meeting_invitations")
    op.drop_table("meeting_invitations")
    op.drop_index(op.f("ix_subscriptions_mission_id"), table_name="subscriptions")
    op.drop_table("subscriptions")
    op.drop_table("missions")
