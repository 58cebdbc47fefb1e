"""Feed URLs: iCalendar bytes for calendar clients (no JSON, no credentials)."""
from flask import Blueprint, Response, request

from . import service
from .links import base_url

blp = Blueprint("feeds", __name__, url_prefix="/feeds")

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _filters() -> dict:
    def values(name):
        return [v for item in request.args.getlist(name) for v in item.split(",") if v]

    return {"kinds": values("kind"), "statuses": values("status")}


def _respond(body: bytes, etag: str, last_modified, filename: str, gzipped=None) -> Response:
    use_gzip = gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(gzipped() if use_gzip else body, content_type=CONTENT_TYPE)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(etag + ("-gzip" if use_gzip else ""))
    response.last_modified = last_modified
    # 304 on a matching If-None-Match (or, without one, an If-Modified-Since); HEAD gets no body.
    return response.make_conditional(request)


def _serve(spec) -> Response:
    rendered = service.feed(spec)
    return _respond(rendered.body, rendered.etag, rendered.last_modified, f"{spec.filename}.ics", rendered.gzipped)


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
    body, etag, stamp = service.room_freebusy(code, base_url())
    return _respond(body, etag, stamp, f"{code.upper()}.vfb")
