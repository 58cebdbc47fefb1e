"""The one JSON error format: {"code", "status", "message", "errors"?, ...}.

Services raise the exceptions below; handlers here turn them, HTTP errors and database
errors into that format. A client never sees a stack trace.
"""

import logging

from flask import jsonify
from flask_smorest.error_handler import ErrorSchema as SmorestErrorSchema
from marshmallow import fields
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, UnprocessableEntity
from werkzeug.http import HTTP_STATUS_CODES

from .schema_fields import plain_messages

log = logging.getLogger(__name__)

# PostgreSQL SQLSTATE exclusion_violation, and the message of our SQLite trigger (see migrations).
EXCLUSION_VIOLATION = "23P01"
SQLITE_OVERLAP_MESSAGE = "room_already_held"
# What Python's sqlite3 raises (as a bare OverflowError) for an integer beyond 64 bits.
SQLITE_INTEGER_OVERFLOW_MESSAGE = "too large to convert to SQLite INTEGER"
VALUE_OUT_OF_RANGE = "A value in the request is out of the range the database can hold"


class ErrorSchema(SmorestErrorSchema):
    """The error body, as documented in OpenAPI."""

    conflicts = fields.List(fields.Dict(), metadata={"description": "409: what the request collides with"})
    alternatives = fields.Dict(metadata={"description": "409: other rooms and times that are free"})
    current_etag = fields.String(metadata={"description": "412: the meeting's ETag now"})
    meeting_status = fields.String(metadata={"description": "409: the meeting's status, which does not allow that"})


class ServiceError(Exception):
    status_code = 400

    def __init__(self, message: str, errors: dict | None = None, headers: dict | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class Unauthorized(ServiceError):
    status_code = 401

    def __init__(self, message="Send 'Authorization: Bearer <token>'", **kw):
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="scheduler"'}, **kw)


class Forbidden(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    status_code = 409


class UnsupportedMediaType(ServiceError):
    status_code = 415


class PreconditionFailed(ServiceError):
    status_code = 412


class FieldErrors(ServiceError):
    """422 naming the fields at fault, in the same shape as schema validation errors."""

    status_code = 422

    def __init__(self, errors: dict, message: str | None = None, location="json"):
        super().__init__(
            message or fields_message(errors),
            errors={location: {k: v if isinstance(v, list) else [v] for k, v in errors.items()}},
        )


def fields_message(errors: dict) -> str:
    """The `message` of a 422: each field at fault with its first message ("title: Give a title").
    `errors` is {field: messages}, or {location: {field: messages}} as in the answer."""
    if errors and all(isinstance(value, dict) for value in errors.values()):
        errors = {name: value for at in errors.values() for name, value in at.items()}
    parts = [message if name == "_schema" else f"{name}: {message}" for name, message in _firsts(errors)]
    return "; ".join(parts) or "The request is not valid"


def _firsts(errors: dict):
    for name, value in errors.items():
        while isinstance(value, (dict, list)) and value:  # list items' messages: {"0": [...]}
            value = next(iter(value.values())) if isinstance(value, dict) else value[0]
        yield name, str(value).rstrip(".")


def is_overlap_violation(error: DBAPIError) -> bool:
    """True when the database itself refused a booking because the room is held."""
    orig = error.orig
    if getattr(orig, "sqlstate", None) == EXCLUSION_VIOLATION:
        return True
    return SQLITE_OVERLAP_MESSAGE in str(orig)


def error_body(status: int, message: str | None = None, **extra) -> dict:
    body = {"code": status, "status": HTTP_STATUS_CODES.get(status, "Error")}
    if message:
        body["message"] = message
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def error_answer(error: Exception) -> tuple[dict, int, dict]:
    """The body, status and headers that answer an error: the one place that decides them,
    for the API (as JSON) and for the web pages (as HTML)."""
    if isinstance(error, ServiceError):
        return (
            error_body(error.status_code, error.message, errors=error.errors, **error.extra),
            error.status_code,
            error.headers,
        )
    if isinstance(error, UnprocessableEntity) and "messages" in (getattr(error, "data", None) or {}):
        errors = plain_messages(error.data["messages"])  # the schemas' messages, by location
        return error_body(422, fields_message(errors), errors=errors), 422, {}
    if isinstance(error, MethodNotAllowed):
        # flask-smorest's handler drops the Allow header that RFC 9110 requires with 405.
        return (
            error_body(405, "This method is not allowed here"),
            405,
            {"Allow": ", ".join(sorted(error.valid_methods or []))},
        )
    if isinstance(error, IntegrityError):
        # Services translate the errors they expect; this is the last line for the rest.
        if is_overlap_violation(error):
            return error_body(409, "The room is already held for that time"), 409, {}
        log.warning("integrity error: %s", error.orig)
        return error_body(409, "The change conflicts with existing data"), 409, {}
    if isinstance(error, DataError):
        # The database refused a value the schemas let through, e.g. /meetings/56566073504 on PostgreSQL,
        # whose id column holds 32 bits (SQLSTATE 22003). The client's doing, not the server's.
        log.warning("data error: %s", error.orig)
        return error_body(400, VALUE_OUT_OF_RANGE), 400, {}
    if isinstance(error, OperationalError):
        log.error("database unavailable: %s", error.orig)
        return error_body(503, "The database is unavailable; try again shortly"), 503, {"Retry-After": "5"}
    if isinstance(error, HTTPException):
        return error_body(error.code or 500, error.description), error.code or 500, {}
    if isinstance(error, OverflowError) and SQLITE_INTEGER_OVERFLOW_MESSAGE in str(error):
        # SQLite's counterpart of the DataError above, e.g. /meetings/99999999999999999999.
        return error_body(400, VALUE_OUT_OF_RANGE), 400, {}
    log.exception("unexpected error")
    return error_body(500, "Internal error; it has been logged"), 500, {}


# Registered for each of these, not just Exception: Flask picks the most specific class
# registered anywhere (flask-smorest registers HTTPException for its own JSON errors).
HANDLED_ERRORS = (
    ServiceError,
    MethodNotAllowed,
    UnprocessableEntity,
    IntegrityError,
    DataError,
    OperationalError,
    Exception,
)


def register_error_handlers(app):
    def json_error(error: Exception):
        page = app.extensions.get("error_page")  # the web pages answer errors on their addresses in HTML
        if page is not None and (answer := page(error)) is not None:
            return answer
        body, status, headers = error_answer(error)
        return jsonify(body), status, headers

    for error_class in HANDLED_ERRORS:
        app.register_error_handler(error_class, json_error)
