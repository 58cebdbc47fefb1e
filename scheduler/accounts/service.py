"""Bearer tokens: creating them, and knowing who a request comes from."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from flask import g, request
from sqlalchemy import select

from ..clock import utcnow
from ..errors import FieldErrors, Forbidden, NotFound, Unauthorized
from ..extensions import db
from ..missions.models import Mission
from .models import ROLES, ApiToken

STAFF_ROLES = ("admin", "officer", "viewer")
BOOKING_ROLES = ("admin", "officer")
# A token's name is written, with its role, as the author of blocks and of meeting history (200 characters).
NAME_MAX_LENGTH = 180


@dataclass(frozen=True)
class Actor:
    """Who is asking: a token's holder, or the anonymous public."""

    name: str
    role: str | None
    mission_code: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.role is None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def label(self) -> str:
        """How the actor appears in a meeting's history."""
        return f"{self.name} ({self.role})" if self.role else self.name


# What callers who are not staff read instead of a staff token's name (a person's or a desk's).
SECRETARIAT = "The Secretariat"


def label_for(label: str, reader: "Actor") -> str:
    """A history entry's or a block's author as this reader may read it: staff see every name; others see a
    mission's name (missions act in the open) and, for staff, only that the Secretariat acted."""
    if reader.is_staff or not label.endswith(tuple(f" ({role})" for role in STAFF_ROLES)):
        return label
    return SECRETARIAT


ANONYMOUS = Actor(name="anonymous", role=None)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, role: str, mission_code: str | None = None, expires_at: datetime | None = None):
    """Store a new token and return (row, secret). The secret is not kept anywhere."""
    errors = {}
    if role not in ROLES:
        errors["role"] = f"Must be one of: {', '.join(ROLES)}"
    if not name.strip():
        errors["name"] = "Give the token a name saying whose it is"
    elif len(name.strip()) > NAME_MAX_LENGTH:
        errors["name"] = f"At most {NAME_MAX_LENGTH} characters"
    if role == "mission" and not mission_code:
        errors["mission"] = "A mission token needs the mission's code"
    elif role == "mission" and not db.session.scalar(select(Mission.id).where(Mission.code == mission_code)):
        errors["mission"] = f"No mission {mission_code}: add it first (flask --app wsgi missions create)"
    if errors:
        raise FieldErrors(errors)
    secret = secrets.token_urlsafe(32)  # 256 random bits
    token = ApiToken(
        name=name.strip(), role=role, mission_code=mission_code, token_hash=hash_token(secret), expires_at=expires_at
    )
    db.session.add(token)
    db.session.commit()
    return token, secret


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(token_id: int) -> ApiToken:
    """Revoke a token (revoking twice is harmless)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"No token {token_id}")
    token.revoked_at = token.revoked_at or utcnow()
    db.session.commit()
    return token


def token_state(token: ApiToken) -> str:
    """`active`, `revoked` or `expired`: only an active token is let in."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= utcnow():
        return "expired"
    return "active"


def bearer_secret(header: str) -> str | None:
    """The token in an Authorization header, however the header spells it ('bearer', extra spaces);
    None if it is not a bearer token."""
    scheme, _, secret = header.strip().partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


def _actor_from_header() -> Actor:
    header = request.headers.get("Authorization", "")
    if not header:
        return ANONYMOUS
    secret = bearer_secret(header)
    if secret is None:
        raise Unauthorized("Use 'Authorization: Bearer <token>'")
    token = active_token(secret)
    if token is None:
        raise Unauthorized(UNKNOWN_TOKEN)
    return actor_of(token)


UNKNOWN_TOKEN = "The token is unknown, expired or revoked"


def active_token(secret: str) -> ApiToken | None:
    """The active token whose secret this is (API header or web sign-in), else None."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret.strip())))
    return token if token is not None and token_state(token) == "active" else None


def actor_of(token: ApiToken) -> Actor:
    return Actor(name=token.name, role=token.role, mission_code=token.mission_code)


def current_actor() -> Actor:
    if "actor" not in g:
        g.actor = _actor_from_header()
    return g.actor


def require_role(*roles: str) -> Actor:
    actor = current_actor()
    if actor.is_anonymous:
        raise Unauthorized()
    if actor.role not in roles:
        raise Forbidden(f"This needs one of the roles: {', '.join(roles)}")
    return actor


def requires(*roles: str):
    """View decorator: check the caller's role before the body is even parsed."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            require_role(*roles)
            return view(*args, **kwargs)

        return wrapper

    return decorator
