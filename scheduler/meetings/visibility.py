"""Who may see which meeting: the one rule, as a SQL condition and as a Python check.

Until mission access lands (issue 4), missions see public and `missions` meetings and
nobody but staff sees `closed` ones.
"""
from sqlalchemy import true

from ..accounts.service import Actor
from .models import Meeting


def visible_visibilities(actor: Actor) -> tuple[str, ...] | None:
    """The visibilities the actor may see; None means all."""
    if actor.is_staff:
        return None
    if actor.role == "mission":
        return ("public", "missions")
    return ("public",)


def visible_condition(actor: Actor):
    allowed = visible_visibilities(actor)
    return true() if allowed is None else Meeting.visibility.in_(allowed)


def can_see_visibility(actor: Actor, visibility: str) -> bool:
    allowed = visible_visibilities(actor)
    return allowed is None or visibility in allowed


def can_see(actor: Actor, meeting: Meeting) -> bool:
    return can_see_visibility(actor, meeting.visibility)


# Internal fields: shown to staff only, in meetings and in their history.
STAFF_ONLY_FIELDS = ("notes",)


def hidden_fields(actor: Actor) -> tuple[str, ...]:
    return () if actor.is_staff else STAFF_ONLY_FIELDS
