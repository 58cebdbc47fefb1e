"""Who may see which meeting: the one rule, as a SQL condition and as a Python check.

- staff (admin, officer, viewer) see every meeting;
- a mission sees `public` and `missions` meetings, `closed` meetings it is invited to, and
  every meeting it asked for itself;
- anonymous callers see `public` meetings.
A mission's request that no officer approved (pending, rejected or withdrawn) is seen only by
staff and the mission that made it, whatever its visibility says.
"""

from sqlalchemy import and_, false, or_, select, true

from ..accounts.service import ANONYMOUS, Actor
from .models import Meeting, MeetingInvitation

# Internal fields: shown to staff only, in meetings and in their history.
STAFF_ONLY_FIELDS = ("notes", "invited_missions")


def _visibilities(actor: Actor) -> tuple[str, ...]:
    return ("public", "missions") if actor.role == "mission" else ("public",)


def _mission(actor: Actor) -> str | None:
    return actor.mission_code if actor.role == "mission" else None


def visible_condition(actor: Actor):
    if actor.is_staff:
        return true()
    shown = Meeting.visibility.in_(_visibilities(actor))
    own = false()
    mission = _mission(actor)
    if mission:
        invited = Meeting.id.in_(select(MeetingInvitation.meeting_id).where(MeetingInvitation.mission_code == mission))
        shown = or_(shown, and_(Meeting.visibility == "closed", invited))
        own = Meeting.requested_by == mission
    return or_(own, and_(booked_condition(), shown))


def booked_condition():
    """Meetings an officer booked or approved: a mission's request never approved (pending, rejected,
    withdrawn) is not a meeting, and appears in no feed or count of meetings. `is_booked` in Python."""
    return or_(Meeting.requested_by.is_(None), Meeting.approved_at.is_not(None))


def is_booked(meeting: Meeting) -> bool:
    """booked_condition, of one meeting."""
    return meeting.requested_by is None or meeting.approved_at is not None


def public_condition():
    """What anyone may see: public feeds and public lists use this."""
    return visible_condition(ANONYMOUS)


def can_see_as(actor: Actor, meeting: Meeting, visibility: str, invited: list[str], approved: bool) -> bool:
    """Whether the actor may see the meeting when it had this visibility, invitation list and
    approval (history replays them entry by entry)."""
    if actor.is_staff:
        return True
    mission = _mission(actor)
    if mission and meeting.requested_by == mission:
        return True
    if meeting.requested_by is not None and not approved:
        return False
    return visibility in _visibilities(actor) or (visibility == "closed" and mission in (invited or []))


def can_see(actor: Actor, meeting: Meeting) -> bool:
    return can_see_as(actor, meeting, meeting.visibility, meeting.invited_missions, meeting.approved_at is not None)


def hidden_fields(actor: Actor) -> tuple[str, ...]:
    return () if actor.is_staff else STAFF_ONLY_FIELDS
