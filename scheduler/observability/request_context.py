"""Each request's id and start time, which its log lines and metrics share.

The id comes from the caller's X-Request-ID (a load balancer's or a client's) when it is sane,
so one id follows a request through every hop; otherwise a new one is made. It goes back in the
response's X-Request-ID for clients to quote.
"""

import re
import time
import uuid

from flask import g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may be: short, and nothing that could forge a log line or a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")
NO_REQUEST = "-"


def begin_request() -> None:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def current_request_id() -> str:
    """The id of the request being served, or "-" outside one."""
    if not has_request_context():
        return NO_REQUEST
    if "request_id" not in g:
        # Set by begin_request, unless an earlier before_request hook cut the request short.
        begin_request()
    return g.request_id


def elapsed_seconds() -> float:
    started = g.get("request_started")
    return time.perf_counter() - started if started is not None else 0.0


def route_of_request() -> str:
    """The matched route's pattern (never the raw path, which may hold a secret), or "unmatched"."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def echo_request_id(response):
    response.headers[REQUEST_ID_HEADER] = current_request_id()
    return response


def init_app(app) -> None:
    app.before_request(begin_request)
    app.after_request(echo_request_id)
