"""GET /metrics in Prometheus' text format, served in front of the Flask app: to scrapes sending
METRICS_TOKEN when one is set, else only to this machine (loopback), unless METRICS_OPEN=1.

Served beside the app rather than by it: scrapes pass no API authentication, no rate limit,
and do not fill the access log or the latency histograms they report.

Under gunicorn each worker counts in its own files in PROMETHEUS_MULTIPROC_DIR (set up by
config/gunicorn.conf.py), and a scrape, whichever worker answers it, adds all of them up,
those of workers that have since exited included. Without that variable (flask run, tests)
the process's own counts are served.
"""

import hmac
import os

from prometheus_client import REGISTRY, CollectorRegistry, make_wsgi_app, multiprocess

METRICS_PATH = "/metrics"
LOOPBACK = ("127.0.0.1", "::1")


def _registry():
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class MetricsEndpoint:
    """WSGI middleware: answer /metrics itself, pass everything else to the app."""

    def __init__(self, app, token: str = "", open_to_all: bool = False):
        self.app = app
        self.expected_authorization = f"Bearer {token}".encode() if token else None
        self.open_to_all = open_to_all

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != METRICS_PATH:
            return self.app(environ, start_response)
        if not self._authorized(environ):
            start_response(
                "401 Unauthorized",
                [("Content-Type", "text/plain; charset=utf-8"), ("WWW-Authenticate", 'Bearer realm="metrics"')],
            )
            return [b"Send 'Authorization: Bearer <METRICS_TOKEN>'\n"]
        return make_wsgi_app(_registry())(environ, start_response)

    def _authorized(self, environ) -> bool:
        if self.expected_authorization is None:
            # Behind a proxy, REMOTE_ADDR is the client's only with TRUSTED_PROXIES set (ProxyFix is outside this):
            # a request a proxy forwarded is never taken for this machine's own.
            forwarded = "HTTP_X_FORWARDED_FOR" in environ
            return self.open_to_all or (environ.get("REMOTE_ADDR") in LOOPBACK and not forwarded)
        sent = environ.get("HTTP_AUTHORIZATION", "").encode("latin-1", "replace")
        return hmac.compare_digest(sent, self.expected_authorization)


def init_app(app) -> None:
    app.wsgi_app = MetricsEndpoint(app.wsgi_app, app.config["METRICS_TOKEN"], app.config["METRICS_OPEN"])
