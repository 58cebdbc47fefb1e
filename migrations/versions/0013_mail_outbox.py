"""mail: missions' addresses, the meetings desk's, and the outbox of messages to send

Revision ID: 0013
Revises: 0012

Additive: missions.emails and daily_programme, venues.desk_email and programme_hour (with defaults, so
that rows and the previous release keep working), and the mail_outbox table (scheduler/notifications).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("missions", sa.Column("emails", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("missions", sa.Column("daily_programme", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("venues", sa.Column("desk_email", sa.String(length=320), nullable=False, server_default=""))
    op.add_column("venues", sa.Column("programme_hour", sa.Integer(), nullable=False, server_default="18"))
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("reader_mission", sa.String(length=16), nullable=False),
        sa.Column("reader_is_staff", sa.Boolean(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("venue_code", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_mail_outbox_meeting_id_meetings"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_outbox_message_id")),
    )
    op.create_index(op.f("ix_mail_outbox_meeting_id"), "mail_outbox", ["meeting_id"])
    op.create_index("ix_mail_outbox_status_next_attempt_at", "mail_outbox", ["status", "next_attempt_at"])
    op.create_index("ix_mail_outbox_topic", "mail_outbox", ["topic", "recipient", "status"])


def downgrade():
    op.drop_table("mail_outbox")
    op.drop_column("venues", "programme_hour")
    op.drop_column("venues", "desk_email")
    op.drop_column("missions", "daily_programme")
    op.drop_column("missions", "emails")
