"""One log line per request: method, path, route, status, duration and request id.

It replaces gunicorn's access log (off by default in config/gunicorn.conf.py), which would write
the secret token of a subscription feed's URL and knows no request id. Query strings are never
logged: they may carry secrets too.
"""

import logging
import re

from flask import request

from .request_context import current_request_id, elapsed_seconds, route_of_request

log = logging.getLogger("scheduler.access")

# A subscription feed's URL is its password: /feeds/subscriptions/<token>.ics.
SECRET_PATHS = re.compile(r"^(/feeds/subscriptions/)[^/]+")
REDACTED = "[redacted]"
# Load balancers ask these every few seconds; only their failures are worth a line.
PROBES = ("/healthz", "/readyz")


def loggable_path(path: str) -> str:
    return SECRET_PATHS.sub(lambda match: match.group(1) + REDACTED, path)


def log_request(response):
    if request.path in PROBES and response.status_code < 400:
        return response
    write_line(
        request.method,
        request.path,
        route_of_request(),
        response.status_code,
        elapsed_seconds(),
        request.remote_addr,
        current_request_id(),
    )
    return response


def write_line(method: str, path: str, route: str, status: int, seconds: float, remote_addr, request_id: str) -> None:
    path = loggable_path(path)
    duration_ms = round(seconds * 1000, 1)
    log.log(
        logging.WARNING if status >= 500 else logging.INFO,
        "%s %s %s %.1f ms",
        method,
        path,
        status,
        duration_ms,
        extra={
            "method": method,
            "path": path,
            "route": route,
            "status": status,
            "duration_ms": duration_ms,
            "remote_addr": remote_addr,
            "request_id": request_id,
        },
    )


def init_app(app) -> None:
    app.after_request(log_request)
