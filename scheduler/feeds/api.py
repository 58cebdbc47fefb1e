"""Feed URLs that need the app: private feeds (their secret is checked at every request, so a
revoked one is 404 at once), feeds not rendered yet (a filtered one asked for the first time), and
free/busy. Rendered public feeds are answered before the app (serving.PublicFeeds)."""

import hashlib
import time
from datetime import timedelta

from flask import Blueprint, Response, current_app, request
from flask_limiter.util import get_remote_address
from limits import parse
from sqlalchemy import func, select

from ..clock import utcnow
from ..errors import NotFound, ServiceError
from ..extensions import db, limiter
from ..ical.freebusy import render_freebusy
from ..missions.service import subscription_for_token
from ..rooms.service import busy_periods
from . import documents, serving
from .links import ALL_PATH, base_url, body_path, process_path, room_path
from .models import FeedDocument
from .worker import add_documents, run_round

blp = Blueprint("feeds", __name__, url_prefix="/feeds")


FREEBUSY_DAYS_AHEAD = 366
# Filtered feeds (?kind=, ?status=) are made on their first request and kept up to date like the others:
# at most this many, so that requests cannot make the feed worker's work grow without end.
MAX_FILTERED_FEEDS = 500


class FeedUnavailable(ServiceError):
    status_code = 503


class TooManyRequests(ServiceError):
    status_code = 429


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
        if "?" in key and _filtered_feeds() >= MAX_FILTERED_FEEDS:
            raise TooManyRequests(
                "No new filtered feed can be made now; subscribe to the feed without ?kind= or ?status="
            )
        add_documents({key}, dirty_since=utcnow())
        db.session.commit()
        found = _wait_for(key, filename, private)
    status, headers, body = found
    return Response(body, status=status, headers=headers, direct_passthrough=True)


def _filtered_feeds() -> int:
    return db.session.scalar(select(func.count()).where(FeedDocument.key.contains("?")))


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
def subscription(token):
    """A mission's private feed. Unknown and revoked tokens are 404, and guessing is rate limited: misses
    are counted per address and refused (429) past RATELIMIT_FEED_MISSES, while a valid token is always
    served. Calendar services poll from shared addresses: bogus URLs must not lock real feeds out."""
    found = subscription_for_token(token)
    if found is None:
        _count_a_miss()
        raise NotFound("No such feed")
    return _feed(f"subscriptions/{found.id}.ics", "meetings.ics", private=True)


def _count_a_miss() -> None:
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]  # deployments sharing one Redis count apart
    limit, key = parse(current_app.config["RATELIMIT_FEED_MISSES"]), f"{prefix}:feed-misses:{get_remote_address()}"
    if not limiter.limiter.hit(limit, key):
        reset_at = limiter.limiter.get_window_stats(limit, key).reset_time
        retry_after = max(1, int(reset_at - time.time()))
        raise TooManyRequests(
            "Too many unknown feed addresses from here; try again later", headers={"Retry-After": str(retry_after)}
        )


@blp.get("/rooms/<code>.vfb")
def room_freebusy(code):
    """A room's busy time for the next year (Outlook's Internet Free/Busy), with no titles."""
    start = documents.window_start()
    end = start + timedelta(days=current_app.config["FEED_PAST_DAYS"] + FREEBUSY_DAYS_AHEAD)
    room, periods = busy_periods(code.upper(), start, end)
    uid, url = f"freebusy-room-{room.code}@{documents.uid_domain()}", f"{base_url()}feeds/rooms/{room.code}.vfb"
    # Stamped with the window's start, not with any meeting's last change: the bytes, and so the ETag,
    # change only when the busy time shown does (a closed meeting's notes, a request: nothing to see).
    body = render_freebusy(uid, url, start, end, periods, stamp=start)
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = Response(body, content_type=serving.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{code.upper()}.vfb"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(etag)  # ETag only: a deleted block can make the busy time older
    return response.make_conditional(request)
