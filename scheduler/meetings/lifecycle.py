"""A meeting's lifecycle: which action may take a meeting from which status to which, and who may take it.

The API, series and the pages all ask here (`require` before acting, `available` to offer actions);
no other module decides whether a status may follow another.

    requested --approve--> confirmed | tentative      (officers; checked like a booking)
    requested --reject---> rejected                   (officers)
    requested --withdraw-> withdrawn                  (the mission that asked)
    tentative <--change--> confirmed                  (officers)
    tentative | confirmed --postpone--> postponed     (officers; the room is released)
    postponed --reschedule--> confirmed | tentative   (officers: new times, or the same ones, checked again)
    tentative | confirmed | postponed --cancel--> cancelled   (officers; a request is rejected or withdrawn)

A request becomes a meeting only by approval: it cannot be postponed, cancelled or given a status
by a change, and a request never approved counts as one whatever its stored status (rows an older
release let through). Cancelled, rejected and withdrawn are final: a new booking or request replaces
them. Cancelling or postponing again what already is so changes nothing (a double click).
"""

from dataclasses import dataclass

from ..accounts.service import BOOKING_ROLES, Actor
from ..errors import Conflict, Forbidden
from .models import HOLDING_STATUSES, Meeting
from .visibility import is_booked

REQUESTED, TENTATIVE, CONFIRMED, POSTPONED, CANCELLED = "requested", "tentative", "confirmed", "postponed", "cancelled"
REJECTED, WITHDRAWN = "rejected", "withdrawn"
BOOKED = frozenset(HOLDING_STATUSES)
FINAL = frozenset({CANCELLED, REJECTED, WITHDRAWN})


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # what a button offering it says
    sources: frozenset[str]  # the statuses it may start from
    targets: frozenset[str]  # the statuses it may lead to
    recorded_as: str  # its entry in the meeting's history
    by_requester: bool = False  # only the mission that made the request (else: booking roles)
    repeatable: bool = False  # taken again on a meeting already in its target status: nothing changes


ACTIONS = {
    action.name: action
    for action in (
        Action("approve", "Approve", frozenset({REQUESTED}), BOOKED, "approved"),
        Action("reject", "Reject", frozenset({REQUESTED}), frozenset({REJECTED}), "rejected"),
        Action("withdraw", "Withdraw", frozenset({REQUESTED}), frozenset({WITHDRAWN}), "withdrawn", by_requester=True),
        Action("change", "Save", frozenset({REQUESTED, TENTATIVE, CONFIRMED, POSTPONED}), frozenset(), "updated"),
        Action("set_status", "Save", BOOKED, BOOKED, "updated"),
        Action("reschedule", "Book again", frozenset({POSTPONED}), BOOKED, "rescheduled"),
        Action("postpone", "Postpone", BOOKED, frozenset({POSTPONED}), "postponed", repeatable=True),
        Action(
            "cancel", "Cancel the meeting", BOOKED | {POSTPONED}, frozenset({CANCELLED}), "cancelled", repeatable=True
        ),
    )
}


def _who_may(action: Action, meeting: Meeting, actor: Actor) -> bool:
    if action.by_requester:
        return actor.role == "mission" and actor.mission_code == meeting.requested_by
    return actor.role in BOOKING_ROLES


def status_of(meeting: Meeting) -> str:
    """The status the lifecycle goes by: a request never approved is a request until it ends."""
    if meeting.status not in FINAL and not is_booked(meeting):
        return REQUESTED
    return meeting.status


def already_done(meeting: Meeting, name: str) -> bool:
    """A repeatable action taken again (cancel a cancelled meeting): nothing to do."""
    action = ACTIONS[name]
    return action.repeatable and status_of(meeting) in action.targets


def allows(meeting: Meeting, name: str, actor: Actor) -> bool:
    action = ACTIONS[name]
    return status_of(meeting) in action.sources and _who_may(action, meeting, actor)


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
    status = status_of(meeting)
    if status not in action.sources:
        raise Conflict(_refusal(action, status), meeting_status=meeting.status)
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
