"""Feed paths (as the routes in feeds/api.py serve them) and absolute feed URLs, https and webcal."""

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


ALL_PATH = "all.ics"


def room_path(code: str) -> str:
    return f"rooms/{code}.ics"


def body_path(slug: str) -> str:
    return f"bodies/{slug}.ics"


def process_path(slug: str) -> str:
    return f"processes/{slug}.ics"


def subscription_path(secret: str) -> str:
    return f"subscriptions/{secret}.ics"
