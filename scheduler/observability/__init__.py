"""Logs, metrics and resilient reads: what operators need to see and trust the service.

init_app is called early in create_app, so that the request id and the clock start before any
other before_request hook (authentication, rate limits) can cut a request short.
"""

from . import access_log, logs, metrics, metrics_endpoint, read_retry, request_context


def init_app(app) -> None:
    logs.configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    request_context.init_app(app)
    access_log.init_app(app)
    if app.config["METRICS_ENABLED"]:
        metrics.init_app(app)
        metrics_endpoint.init_app(app)
    read_retry.init_app(app)
