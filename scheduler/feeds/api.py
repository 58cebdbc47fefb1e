"""Feed URLs: iCalendar bytes for calendar clients (no JSON, no credentials)."""

from datetime import timedelta

from flask import Blueprint, Response, current_app, request

from ..clock import utcnow
from ..errors import NotFound
from ..extensions import limiter
from ..missions.service import subscription_for_token
from . import service
from .links import base_url

blp = Blueprint("feeds", __name__, url_prefix="/feeds")

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _filters() -> dict:
    def values(name):
        return [v for item in request.args.getlist(name) for v in item.split(",") if v]

    return {"kinds": values("kind"), "statuses": values("status")}


def _respond(body, etag: str, last_modified, filename: str, gzipped: bytes | None = None, private=False) -> Response:
    """`body`: the bytes, or a function giving them (only called for a client that takes no gzip)."""
    use_gzip = gzipped is not None and request.accept_encodings.quality("gzip") > 0
    response = Response(gzipped if use_gzip else (body() if callable(body) else body), content_type=CONTENT_TYPE)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300" if private else "public, max-age=300"
    response.set_etag(etag + ("-gzip" if use_gzip else ""))
    if last_modified is not None:
        # HTTP dates count whole seconds. Rounded up, and sent only once that second is over, a
        # Last-Modified can never hide a later change made within the same second.
        rounded = last_modified.replace(microsecond=0) + timedelta(seconds=1 if last_modified.microsecond else 0)
        if rounded <= utcnow():
            response.last_modified = rounded
    # 304 on a matching If-None-Match (or, without one, an If-Modified-Since); HEAD gets no body.
    return response.make_conditional(request)


def _serve(spec) -> Response:
    rendered = service.feed(spec)
    return _respond(
        lambda: rendered.body,
        rendered.etag,
        rendered.last_modified,
        f"{spec.filename}.ics",
        rendered.gzipped,
        private=spec.private,
    )


@blp.get("/all.ics")
def all_meetings():
    return _serve(service.all_feed(base_url(), **_filters()))


@blp.get("/rooms/<code>.ics")
def room(code):
    return _serve(service.room_feed(code, base_url(), **_filters()))


@blp.get("/bodies/<slug>.ics")
def body(slug):
    return _serve(service.body_feed(slug, base_url(), **_filters()))


@blp.get("/processes/<slug>.ics")
def process(slug):
    return _serve(service.process_feed(slug, base_url(), **_filters()))


@blp.get("/rooms/<code>.vfb")
def room_freebusy(code):
    # ETag only: a deleted block can make the busy time older, so Last-Modified would mislead.
    body, etag = service.room_freebusy(code, base_url())
    return _respond(body, etag, None, f"{code.upper()}.vfb")


@blp.get("/subscriptions/<token>.ics")
@limiter.limit(
    lambda: current_app.config["RATELIMIT_FEED_MISSES"], deduct_when=lambda response: response.status_code == 404
)
def subscription(token):
    """A mission's private feed. Unknown and revoked tokens are 404, and guessing is rate limited."""
    found = subscription_for_token(token)
    if found is None:
        raise NotFound("No such feed")
    return _serve(service.subscription_feed(found, token, base_url()))
