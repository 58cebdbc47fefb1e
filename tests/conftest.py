"""Fixtures: every test runs against SQLite, and against PostgreSQL when TEST_DATABASE_URL is set.

Each backend gets a fresh database built by the migrations (not create_all), so the tests
exercise the schema that production gets. Between tests every table is emptied and the
default venue and rooms are loaded again through the `seed` command.
"""
import os
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from config.settings import normalise_database_url
from scheduler import create_app
from scheduler.extensions import db
from scheduler.feeds.service import clear_cache

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


def _postgres_admin_url() -> str:
    if not TEST_DATABASE_URL:
        message = "TEST_DATABASE_URL is not set"
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but {message}")
        pytest.skip(f"PostgreSQL tests skipped: {message}")
    return normalise_database_url(TEST_DATABASE_URL)


def _psycopg_dsn(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def throwaway_postgres_database(prefix: str):
    """Create an empty PostgreSQL database, yield its URL, drop it afterwards."""
    admin_url = make_url(_postgres_admin_url())
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(_psycopg_dsn(admin_url), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_psycopg_dsn(admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    """A migrated, empty database of one kind, for the whole session."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    with throwaway_postgres_database("scheduler_test") as url:
        yield url


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def app(database_url):
    # Rate limits are on, but high: the suite writes fast. tests/test_missions.py lowers them to test them.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_WRITES": "100000 per minute", "RATELIMIT_FEED_MISSES": "100000 per minute",
                      "RATELIMIT_SIGN_IN": "100000 per minute"})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables():
    # feed_state keeps its one row (made by the migrations); its counter only goes up.
    tables = [table.name for table in reversed(db.metadata.sorted_tables) if table.name != "feed_state"]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture(autouse=True)
def fresh_data(request):
    """Empty the database and load the default venue and rooms before each test that uses it."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        empty_all_tables()
        clear_cache()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        db.session.remove()
    yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def backend(app):
    with app.app_context():
        return db.engine.dialect.name


def make_token(app, role: str, name: str | None = None, mission: str | None = None) -> str:
    """A token made the way operators make one: with the CLI."""
    args = ["tokens", "create", "--role", role, "--name", name or f"test {role}"]
    if mission:
        args += ["--mission", mission]
        # The mission must exist first; a second token of the same mission finds it there.
        app.test_cli_runner().invoke(args=["missions", "create", mission, f"Permanent Mission {mission}"])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def officer(app):
    return bearer(make_token(app, "officer", "Meetings Management Section"))


@pytest.fixture
def admin(app):
    return bearer(make_token(app, "admin", "Administrator"))


@pytest.fixture
def viewer(app):
    return bearer(make_token(app, "viewer", "Viewer"))


@pytest.fixture
def mission(app):
    return bearer(make_token(app, "mission", "Permanent Mission of Belgium", mission="BEL"))
