"""feeds rendered once for the deployment: documents, changes to follow, events, the leader

Revision ID: 0008
Revises: 0007

Feeds are rendered by one feed worker and kept here. Additive, as every migration: what this
release no longer uses (meetings.ical_event and ical_key, the index on meetings.updated_at,
feed_state) stays for hosts still on the previous release during a rolling upgrade, and goes
in a later release's migration. New tables only: `meetings` keeps its SQLite triggers.
Every feed is rendered after the upgrade (`flask feeds render`, and the feed worker on start).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subjects", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_changes")),
    )
    op.create_table(
        "feed_documents",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("depends_on", sa.Text(), nullable=False),
        sa.Column("gzipped", sa.LargeBinary(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("window_day", sa.Date(), nullable=True),
        sa.Column("dirty_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("renders", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_feed_documents")),
    )
    op.create_table(
        "feed_events",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("render_key", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_feed_events_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_feed_events")),
    )
    leader = op.create_table(
        "feed_leader",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_leader")),
    )
    op.bulk_insert(leader, [{"id": 1, "holder": ""}])


def downgrade():
    op.drop_table("feed_leader")
    op.drop_table("feed_events")
    op.drop_table("feed_documents")
    op.drop_table("feed_changes")
