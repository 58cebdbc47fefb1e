"""The migrations build both databases, agree with the models, and carry the booking guard."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from scheduler import create_app
from scheduler.extensions import db

from .conftest import throwaway_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A brand-new empty database of each kind (not the shared test database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with throwaway_postgres_database("scheduler_migrations") as url:
        yield url


# The database's own guard against double booking (migration 0001).
GUARD = {
    "postgresql": {"meetings_room_not_double_booked"},
    "sqlite": {"meetings_room_not_double_booked_insert", "meetings_room_not_double_booked_update"},
}


def _guard_objects(connection) -> set[str]:
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text("SELECT conname FROM pg_constraint WHERE contype = 'x' AND conrelid = 'meetings'::regclass")
        )
    else:
        rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    return {row[0] for row in rows}


# What releases before 0008 use and this one does not: kept so that they keep working during a rolling
# upgrade (migrations only add), to be dropped by a later release's migration.
LEFT_FOR_A_ROLLING_UPGRADE = {"feed_state", "ical_event", "ical_key", "ix_meetings_updated_at"}


def _left_for_a_rolling_upgrade(difference) -> bool:
    kind, *rest = difference if isinstance(difference, tuple) else difference[0]
    names = {getattr(item, "name", None) for item in rest} | {item for item in rest if isinstance(item, str)}
    return kind in ("remove_table", "remove_column", "remove_index") and bool(names & LEFT_FOR_A_ROLLING_UPGRADE)


def test_upgrade_builds_the_models_schema_with_the_guard(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            assert [difference for difference in differences if not _left_for_a_rolling_upgrade(difference)] == []
            guard = _guard_objects(connection)
        assert guard == GUARD[db.engine.dialect.name]

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "meetings" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_requests_not_granted_keep_their_outcome_down_and_up_across_0010(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "RATELIMIT_ENABLED": False})
    cli, client, ids = app.test_cli_runner(), app.test_client(), []
    with app.app_context():
        upgrade()
    # Requests outside the app context above: each gets its own, as in the service (the actor is kept in `g`).
    cli.invoke(args=["seed"])
    cli.invoke(args=["missions", "create", "BEL", "Permanent Mission of Belgium"])
    as_officer, as_mission = (
        {"Authorization": "Bearer " + cli.invoke(args=["tokens", "create", *role]).stdout.strip()}
        for role in (["--role", "officer", "--name", "o"], ["--role", "mission", "--name", "m", "--mission", "BEL"])
    )
    for day in ("20", "21", "22"):
        request = {"title": day, "kind": "bilateral", "room": "CR-4", "start": f"2030-06-{day}T10:00"}
        made = client.post("/api/v1/meetings", json={**request, "end": f"2030-06-{day}T11:00"}, headers=as_mission)
        ids.append(made.json["id"])
    client.post(f"/api/v1/meetings/{ids[0]}/reject", json={"reason": "No room"}, headers=as_officer)
    client.post(f"/api/v1/meetings/{ids[1]}/withdraw", json={}, headers=as_mission)
    client.post(f"/api/v1/meetings/{ids[2]}/approve", json={}, headers=as_officer)
    client.post(f"/api/v1/meetings/{ids[2]}/cancel", json={"reason": "Off"}, headers=as_officer)

    with app.app_context():

        def everything_changes():
            with db.engine.connect() as connection:
                return connection.execute(text("SELECT count(*) FROM feed_changes WHERE subjects = '*'")).scalar()

        def statuses():
            with db.engine.connect() as connection:
                return [row[0] for row in connection.execute(text("SELECT status FROM meetings ORDER BY id"))]

        assert statuses() == ["rejected", "withdrawn", "cancelled"]
        downgrade(revision="0009")
        assert statuses() == ["cancelled", "cancelled", "cancelled"]
        everything_before = everything_changes()
        upgrade()
        assert statuses() == ["rejected", "withdrawn", "cancelled"]
        # Every feed is to be rendered again: stored ones showed old rejections as "Cancelled: ...".
        assert everything_changes() == everything_before + 1
        with db.engine.connect() as connection:
            assert _guard_objects(connection) == GUARD[connection.dialect.name]  # survived both ways
            with pytest.raises(Exception, match="(?i)check"):
                connection.execute(text("UPDATE meetings SET status = 'lost' WHERE id = :id"), {"id": ids[0]})
        db.engine.dispose()
