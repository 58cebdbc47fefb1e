"""Probes for load balancers and orchestrators: /healthz (the process answers) and /readyz (it can serve)."""

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..tz_database import VERSION

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


@blp.get("/readyz")
def readyz():
    """Ready when the database answers and its schema is at this code's migrations' head, or
    ahead of it: migrations are additive, so hosts still on the previous release keep serving
    while an upgrade rolls (a revision this code does not know is a later one)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable", tz_database=VERSION), 503, {"Retry-After": "5"}
    scripts = _scripts()
    expected = set(scripts.get_heads())
    if current == expected:
        return jsonify(status="ok", database="ok", migrations="current", tz_database=VERSION)
    known = {script.revision for script in scripts.walk_revisions()}
    if current and not current & known:
        return jsonify(status="ok", database="ok", migrations="ahead", current=sorted(current), tz_database=VERSION)
    return (
        jsonify(
            status="unavailable",
            database="ok",
            migrations="pending",
            current=sorted(current),
            expected=sorted(expected),
            tz_database=VERSION,
        ),
        503,
        {"Retry-After": "30"},
    )
