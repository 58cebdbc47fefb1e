"""Answering a feed request from the host's files: open the file the client's Accept-Encoding
wants, take its ETag and Last-Modified from the open file, answer 304 or the bytes. Nothing else
is read: no database, no rendering.

Public feeds are answered by `PublicFeeds`, a WSGI middleware in front of the Flask app (as
/metrics is): no session, no credentials, no rate limit to pass. They are counted in /metrics;
their access lines are written only with FEED_ACCESS_LOG (a line costs about as much as the rest
of the answer, and nginx, where it serves them, logs them anyway). What it has no file for (a feed
not rendered yet, a filtered one) and private feeds go on to the Flask routes in api.py, which
build their answers with `answer` too.
"""

import gzip
import os
import re
import time

from werkzeug.http import http_date, is_resource_modified, parse_accept_header
from werkzeug.wsgi import wrap_file

from ..observability import access_log, metrics
from . import files

CONTENT_TYPE = "text/calendar; charset=utf-8"
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
]
# The public feeds' paths, and the route patterns and feed names they are counted under.
PUBLIC_ROUTES = {
    re.compile(r"/feeds/all\.ics"): ("/feeds/all.ics", "all_meetings"),
    re.compile(r"/feeds/rooms/[^/]+\.ics"): ("/feeds/rooms/<code>.ics", "room"),
    re.compile(r"/feeds/bodies/[^/]+\.ics"): ("/feeds/bodies/<slug>.ics", "body"),
    re.compile(r"/feeds/processes/[^/]+\.ics"): ("/feeds/processes/<slug>.ics", "process"),
}


def answer(environ, root: str, key: str, filename: str, private: bool = False):
    """(status, headers, body) from the feed's file, or None if this host has no copy (yet)."""
    takes_gzip = parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))["gzip"] > 0
    gzipped = files.path_of(root, key)
    inflate = not takes_gzip and not files.has_plain_copy(key)  # the rare client that takes no gzip
    try:
        handle = open(gzipped if takes_gzip or inflate else gzipped[:-3], "rb")  # the body closes it
    except FileNotFoundError:
        return None
    stat = os.fstat(handle.fileno())
    tag = files.etag(stat)
    if inflate:
        tag = tag[:-1] + '-plain"'
    headers = [
        ("ETag", tag),
        ("Last-Modified", http_date(int(stat.st_mtime))),
        ("Cache-Control", "private, max-age=300" if private else "public, max-age=300"),
        ("Vary", "Accept-Encoding"),
        *SECURITY_HEADERS,
    ]
    if not is_resource_modified(environ, etag=tag.strip('"'), last_modified=http_date(int(stat.st_mtime))):
        handle.close()
        return "304 Not Modified", headers, []
    headers += [("Content-Type", CONTENT_TYPE), ("Content-Disposition", f'inline; filename="{filename}"')]
    if inflate:
        with handle:
            body = [gzip.decompress(handle.read())]
        size = len(body[0])
    else:
        body, size = wrap_file(environ, handle), stat.st_size
        if takes_gzip:
            headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(size)))
    if environ["REQUEST_METHOD"] == "HEAD":
        handle.close()
        body = []
    return "200 OK", headers, body


class PublicFeeds:
    """WSGI middleware: answer a GET or HEAD of a public feed from its file, pass everything else on."""

    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app, self.config = wsgi_app, flask_app.config
        self.flask_app = flask_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        route = _public_route(path) if environ["REQUEST_METHOD"] in ("GET", "HEAD") else None
        if route is None or environ.get("QUERY_STRING"):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        if self.config["FEEDS_RENDER_ON_REQUEST"]:  # tests only: see worker.run_round
            _render_now(self.flask_app)
        key = path.removeprefix("/feeds/")
        found = answer(environ, self.config["FEED_DIR"], key, key.rsplit("/", 1)[-1])
        if found is None:  # not rendered yet, or no such room, body or process: the app knows
            return self.wsgi_app(environ, start_response)
        status, headers, body = found
        pattern, feed = route
        seconds, code = time.perf_counter() - started, int(status[:3])
        metrics.record_feed(environ["REQUEST_METHOD"], pattern, feed, code, seconds)
        if self.config["FEED_ACCESS_LOG"]:
            address = environ.get("REMOTE_ADDR")
            access_log.write_line(environ["REQUEST_METHOD"], path, pattern, code, seconds, address, "-")
        start_response(status, headers)
        return body


def _public_route(path: str):
    if not path.startswith("/feeds/"):
        return None
    return next((route for pattern, route in PUBLIC_ROUTES.items() if pattern.fullmatch(path)), None)


def _render_now(flask_app) -> None:
    from .worker import run_round

    with flask_app.app_context():
        run_round()
