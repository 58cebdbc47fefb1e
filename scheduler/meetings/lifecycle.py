"""A meeting's lifecycle: which action may take a meeting from which status to which, and who may take it.

The API, series and the pages all ask here (`require` before acting, `available` to offer actions);
no other module decides whether a status may follow another.

    requested --approve--> confirmed | tentative      (officers; checked like a booking)
    requested --reject---> rejected                   (officers)
    requested --withdraw-> withdrawn                  (the mission that asked)
    tentative <--change--> confirmed                  (officers)
    tentative | confirmed --postpone--> postponed     (officers; the room is released)
    postponed --reschedule--> confirmed | tentative   (officers: new times, or the same ones, checked again)
    any but cancelled --cancel--> cancelled           (officers; a request is rejected or withdrawn instead)

A request becomes a meeting only by approval: it cannot be postponed, cancelled or given a status
by a change. Cancelled, rejected and withdrawn are final: a new booking or request replaces them.
"""

from dataclasses import dataclass

from ..accounts.service import BOOKING_ROLES, Actor
from ..errors import Conflict, Forbidden
from .models import Meeting

REQUESTED, TENTATIVE, CONFIRMED, POSTPONED, CANCELLED = "requested", "tentative", "confirmed", "postponed", "cancelled"
REJECTED, WITHDRAWN = "rejected", "withdrawn"
BOOKED = frozenset({TENTATIVE, CONFIRMED})


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # what a button offering it says
    sources: frozenset[str]  # the statuses it may start from
    targets: frozenset[str]  # the statuses it may lead to
    recorded_as: str  # its entry in the meeting's history
    by_requester: bool = False  # only the mission that made the request (else: booking roles)


ACTIONS = {
    action.name: action
    for action in (
        Action("approve", "Approve", frozenset({REQUESTED}), BOOKED, "approved"),
        Action("reject", "Reject", frozenset({REQUESTED}), frozenset({REJECTED}), "rejected"),
        Action("withdraw", "Withdraw", frozenset({REQUESTED}), frozenset({WITHDRAWN}), "withdrawn", by_requester=True),
        Action("change", "Save", frozenset({REQUESTED, TENTATIVE, CONFIRMED, POSTPONED}), frozenset(), "updated"),
        Action("set_status", "Save", BOOKED, BOOKED, "updated"),
        Action("reschedule", "Book again", frozenset({POSTPONED}), BOOKED, "rescheduled"),
        Action("postpone", "Postpone", BOOKED, frozenset({POSTPONED}), "postponed"),
        Action("cancel", "Cancel the meeting", BOOKED | {POSTPONED}, frozenset({CANCELLED}), "cancelled"),
    )
}


def _who_may(action: Action, meeting: Meeting, actor: Actor) -> bool:
    if action.by_requester:
        return actor.role == "mission" and actor.mission_code == meeting.requested_by
    return actor.role in BOOKING_ROLES


def allows(meeting: Meeting, name: str, actor: Actor) -> bool:
    action = ACTIONS[name]
    return meeting.status in action.sources and _who_may(action, meeting, actor)


def available(meeting: Meeting, actor: Actor) -> set[str]:
    """The actions this actor may take on this meeting now (the pages offer only these)."""
    return {name for name in ACTIONS if allows(meeting, name, actor)}


def require(meeting: Meeting, name: str, actor: Actor, target: str | None = None) -> Action:
    """The action, if the meeting's status and the actor allow it (and `target`, where it leads);
    else 403 (who) or 409 (the status), saying why."""
    action = ACTIONS[name]
    if not _who_may(action, meeting, actor):
        who = "the mission that made the request" if action.by_requester else "conference officers"
        raise Forbidden(f"Only {who} can {action.label.lower()} this")
    if meeting.status not in action.sources:
        raise Conflict(_refusal(action, meeting.status), meeting_status=meeting.status)
    if target is not None and target not in action.targets:
        raise Conflict(f"A {meeting.status} meeting cannot become {target}", meeting_status=meeting.status)
    return action


def _refusal(action: Action, status: str) -> str:
    if action.sources == {REQUESTED}:
        return f"The meeting is {status}, not a pending request"
    if status == REQUESTED:
        return "A mission's request is decided with POST .../approve or .../reject, or withdrawn by its mission"
    if status == CANCELLED:
        return "The meeting is cancelled, which is final: book a new meeting"
    if status in (REJECTED, WITHDRAWN):
        return f"The request was {status}, which is final: make a new request"
    return f"A {status} meeting cannot be {action.recorded_as}"
