"""Probes: /healthz says the process answers; /readyz that the database answers at the migrations' head."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from scheduler import create_app
from scheduler.extensions import db


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ok", "database": "ok", "migrations": "current"}


def test_readyz_says_when_migrations_are_pending(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'behind.sqlite3'}"})
    client = app.test_client()
    with app.app_context():
        upgrade()
        downgrade(revision="0004")
    behind = client.get("/readyz")
    assert behind.status_code == 503 and behind.json["migrations"] == "pending"
    assert behind.json["current"] == ["0004"] and behind.headers["Retry-After"]
    with app.app_context():
        upgrade()
    assert client.get("/readyz").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_readyz_stays_ready_when_the_database_is_ahead_of_this_release(tmp_path):
    """During a rolling upgrade the database is migrated first; hosts still on the previous release
    do not know the new revision and must keep serving (migrations only add)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'ahead.sqlite3'}"})
    with app.app_context():
        upgrade()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0099_next_release'"))
        db.session.commit()
    ahead = app.test_client().get("/readyz")
    assert ahead.status_code == 200 and ahead.json["migrations"] == "ahead"
    assert ahead.json["current"] == ["0099_next_release"]
    with app.app_context():
        db.engine.dispose()


def test_readyz_says_when_the_database_is_unreachable(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"
    assert app.test_client().get("/healthz").status_code == 200
