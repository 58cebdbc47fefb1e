"""Meeting scheduling and room booking for intergovernmental conference venues."""

from . import tz_database  # noqa: F401, I001  (first: every zone is read from the pinned tz database)

import logging
import os

from flask import Flask, current_app, request, session
from flask_limiter.util import get_remote_address
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import INSTANCE_DIR, PROJECT_ROOT, load_settings

from .api_docs import blp as api_docs_blp
from .extensions import api, db, limiter, mail, migrate
from .observability import init_app as init_observability
from .request_body import WRITE_METHODS

API_SETTINGS = {
    "API_TITLE": "Scheduler",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    # /feeds//subscriptions/<secret>.ics is a 404, not a redirect to the feed: no URL of a secret is rewritten.
    app.url_map.merge_slashes = False
    app.config.update(API_SETTINGS)
    app.config.update(load_settings())
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False
    os.makedirs(app.instance_path, exist_ok=True)  # where the embedded SQLite database lives
    init_observability(app)
    logging.basicConfig(level=logging.INFO)

    if app.config["TRUSTED_PROXIES"]:
        # Client addresses (rate limits) and URLs come from the proxies' headers, as far as trusted.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)

    @app.teardown_appcontext
    def end_transaction_quietly(_error):
        # Runs before Flask-SQLAlchemy's own teardown (teardowns run last-registered first). If PostgreSQL
        # ended the connection after the commit, ROLLBACK raises there and the client would get a bare 500
        # for a booking that was saved; here the dead connection is dropped instead.
        try:
            db.session.rollback()
        except SQLAlchemyError:
            db.session().invalidate()

    limiter.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    mail.init_app(app)
    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{}, {"bearer": []}]

    with app.app_context():
        _configure_sqlite(db.engine)

    from . import models  # noqa: F401  (every model registered before migrations look)
    from .accounts.api import blp as tokens_blp
    from .assistant.api import blp as assistant_blp
    from .meetings.api import blp as meetings_blp
    from .missions.api import blp as missions_blp
    from .missions.api import subscriptions_blp
    from .notifications.api import blp as outbox_blp
    from .processes.api import blp as processes_blp
    from .processes.api import bodies_blp
    from .rooms.api import blp as rooms_blp
    from .series.api import blp as series_blp
    from .venues.api import blp as venues_blp

    for blueprint in (
        venues_blp,
        rooms_blp,
        processes_blp,
        bodies_blp,
        meetings_blp,
        missions_blp,
        subscriptions_blp,
        tokens_blp,
        assistant_blp,
        series_blp,
        outbox_blp,
    ):
        limit_writes(blueprint)
        api.register_blueprint(blueprint)

    from .feeds.api import blp as feeds_blp
    from .feeds.serving import PublicFeeds
    from .feeds.tracking import track_changes

    app.register_blueprint(feeds_blp)
    app.wsgi_app = PublicFeeds(app.wsgi_app, app)
    from .health.api import blp as health_blp

    app.register_blueprint(health_blp)
    app.register_blueprint(api_docs_blp)
    from .web import init_app as init_web_pages

    init_web_pages(app)
    track_changes()
    from .meetings.wall_times import keep_wall_times
    from .notifications.outbox import record_messages

    keep_wall_times()
    record_messages()

    from .accounts.service import current_actor
    from .errors import register_error_handlers
    from .request_body import check_api_body

    register_error_handlers(app)

    # Credentials, when sent, are checked on every request: a bad token is a 401 even where
    # the data is public, so a client learns at once that its token is wrong.
    @app.before_request
    def authenticate():
        current_actor()

    app.before_request(check_api_body)

    app.after_request(add_security_headers)

    from .accounts.cli import tokens_cli
    from .feeds.cli import feeds_cli
    from .meetings.cli import timezones_cli
    from .missions.cli import missions_cli
    from .notifications.cli import mail_cli
    from .venues.cli import holidays_cli, seed_command

    app.cli.add_command(tokens_cli)
    app.cli.add_command(feeds_cli)
    app.cli.add_command(missions_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(holidays_cli)
    app.cli.add_command(timezones_cli)
    app.cli.add_command(mail_cli)
    return app


def _configure_sqlite(engine) -> None:
    """Make SQLite safe for booking: foreign keys on, and every write request serialized.

    A write request's transaction starts with BEGIN IMMEDIATE, taking the database's write
    lock before its first read, so that "check for conflicts, then insert" cannot interleave
    with another worker's. Reads start a plain deferred transaction and never wait.
    """
    if engine.dialect.name != "sqlite":
        return
    from flask import has_request_context, request

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the events below issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


_limited_blueprints: set[str] = set()


def limit_writes(blueprint) -> None:
    """Rate-limit a blueprint's writes, per token (or per address without one)."""
    if blueprint.name in _limited_blueprints:  # blueprints are module-level: limit them once
        return
    _limited_blueprints.add(blueprint.name)
    limiter.limit(lambda: current_app.config["RATELIMIT_WRITES"], key_func=_writer, methods=list(WRITE_METHODS))(
        blueprint
    )


def _writer() -> str:
    """Who is writing: the bearer token (however the header spells it), else the token a web session signed
    in with, else the address."""
    from .accounts.service import bearer_secret, hash_token

    secret = bearer_secret(request.headers.get("Authorization", ""))
    if secret:
        return "token:" + hash_token(secret)
    if session.get("token_id") is not None:
        return f"session-token:{session['token_id']}"
    return "address:" + get_remote_address()


def add_security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype in ("application/json", "text/calendar"):
        response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
    return response
