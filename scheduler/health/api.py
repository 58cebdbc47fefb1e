"""Probes for load balancers and orchestrators: /healthz (the process answers) and /readyz (it can serve)."""
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _expected_revisions() -> set[str]:
    migrate = current_app.extensions["migrate"]
    return set(ScriptDirectory.from_config(migrate.migrate.get_config()).get_heads())


@blp.get("/readyz")
def readyz():
    """Ready when the database answers and its schema is at the migrations' head."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503, {"Retry-After": "5"}
    expected = _expected_revisions()
    if current != expected:
        return jsonify(status="unavailable", database="ok", migrations="pending",
                       current=sorted(current), expected=sorted(expected)), 503, {"Retry-After": "30"}
    return jsonify(status="ok", database="ok", migrations="current")
