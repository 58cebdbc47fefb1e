"""Answering a feed request from the host's files: open the file the client's Accept-Encoding
wants, take its ETag and Last-Modified from the open file, answer 304 or the bytes. Nothing else
is read: no database, no rendering.

Public feeds are answered by `PublicFeeds`, a WSGI middleware in front of the Flask app (as
/metrics is): no session, no credentials, no rate limit to pass. What it has no file for (a feed
not rendered yet, a filtered one, a private one) goes on to the Flask routes in api.py, which use
`respond` too.
"""

import gzip
import os
import re
import time
import uuid
from pathlib import Path

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

from ..observability import access_log, metrics
from ..observability.request_context import REQUEST_ID_HEADER, SANE_REQUEST_ID
from . import files

CONTENT_TYPE = "text/calendar; charset=utf-8"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# The public feeds' paths, and the route patterns their metrics and log lines are counted under.
PUBLIC_ROUTES = {
    re.compile(r"/feeds/all\.ics"): ("/feeds/all.ics", "all_meetings"),
    re.compile(r"/feeds/rooms/[^/]+\.ics"): ("/feeds/rooms/<code>.ics", "room"),
    re.compile(r"/feeds/bodies/[^/]+\.ics"): ("/feeds/bodies/<slug>.ics", "body"),
    re.compile(r"/feeds/processes/[^/]+\.ics"): ("/feeds/processes/<slug>.ics", "process"),
}


def respond(request: Request, root, key: str, filename: str, private: bool = False) -> Response | None:
    """The answer from the feed's file, or None if this host has none (yet)."""
    gzipped_path = files.path_of(Path(root), key)
    takes_gzip = request.accept_encodings["gzip"] > 0
    path = gzipped_path if takes_gzip or not files.has_plain_copy(key) else gzipped_path.with_suffix("")
    try:
        handle = open(path, "rb")  # the response closes it
    except FileNotFoundError:
        return None
    stat = os.fstat(handle.fileno())
    headers = Headers({"Content-Disposition": f'inline; filename="{filename}"', "Vary": "Accept-Encoding"})
    headers["Cache-Control"] = "private, max-age=300" if private else "public, max-age=300"
    headers.update(SECURITY_HEADERS)
    if takes_gzip:
        body, tag = wrap_file(request.environ, handle), files.etag(stat)
        headers["Content-Encoding"] = "gzip"
    elif path == gzipped_path:  # the rare client that takes no gzip, of a feed kept gzipped only
        with handle:
            body, tag = gzip.decompress(handle.read()), files.etag(stat)[:-1] + '-plain"'
    else:
        body, tag = wrap_file(request.environ, handle), files.etag(stat)
    response = Response(body, content_type=CONTENT_TYPE, headers=headers, direct_passthrough=True)
    response.content_length = len(body) if isinstance(body, bytes) else stat.st_size
    response.set_etag(tag.strip('"'))
    response.last_modified = stat.st_mtime
    return response.make_conditional(request)


class PublicFeeds:
    """WSGI middleware: answer a GET or HEAD of a public feed from its file, pass everything else on."""

    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app, self.flask_app = wsgi_app, flask_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        route = _public_route(path) if environ["REQUEST_METHOD"] in ("GET", "HEAD") else None
        if route is None or environ.get("QUERY_STRING"):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        if self.flask_app.config["FEEDS_RENDER_ON_REQUEST"]:  # tests only: see worker.run_round
            _render_now(self.flask_app)
        request = Request(environ)
        key = path.removeprefix("/feeds/")
        response = respond(request, self.flask_app.config["FEED_DIR"], key, key.rsplit("/", 1)[-1])
        if response is None:  # not rendered yet, or no such room, body or process: the app knows
            return self.wsgi_app(environ, start_response)
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        pattern, endpoint = route
        seconds = time.perf_counter() - started
        metrics.record_feed(request.method, pattern, endpoint, response.status_code, seconds)
        access_log.write_line(
            request.method, path, pattern, response.status_code, seconds, request.remote_addr, request_id
        )
        return response(environ, start_response)


def _public_route(path: str):
    if not path.startswith("/feeds/"):
        return None
    return next((route for pattern, route in PUBLIC_ROUTES.items() if pattern.fullmatch(path)), None)


def _render_now(flask_app) -> None:
    from .worker import run_round

    with flask_app.app_context():
        run_round()
