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

# A subscription feed's URL is its password: /feeds/subscriptions/<token>.ics. Whatever follows
# "subscriptions/" anywhere is redacted, however the path is spelled (//, ./, case: a mistyped URL
# holds the secret as much as the right one), the API's subscription ids with it.
SECRET_PATHS = re.compile(r"(?i)(subscriptions?/).*")  # the singular too: a mistyped URL holds the secret
REDACTED = "[redacted]"
# Control characters would start a forged line in the text log format: written as \xNN.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# Load balancers ask these every few seconds; only their failures are worth a line.
PROBES = ("/healthz", "/readyz")


def loggable_path(path: str) -> str:
    path = CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", path)
    normalised = re.sub(r"/(\./)+", "/", re.sub(r"/{2,}", "/", path))
    return SECRET_PATHS.sub(lambda match: match.group(1) + REDACTED, normalised)


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
