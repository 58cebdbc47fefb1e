"""The Flask extensions, created here and bound to the app in create_app()."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest.pagination import PaginationMetadataSchema
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from .errors import ErrorSchema

# Named constraints, so that Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
mail = Mail()


def commit_as_written() -> None:
    """Commit, keeping what the session holds as it was written rather than expiring it: for an
    answer that shows what was just written, when nothing but this request's own statements (no
    trigger, no server default) set it. Reloading a booked meeting, its room and venue after the
    commit was three round trips and about a tenth of a booking's time."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


class SchedulerApi(Api):
    """flask-smorest's Api, documenting what this service really sends."""

    ERROR_SCHEMA = ErrorSchema

    def _register_pagination_header(self):
        # flask-smorest sends X-Pagination as JSON, not in OpenAPI's default header encoding.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata, as JSON",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )


api = SchedulerApi()

# Storage from RATELIMIT_STORAGE_URI: memory by default, Redis to share limits between workers.
limiter = Limiter(key_func=get_remote_address)

# CSRF tokens for the web pages' forms (the API takes bearer tokens, not cookies, and needs none).
csrf = CSRFProtect()
