"""Absolute feed URLs, https and webcal, for the API to hand out."""
from flask import current_app, request


def base_url() -> str:
    """Where clients reach this service: PUBLIC_URL when set (behind a proxy), else as asked."""
    configured = current_app.config.get("PUBLIC_URL")
    return (configured.rstrip("/") + "/") if configured else request.url_root


def feed_url(path: str) -> str:
    return f"{base_url()}feeds/{path}"


def webcal_url(path: str) -> str:
    """The same feed for calendar apps that subscribe on a click (webcal:// is http(s) underneath)."""
    url = feed_url(path)
    return "webcal://" + url.split("://", 1)[1]
