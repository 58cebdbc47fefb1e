"""Feed URLs that need the app: private feeds (their secret is checked at every request, so a
revoked one is 404 at once), feeds not rendered yet (a filtered one asked for the first time), and
free/busy. Rendered public feeds are answered before the app (serving.PublicFeeds)."""

import time

from flask import Blueprint, Response, current_app, request

from ..clock import utcnow
from ..errors import NotFound, ServiceError
from ..extensions import db, limiter
from ..missions.service import subscription_for_token
from . import documents, serving
from .freebusy import room_freebusy as freebusy
from .links import ALL_PATH, base_url, body_path, process_path, room_path
from .worker import add_documents, run_round

blp = Blueprint("feeds", __name__, url_prefix="/feeds")


class FeedUnavailable(ServiceError):
    status_code = 503


def _values(name: str) -> list[str]:
    return [value for item in request.args.getlist(name) for value in item.split(",") if value]


def _feed(key: str, filename: str, private: bool = False) -> Response:
    """The feed's answer from this host's files; a feed never rendered is asked for, and waited for."""
    if current_app.config["FEEDS_RENDER_ON_REQUEST"]:
        run_round()
    found = serving.answer(request.environ, current_app.config["FEED_DIR"], key, filename, private)
    if found is None:
        if documents.definition(key) is None:
            raise NotFound("No such feed")
        add_documents({key}, dirty_since=utcnow())
        db.session.commit()
        found = _wait_for(key, filename, private)
    status, headers, body = found
    return Response(body, status=status, headers=headers, direct_passthrough=True)


def _wait_for(key: str, filename: str, private: bool):
    deadline = time.monotonic() + current_app.config["FEED_FIRST_RENDER_WAIT"]
    while True:
        if current_app.config["FEEDS_RENDER_ON_REQUEST"]:
            run_round()
        found = serving.answer(request.environ, current_app.config["FEED_DIR"], key, filename, private)
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    raise FeedUnavailable("The feed is being made; try again in a minute", headers={"Retry-After": "60"})


def _public(path: str, filename: str) -> Response:
    return _feed(documents.variant_key(path, _values("kind"), _values("status")), filename)


@blp.get("/all.ics")
def all_meetings():
    return _public(ALL_PATH, "all.ics")


@blp.get("/rooms/<code>.ics")
def room(code):
    return _public(room_path(code.upper()), f"{code.upper()}.ics")


@blp.get("/bodies/<slug>.ics")
def body(slug):
    return _public(body_path(slug), f"{slug}.ics")


@blp.get("/processes/<slug>.ics")
def process(slug):
    return _public(process_path(slug), f"{slug}.ics")


@blp.get("/subscriptions/<token>.ics")
@limiter.limit(
    lambda: current_app.config["RATELIMIT_FEED_MISSES"], deduct_when=lambda response: response.status_code == 404
)
def subscription(token):
    """A mission's private feed. Unknown and revoked tokens are 404, and guessing is rate limited."""
    found = subscription_for_token(token)
    if found is None:
        raise NotFound("No such feed")
    return _feed(f"subscriptions/{found.id}.ics", "meetings.ics", private=True)


@blp.get("/rooms/<code>.vfb")
def room_freebusy(code):
    body, etag = freebusy(code, base_url())
    response = Response(body, content_type=serving.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{code.upper()}.vfb"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(etag)  # ETag only: a deleted block can make the busy time older
    return response.make_conditional(request)
