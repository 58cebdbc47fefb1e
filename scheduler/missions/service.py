"""Missions, and their private feed subscriptions (secret URLs for calendar clients)."""

import hashlib
import hmac
import secrets

from sqlalchemy import select

from ..accounts.service import Actor
from ..clock import utcnow
from ..db_types import is_possible_id
from ..errors import Conflict, FieldErrors, Forbidden, NotFound
from ..extensions import db
from ..meetings.models import KINDS
from ..processes.models import Process
from ..processes.service import body_slug
from ..rooms.models import Room
from .models import Mission, Subscription


def list_missions() -> list[Mission]:
    return list(db.session.scalars(select(Mission).order_by(Mission.code)))


def find_mission(code: str) -> Mission | None:
    return db.session.scalar(select(Mission).where(Mission.code == code.upper()))


def get_mission(code: str) -> Mission:
    mission = find_mission(code)
    if mission is None:
        raise NotFound(f"No mission {code!r}")
    return mission


def create_mission(data: dict) -> Mission:
    if find_mission(data["code"]):
        raise Conflict(f"Mission {data['code']} already exists")
    mission = Mission(
        code=data["code"],
        name=data["name"],
        emails=_addresses(data.get("emails", [])),
        daily_programme=data.get("daily_programme", False),
    )
    db.session.add(mission)
    db.session.commit()
    return mission


def _addresses(emails: list[str]) -> list[str]:
    """Each address once, in the order given (case of the domain ignored)."""
    seen, kept = set(), []
    for address in emails:
        local, _, domain = address.strip().rpartition("@")
        key = f"{local}@{domain.lower()}"
        if key not in seen:
            seen.add(key)
            kept.append(key)
    return kept


def update_mission(code: str, data: dict, actor: Actor) -> Mission:
    """Staff change anything; a mission only its own addresses and daily programme."""
    mission = get_mission(code)
    if not actor.is_staff:
        if actor.mission_code != mission.code:
            raise Forbidden("A mission changes only its own addresses")
        if "name" in data:
            raise FieldErrors({"name": "Only staff rename a mission"})
    mission.name = data.get("name", mission.name)
    if "emails" in data:
        mission.emails = _addresses(data["emails"])
    if "daily_programme" in data:
        mission.daily_programme = data["daily_programme"]
    db.session.commit()
    return mission


# --- subscriptions --------------------------------------------------------------------


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _own_mission(actor: Actor) -> Mission:
    mission = find_mission(actor.mission_code or "")
    if actor.role != "mission" or mission is None:
        raise Forbidden("Subscriptions belong to missions: use a mission's token")
    return mission


def _checked_filters(data: dict) -> dict:
    """Every filter value must name something that exists: a typo would silently empty the feed."""
    errors = {}
    rooms = sorted({code.upper() for code in data["rooms"]})
    known_rooms = set(db.session.scalars(select(Room.code).where(Room.code.in_(rooms))))
    if set(rooms) - known_rooms:
        errors["rooms"] = f"No room {', '.join(sorted(set(rooms) - known_rooms))}"
    processes = sorted(set(data["processes"]))
    known_processes = set(db.session.scalars(select(Process.slug).where(Process.slug.in_(processes))))
    if set(processes) - known_processes:
        errors["processes"] = f"No process {', '.join(sorted(set(processes) - known_processes))}"
    bodies = sorted({body_slug(body) for body in data["bodies"]})
    if "" in bodies:
        errors["bodies"] = "Give bodies by name or slug"
    kinds = sorted(set(data["kinds"]))
    if set(kinds) - set(KINDS):
        errors["kinds"] = f"Unknown kind(s); use: {', '.join(KINDS)}"
    if errors:
        raise FieldErrors(errors)
    return {"rooms": rooms, "bodies": bodies, "processes": processes, "kinds": kinds}


def create_subscription(data: dict, actor: Actor) -> tuple[Subscription, str]:
    """Returns the subscription and its secret (at least 128 random bits; only its hash is kept)."""
    mission = _own_mission(actor)
    secret = secrets.token_urlsafe(32)
    subscription = Subscription(
        mission_id=mission.id, name=data["name"], filters=_checked_filters(data), token_hash=_token_hash(secret)
    )
    db.session.add(subscription)
    db.session.commit()
    return subscription, secret


def list_subscriptions(actor: Actor) -> list[Subscription]:
    """A mission's own live subscriptions; an admin sees every mission's (to revoke them when a
    mission's access ends: revoking its API tokens does not stop feeds already handed out)."""
    query = select(Subscription).where(Subscription.revoked_at.is_(None)).order_by(Subscription.id)
    if actor.role != "admin":
        query = query.where(Subscription.mission_id == _own_mission(actor).id)
    return list(db.session.scalars(query))


def revoke_subscription(subscription_id: int, actor: Actor) -> None:
    subscription = db.session.get(Subscription, subscription_id) if is_possible_id(subscription_id) else None
    own = actor.role == "admin" or (subscription is not None and subscription.mission_id == _own_mission(actor).id)
    if subscription is None or not own or subscription.revoked_at is not None:
        raise NotFound(f"No subscription {subscription_id}")
    subscription.revoked_at = utcnow()
    db.session.commit()


def subscription_for_token(secret: str) -> Subscription | None:
    """The live subscription whose secret this is, or None."""
    digest = _token_hash(secret)
    subscription = db.session.scalar(select(Subscription).where(Subscription.token_hash == digest))
    if (
        subscription is None
        or subscription.revoked_at is not None
        or not hmac.compare_digest(subscription.token_hash, digest)
    ):
        return None
    return subscription
