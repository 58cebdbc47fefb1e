"""What the service counts for Prometheus, all read from requests and their answers.

Handlers and services hold no metric calls: an after_request hook sorts each answer by its
route and status. Labels are route patterns and status codes only (never raw paths), so the
number of series stays small and no secret from a URL reaches /metrics.
"""

from flask import request
from prometheus_client import Counter, Histogram

from .request_context import elapsed_seconds, route_of_request

KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Targets: a warm feed in under 10 ms at the median, a booking in under 100 ms at p99.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# The requests that book: the endpoint (blueprint.view) answering POST with 201 or 409.
BOOKING_ENDPOINTS = {"meetings.Meetings": "meeting", "series.Series": "series"}
# Where an answer of 409 is a collision with what the rooms already hold (or a state conflict).
CONFLICT_BLUEPRINTS = {"meetings", "series"}

HTTP_REQUESTS = Counter(
    "scheduler_http_requests", "HTTP requests answered, by route and status", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "scheduler_http_request_duration_seconds",
    "Time to build each answer, by route",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
BOOKINGS = Counter(
    "scheduler_bookings", "Bookings of meetings and series: created (201) or refused (409)", ["kind", "outcome"]
)
CONFLICTS = Counter(
    "scheduler_booking_conflicts", "409 answers of the meetings and series API, by route", ["method", "route"]
)
FEED_REQUESTS = Counter(
    "scheduler_feed_requests", "Feed requests by feed and status (200 served, 304 not modified)", ["feed", "status"]
)
READ_RETRIES = Counter("scheduler_read_retries", "Reads run again after the database dropped their connection")

for kind in BOOKING_ENDPOINTS.values():  # every booking series exists from the start, so rate() sees zeros
    for outcome in ("created", "refused"):
        BOOKINGS.labels(kind=kind, outcome=outcome)


def record_request(response):
    method = request.method if request.method in KNOWN_METHODS else "other"
    route = route_of_request()
    status = response.status_code
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_LATENCY.labels(method=method, route=route).observe(elapsed_seconds())
    endpoint = request.endpoint or ""
    if method == "POST" and endpoint in BOOKING_ENDPOINTS and status in (201, 409) and _asked_public():
        BOOKINGS.labels(kind=BOOKING_ENDPOINTS[endpoint], outcome="created" if status == 201 else "refused").inc()
    if status == 409 and request.blueprint in CONFLICT_BLUEPRINTS:
        CONFLICTS.labels(method=method, route=route).inc()
    if request.blueprint == "feeds":
        FEED_REQUESTS.labels(feed=endpoint.removeprefix("feeds."), status=str(status)).inc()
    return response


def _asked_public() -> bool:
    """Bookings are counted only when public: a count of closed meetings or missions' requests would tell,
    to whoever scrapes, when hidden activity happens."""
    from ..accounts.service import BOOKING_ROLES, current_actor  # (accounts imports this package)

    asked = request.get_json(silent=True)
    booking = current_actor().role in BOOKING_ROLES  # a mission's POST is a request, not a booking
    return booking and isinstance(asked, dict) and asked.get("visibility", "public") == "public"


def record_feed(method: str, route: str, feed: str, status: int, seconds: float) -> None:
    """A feed answered beside the Flask app (scheduler/feeds/serving.py), counted as if by it."""
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_LATENCY.labels(method=method, route=route).observe(seconds)
    FEED_REQUESTS.labels(feed=feed, status=str(status)).inc()


def init_app(app) -> None:
    app.after_request(record_request)
