"""Who is looking at a page: signed in with an API token, then known by a session cookie.

The cookie holds a random session key, not the token's secret; the server keeps the key's hash
(WebSession) and every request looks the session and its token up again, so signing out ends the
session everywhere its cookie was copied, and revoking or expiring a token ends its web sessions
too. Only web pages read the cookie: the API keeps to bearer tokens, so a forged cross-site request
cannot act through the API.
"""

import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for
from sqlalchemy import select, update

from ..accounts.models import ApiToken, WebSession
from ..accounts.service import ANONYMOUS, STAFF_ROLES, Actor, active_token, actor_of, hash_token, token_state
from ..clock import utcnow
from ..errors import Forbidden
from ..extensions import db

SESSION_KEY = "session_key"


def load_actor() -> None:
    """Before each page: the signed-in person, or the anonymous public."""
    actor = ANONYMOUS
    if SESSION_KEY in session or "token_id" in session:  # (an older release's cookie has no key: signed out)
        token = _token_of_session(session.get(SESSION_KEY))
        if token is None:
            session.clear()
        else:
            actor = actor_of(token)
    g.actor = actor


def _token_of_session(key) -> ApiToken | None:
    """The active token of a session not ended, else None."""
    if not isinstance(key, str):
        return None
    token = db.session.scalar(
        select(ApiToken)
        .join(WebSession, WebSession.token_id == ApiToken.id)
        .where(WebSession.key_hash == hash_token(key), WebSession.ended_at.is_(None))
    )
    return token if token is not None and token_state(token) == "active" else None


def page_actor() -> Actor:
    return g.get("actor", ANONYMOUS)


def sign_in(secret: str) -> Actor | None:
    token = active_token(secret) if secret.strip() else None
    if token is None:
        return None
    sign_out()  # a new session for a new person: the browser's earlier one ends, nothing is carried over
    key = secrets.token_urlsafe(32)
    db.session.add(WebSession(key_hash=hash_token(key), token_id=token.id, created_at=utcnow()))
    db.session.commit()
    session[SESSION_KEY] = key
    session["token_id"] = token.id  # not a secret: what the write limit counts by (scheduler.limit_writes)
    session.permanent = True
    return actor_of(token)


def sign_out() -> None:
    """End the session on the server too: its cookie, wherever copied, no longer signs anyone in."""
    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        db.session.execute(update(WebSession).where(WebSession.key_hash == hash_token(key)).values(ended_at=utcnow()))
        db.session.commit()
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
