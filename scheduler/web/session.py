"""Who is looking at a page: signed in with an API token, then known by a session cookie.

The cookie holds the token's id, not its secret; every request looks the token up again, so
revoking or expiring a token ends its web sessions too. Only web pages read the cookie: the
API keeps to bearer tokens, so a forged cross-site request cannot act through the API.
"""

from functools import wraps
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from ..accounts.models import ApiToken
from ..accounts.service import ANONYMOUS, STAFF_ROLES, Actor, active_token, actor_of, token_state
from ..errors import Forbidden
from ..extensions import db


def load_actor() -> None:
    """Before each page: the signed-in person, or the anonymous public."""
    actor = ANONYMOUS
    token_id = session.get("token_id")
    if token_id is not None:
        token = db.session.get(ApiToken, token_id)
        if token is None or token_state(token) != "active":
            session.clear()
        else:
            actor = actor_of(token)
    g.actor = actor


def page_actor() -> Actor:
    return g.get("actor", ANONYMOUS)


def sign_in(secret: str) -> Actor | None:
    token = active_token(secret) if secret.strip() else None
    if token is None:
        return None
    session.clear()  # a new session for a new person: nothing carried over from before
    session["token_id"] = token.id
    session.permanent = True
    return actor_of(token)


def sign_out() -> None:
    session.clear()


def home_of(actor: Actor) -> str:
    if actor.role in STAFF_ROLES:
        return url_for("web.console")
    if actor.role == "mission":
        return url_for("web.mission_home")
    return url_for("web.journal_today")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send someone elsewhere after signing in."""
    if not target or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return None  # control characters and spaces: never put them in a Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def signed_in(*roles: str):
    """Page decorator: sign in first (then come back here); a role the page is not for is a 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = page_actor()
            if actor.is_anonymous:
                return redirect(url_for("web.sign_in_page", next=request.full_path.rstrip("?")))
            if actor.role not in roles:
                raise Forbidden("This page is not for your role")
            return view(*args, **kwargs)

        return wrapper

    return decorator
