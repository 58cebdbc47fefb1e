"""Probes: /healthz says the process answers; /readyz that the database answers at the migrations' head."""

from datetime import datetime, timezone
from importlib import resources
from zoneinfo import ZoneInfo

import tzdata
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from scheduler import create_app
from scheduler.extensions import db


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "database": "ok", "migrations": "current", "tz_database": tzdata.IANA_VERSION}


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


def test_the_service_reads_the_pinned_tz_database_and_says_which(client, admin, officer):
    """Havana's rules for November 2026 differ between tz releases (the host's copy here is older than the
    tzdata package requirements.txt pins): a meeting there is stored as the pinned release computes it."""
    with resources.files("tzdata.zoneinfo").joinpath("America", "Havana").open("rb") as file:
        pinned = ZoneInfo.from_file(file, key="America/Havana")
    client.post(
        "/api/v1/venues",
        headers=admin,
        json={"code": "HAV", "name": "Havana", "timezone": "America/Havana", "slots": []},
    )
    client.post(
        "/api/v1/rooms", headers=officer, json={"code": "H1", "name": "Room H1", "venue": "HAV", "capacity": 20}
    )
    booked = client.post(
        "/api/v1/meetings",
        headers=officer,
        json={
            "title": "Talks",
            "kind": "bilateral",
            "room": "H1",
            "start": "2026-11-05T10:00",
            "end": "2026-11-05T11:00",
        },
    ).json
    expected = datetime(2026, 11, 5, 10, 0, tzinfo=pinned).astimezone(timezone.utc)
    assert datetime.fromisoformat(booked["start_utc"]) == expected
    assert client.get("/readyz").json["tz_database"] == tzdata.IANA_VERSION
