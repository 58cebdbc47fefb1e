"""Fixtures: every test runs against SQLite, and against PostgreSQL when TEST_DATABASE_URL is set.

Each backend gets one database for the whole session, built by the migrations (not create_all), so the
tests exercise the schema that production gets, and loaded once with the default venues and rooms by the
`seed` command, as `make run` loads them.

Every test starts from that seeded state (ids included: the next meeting is meeting 1) and leaves it so:
- A test runs inside one database transaction, rolled back at its end. Every session the app opens
  meanwhile (each request's, each CLI command's) is bound to that transaction's connection, and its
  commit releases a SAVEPOINT instead of committing (SQLAlchemy's join_transaction_mode="create_savepoint").
  Savepoints on one connection nest like a stack, so these sessions act as separate transactions only one
  after the other: a test in which one session's transaction is open while another begins (a read in an app
  context, then a second app context pushed inside it that writes) fails, since rolling the first back
  would undo what the second committed. (A request made inside the test's app context shares its session.)
- A test whose data other threads or processes must see (a live server, a database killed under it) is
  marked `committed`, or uses `live_server`: it commits for real, and the seeded state is put back after it.
After every rolled-back test the database is compared with the seeded state: a test that wrote beside its
transaction (on a connection of its own) fails.
"""

import os
import re
import threading
import uuid
import weakref
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import flask_sqlalchemy.session
import psycopg
import pytest
import sqlalchemy
from flask_migrate import upgrade
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from config.settings import normalise_database_url
from scheduler import clock as service_clock
from scheduler import create_app
from scheduler.extensions import db
from scheduler.feeds import files, rendering
from scheduler.feeds.models import FeedChange

from .database_state import DatabaseState

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
def app(database_url, tmp_path_factory):
    # Rate limits are on, but high: the suite writes fast. tests/test_missions.py lowers them to test them.
    # Feeds are rendered by each feed request, before it is answered, in the test's transaction: the
    # feed worker's own rounds are tested in tests/test_feed_worker.py.
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "FEED_DIR": str(tmp_path_factory.mktemp("feeds")),
            "MAIL_DIR": str(tmp_path_factory.mktemp("mail")),
            "FEEDS_RENDER_ON_REQUEST": True,
            "FEED_PRIVATE_INTERVAL": 0,
            "FEED_FIRST_RENDER_WAIT": 0,
            "RATELIMIT_WRITES": "100000 per minute",
            "RATELIMIT_FEED_MISSES": "100000 per minute",
            "RATELIMIT_SIGN_IN": "100000 per minute",
        }
    )
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        db.session.execute(delete(FeedChange))  # the seeded state has no change for feeds to follow
        db.session.commit()
        db.session.remove()
    app.extensions["seeded_state"] = DatabaseState(app)
    yield app
    with app.app_context():
        db.engine.dispose()


class _JoinedSession(flask_sqlalchemy.session.Session):
    """A session on the test's own connection (Flask-SQLAlchemy's would take one from the engine)."""

    def get_bind(self, *args, **kwargs):
        return self.bind


_joined_sessions: "weakref.WeakSet[_JoinedSession]" = weakref.WeakSet()
_overlapping_sessions: list[str] = []


@sqlalchemy.event.listens_for(_JoinedSession, "after_begin")
def _one_session_at_a_time(session, _transaction, _connection):
    if any(other is not session and other.in_transaction() for other in _joined_sessions):
        _overlapping_sessions.append(f"a session began while another's transaction was open: {session!r}")
    _joined_sessions.add(session)


@contextmanager
def _rolled_back(app):
    """Every session opened meanwhile joins one transaction, rolled back at the end."""
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    joined = db._make_scoped_session(
        {"class_": _JoinedSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
    )
    real_session, db.session = db.session, joined
    _overlapping_sessions.clear()
    try:
        with app.app_context():
            app.extensions["seeded_state"].restart_ids()
            db.session.commit()
        yield
    finally:
        db.session = real_session
        outer.rollback()
        connection.close()


@pytest.fixture(autouse=True)
def isolated(request):
    """Each test that uses the app starts from the seeded state and leaves it as it found it."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    seeded = app.extensions["seeded_state"]
    committed = request.node.get_closest_marker("committed") or "live_server" in request.fixturenames
    files.clear(Path(app.config["FEED_DIR"]))  # the host's copies of feeds the last test rendered
    rendering.forget()  # and the events the feed worker kept (ids start again in each test)
    if committed:
        with app.app_context():
            seeded.restart_ids()
            db.session.commit()
        yield
        with app.app_context():
            seeded.restore()
        return
    with _rolled_back(app):
        yield
    if _overlapping_sessions:
        pytest.fail(
            f"{_overlapping_sessions[0]}: commit or end the first before the second begins, "
            "or mark the test `committed`",
            pytrace=False,
        )
    with app.app_context():
        left = seeded.differences()
        if left:
            seeded.restore()
    if left:
        pytest.fail(
            f"the test left the database changed ({'; '.join(left)}): mark it `committed` if "
            "other threads or processes must see its writes",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def live_server(app):
    """The test app behind a real multi-threaded HTTP server on a free loopback port: its base URL.
    Tests using it write for real (see `isolated`), as the server's threads have connections of their own."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


class Clock:
    """The service's clock (scheduler/clock.py), moved forward by the test instead of sleeping."""

    def __init__(self):
        self.offset = timedelta()
        self._system = service_clock.read

    def now(self):
        return self._system() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    moved = Clock()
    # A MonkeyPatch of its own, so that a test's monkeypatch.undo() does not put the clock back.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(service_clock, "read", moved.now)
        yield moved


class QueryCounter:
    """The SQL statements the app sends meanwhile, transaction control (BEGIN, SAVEPOINT, COMMIT...) left out:
    those depend on how the test isolates its data, not on the code under test."""

    CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _seen(self, _connection, _cursor, statement, *_):
        if not self.CONTROL.match(statement):
            self.statements.append(statement)

    def __enter__(self):
        sqlalchemy.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_):
        sqlalchemy.event.remove(self.engine, "before_cursor_execute", self._seen)

    def __len__(self):
        return len(self.statements)

    def __repr__(self):
        return f"{len(self)} statements:\n" + "\n".join(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: ...`, then `len(queries)`: to pin how many statements a path costs."""
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)


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
def officer_token(app):
    return make_token(app, "officer", "Meetings Management Section")


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
