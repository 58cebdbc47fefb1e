"""Who hears of what. Each change of a meeting (an entry of its history) becomes messages of a kind to
readers; the visibility rule decides every one: a reader is mailed about a meeting only if it may see
it, and the message is made for that reader's eyes (notifications/compose.py).

- the venue's meetings desk (staff): a mission's request arrived, was withdrawn;
- the requesting mission: its request was approved (with room and time), rejected (with the reason);
- the meeting's participants: the requesting mission, missions invited to a closed meeting, and
  organizers written as addresses (who read as the public: they hear of public meetings only): the
  meeting was booked, changed in what a calendar shows, postponed, cancelled.
"""

from dataclasses import dataclass
from email.utils import parseaddr

from sqlalchemy import select

from ..accounts.service import Actor
from ..extensions import db
from ..meetings.calendar import shows_change
from ..meetings.models import Meeting
from ..meetings.visibility import can_see, can_see_as, is_booked
from ..missions.models import Mission

DESK = "meetings desk"
# Kinds of message about a meeting, and whether each carries the event for calendars (iMIP).
REQUEST_RECEIVED, REQUEST_WITHDRAWN = "request_received", "request_withdrawn"
REQUEST_APPROVED, REQUEST_REJECTED = "request_approved", "request_rejected"
BOOKED, CHANGED, POSTPONED, CANCELLED = "booked", "changed", "postponed", "cancelled"
# To a reader who may no longer see a meeting it was told of: the event taken out of its calendar,
# and nothing else about it (no title, no time).
WITHDRAWN_FROM_VIEW = "withdrawn_from_view"
PROGRAMME = "programme"
IMIP_METHOD = {
    REQUEST_APPROVED: "REQUEST",
    BOOKED: "REQUEST",
    CHANGED: "REQUEST",
    POSTPONED: "CANCEL",
    CANCELLED: "CANCEL",
    WITHDRAWN_FROM_VIEW: "CANCEL",
}


@dataclass(frozen=True)
class Reader:
    address: str
    mission_code: str = ""
    staff: bool = False

    def actor(self) -> Actor:
        if self.staff:
            return Actor(name=DESK, role="officer")
        if self.mission_code:
            return Actor(name=self.address, role="mission", mission_code=self.mission_code)
        return Actor(name=self.address, role=None)  # an organizer named by address reads as the public


def is_address(text: str) -> bool:
    name, address = parseaddr(text)
    local, _, domain = address.partition("@")
    return bool(local and "." in domain and " " not in address and address == text.strip())


def _missions(codes) -> dict[str, list[str]]:
    codes = sorted({code for code in codes if code})
    if not codes:
        return {}
    return dict(db.session.execute(select(Mission.code, Mission.emails).where(Mission.code.in_(codes))).all())


def mission_readers(codes) -> list[Reader]:
    return [Reader(address, code) for code, emails in _missions(codes).items() for address in emails or []]


def desk_readers(meeting: Meeting) -> list[Reader]:
    desk = meeting.room.venue.desk_email
    return [Reader(desk, staff=True)] if desk else []


def participants(meeting: Meeting, only_missions=None, invited=None, organizers=None) -> list[Reader]:
    """The requesting mission, the invited missions (whatever the visibility: a meeting opened to all
    keeps them told) and organizers written as addresses; `invited`/`organizers` as they were before a change."""
    invited = meeting.invited_missions if invited is None else invited
    organizers = meeting.organizers if organizers is None else organizers
    codes = {meeting.requested_by} | set(invited or [])
    if only_missions is not None:
        codes &= set(only_missions)
    readers = mission_readers(codes)
    if only_missions is None:
        readers += [Reader(text.strip()) for text in organizers or [] if is_address(text)]
    return readers


def _lost_sight(meeting: Meeting, changes: dict) -> list[Reader]:
    """Participants who could see the meeting before this change and may not now (an invitation
    taken back, a meeting closed, an organizer's address removed): its event leaves their calendars."""
    if not {"visibility", "invited_missions", "organizers"} & changes.keys():
        return []
    before_visibility = changes.get("visibility", [meeting.visibility])[0]
    before_invited = changes.get("invited_missions", [meeting.invited_missions])[0] or []
    before_organizers = changes.get("organizers", [meeting.organizers])[0] or []
    approved = meeting.approved_at is not None
    now = {reader.address for reader in participants(meeting) if can_see(reader.actor(), meeting)}
    return [
        reader
        for reader in participants(meeting, invited=before_invited, organizers=before_organizers)
        if reader.address not in now
        and can_see_as(reader.actor(), meeting, before_visibility, before_invited, approved)
        and not can_see(reader.actor(), meeting)
    ]


def messages_for_change(meeting: Meeting, action: str, changes: dict) -> list[tuple[Reader, str]]:
    """The (reader, kind) pairs one history entry of a meeting makes, each reader allowed to see it."""
    found: list[tuple[Reader, str]] = []
    if action == "created" and meeting.status == "requested":
        found += [(reader, REQUEST_RECEIVED) for reader in desk_readers(meeting)]
    elif action == "withdrawn":
        found += [(reader, REQUEST_WITHDRAWN) for reader in desk_readers(meeting)]
    elif action == "rejected":
        found += [(reader, REQUEST_REJECTED) for reader in mission_readers([meeting.requested_by])]
    elif action == "approved":
        found += [(reader, REQUEST_APPROVED) for reader in mission_readers([meeting.requested_by])]
        found += [(reader, BOOKED) for reader in participants(meeting) if reader.mission_code != meeting.requested_by]
    elif is_booked(meeting):
        if action in ("created", "rescheduled"):
            found += [(reader, BOOKED) for reader in participants(meeting)]
        elif action == "cancelled":
            found += [(reader, CANCELLED) for reader in participants(meeting)]
        elif action == "postponed":
            found += [(reader, POSTPONED) for reader in participants(meeting)]
        elif action in ("updated", "retimed"):
            if "invited_missions" in changes:
                old, new = changes["invited_missions"]
                added = set(new or []) - set(old or [])
                found += [(reader, BOOKED) for reader in participants(meeting, only_missions=added)]
            if shows_change(changes):
                found += [(reader, CHANGED) for reader in participants(meeting)]
            # Told of before, but no longer allowed to see it: not filtered below, told nothing new.
            return [(r, k) for r, k in found if can_see(r.actor(), meeting)] + [
                (reader, WITHDRAWN_FROM_VIEW) for reader in _lost_sight(meeting, changes)
            ]
    return [(reader, kind) for reader, kind in found if can_see(reader.actor(), meeting)]
