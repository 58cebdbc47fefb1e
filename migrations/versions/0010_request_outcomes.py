"""a request not granted is rejected or withdrawn, no longer cancelled

Revision ID: 0010
Revises: 0009

meetings.status takes two more values, and the requests that were rejected or withdrawn (status
'cancelled', never approved) are given theirs, from their history's last decision.

The CHECK constraint is widened without rebuilding `meetings` on SQLite: a rebuild would drop the
double-booking triggers of 0001 and, with foreign keys on, the rows that reference meetings. SQLite
documents this way for constraints that only loosen (https://www.sqlite.org/lang_altertable.html,
"Making Other Kinds Of Table Schema Changes"): the table's stored definition is edited and the schema
version bumped, in one transaction; every stored row still satisfies the wider check. A SQLite built
in defensive mode refuses that edit: the upgrade then stops, saying so, and changes nothing.

Every feed is marked for rendering again (a feed change for everything): stored feeds still show old
rejected requests as "Cancelled: ...". During a rolling upgrade, hosts still on the previous release
write 'cancelled' for requests they reject or see withdrawn; those stay so (the history says which).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BEFORE = "('requested', 'tentative', 'confirmed', 'cancelled', 'postponed')"
AFTER = "('requested', 'tentative', 'confirmed', 'cancelled', 'postponed', 'rejected', 'withdrawn')"

# A never-approved request's status from its last decision in the history.
OUTCOMES = """
    UPDATE meetings SET status = (
        SELECT meeting_changes.action FROM meeting_changes
        WHERE meeting_changes.meeting_id = meetings.id AND meeting_changes.action IN ('rejected', 'withdrawn')
        ORDER BY meeting_changes.id DESC LIMIT 1)
    WHERE status = 'cancelled' AND requested_by IS NOT NULL AND approved_at IS NULL
      AND EXISTS (SELECT 1 FROM meeting_changes WHERE meeting_changes.meeting_id = meetings.id
                  AND meeting_changes.action IN ('rejected', 'withdrawn'))
"""


def _set_status_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_meetings_status"), "meetings", type_="check")
        op.create_check_constraint(op.f("ck_meetings_status"), "meetings", f"status IN {new}")
        return
    (sql,) = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'meetings'")).one()
    if f"status IN {old}" not in sql:
        raise RuntimeError(f"meetings' status check is not the one expected ({old}); not changing it")
    (version,) = bind.execute(sa.text("PRAGMA schema_version")).one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'meetings'"),
            {"sql": sql.replace(f"status IN {old}", f"status IN {new}")},
        )
    except sa.exc.DatabaseError as error:
        raise RuntimeError(
            "This SQLite refuses schema edits (defensive mode): migrate with a build without it"
        ) from error
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    (integrity,) = bind.execute(sa.text("PRAGMA integrity_check")).one()
    if integrity != "ok":
        raise RuntimeError(f"meetings' schema edit left the database damaged: {integrity}")


def _render_every_feed_again() -> None:
    feed_changes = sa.table("feed_changes", sa.column("subjects", sa.Text), sa.column("at", sa.DateTime(timezone=True)))
    op.execute(feed_changes.insert().values(subjects="*", at=sa.func.current_timestamp()))


def upgrade():
    _set_status_check(BEFORE, AFTER)
    op.execute(OUTCOMES)
    _render_every_feed_again()


def downgrade():
    op.execute("UPDATE meetings SET status = 'cancelled' WHERE status IN ('rejected', 'withdrawn')")
    _set_status_check(AFTER, BEFORE)
