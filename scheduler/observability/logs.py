"""Where log lines go and how they look: JSON objects or text, each with the request id.

One handler on the root logger writes to standard error (gunicorn passes it on), so every
logger of the app and its libraries gets the same format. JSON is for log collectors; text is
for people reading a terminal.
"""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from config.settings import ConfigurationError

from .request_context import current_request_id

LOG_FORMATS = ("json", "text")
HANDLER_NAME = "scheduler"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request it was written during (unless it came with one:
    a line written outside Flask's request context, by a WSGI middleware)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the time (test runners replace it)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def make_formatter(log_format: str) -> logging.Formatter:
    if log_format not in LOG_FORMATS:
        raise ConfigurationError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    if log_format == "text":
        return logging.Formatter(TEXT_FORMAT)
    return JsonFormatter(
        ["levelname", "name", "message", "request_id"],
        timestamp="time",
        rename_fields={"levelname": "level", "name": "logger"},
    )


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """Install (or, for a second app in the same process, update) the one root handler."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = StderrHandler()
        handler.set_name(HANDLER_NAME)
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(make_formatter(log_format))
    root.setLevel(level)
