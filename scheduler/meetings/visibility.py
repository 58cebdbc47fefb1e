"""Who may see which meeting: the one rule, as a SQL condition and as a Python check.

- staff (admin, officer, viewer) see every meeting;
- a mission sees `public` and `missions` meetings, `closed` meetings it is invited to, and
  every meeting it asked for itself;
- anonymous callers see `public` meetings.
Nobody but staff and the asking mission sees a meeting that is still only `requested`.
"""
from sqlalchemy import and_, false, or_, select, true

from ..accounts.service import Actor
from .models import Meeting, MeetingInvitation

# Internal fields: shown to staff only, in meetings and in their history.
STAFF_ONLY_FIELDS = ("notes", "invited_missions")


def _visibilities(actor: Actor) -> tuple[str, ...]:
    return ("public", "missions") if actor.role == "mission" else ("public",)


def visible_condition(actor: Actor):
    if actor.is_staff:
        return true()
    shown = Meeting.visibility.in_(_visibilities(actor))
    own = false()
    if actor.role == "mission" and actor.mission_code:
        invited = Meeting.id.in_(
            select(MeetingInvitation.meeting_id).where(MeetingInvitation.mission_code == actor.mission_code))
        shown = or_(shown, and_(Meeting.visibility == "closed", invited))
        own = Meeting.requested_by == actor.mission_code
    return or_(own, and_(Meeting.status != "requested", shown))


def can_see_as(actor: Actor, meeting: Meeting, visibility: str, status: str) -> bool:
    """Whether the actor may see the meeting when it has this visibility and status."""
    if actor.is_staff:
        return True
    mission = actor.mission_code if actor.role == "mission" else None
    if mission and meeting.requested_by == mission:
        return True
    if status == "requested":
        return False
    return visibility in _visibilities(actor) or (
        visibility == "closed" and mission is not None and mission in meeting.invited_missions)


def can_see(actor: Actor, meeting: Meeting) -> bool:
    return can_see_as(actor, meeting, meeting.visibility, meeting.status)


def hidden_fields(actor: Actor) -> tuple[str, ...]:
    return () if actor.is_staff else STAFF_ONLY_FIELDS
