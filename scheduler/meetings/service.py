"""Booking rules: create, change, cancel and postpone meetings, in one transaction each.

Order inside every write: lock the room(s), check hard conflicts (409 with alternatives),
write the meeting and its history, flush so the database constraint speaks, commit.
"""

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import conflicts
from ..accounts.service import Actor, label_for
from ..clock import utcnow
from ..db_types import is_possible_id
from ..errors import Conflict, FieldErrors, NotFound, PreconditionFailed, is_overlap_violation
from ..extensions import commit_as_written, db
from ..missions.models import Mission
from ..processes.models import Process
from ..processes.service import body_slug
from ..rooms.models import Room
from ..rooms.service import find_room, lock_rooms
from ..times import LocalTimeError, local_days_utc, to_local, to_utc
from ..venues.models import Venue
from ..venues.service import default_venue, find_venue
from . import lifecycle
from .calendar import shows_change
from .models import HOLDING_STATUSES, Meeting, MeetingChange, MeetingInvitation
from .visibility import can_see_as, hidden_fields, visible_condition

# Input fields stored as they come.
COPIED_FIELDS = (
    "title",
    "kind",
    "visibility",
    "organizers",
    "expected_participants",
    "languages",
    "webcast",
    "description",
    "notes",
    "status",
)


# --- reading --------------------------------------------------------------------------


def get_meeting(meeting_id: int, actor: Actor) -> Meeting:
    meeting = is_possible_id(meeting_id) and db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id, visible_condition(actor))
    )
    if not meeting:
        raise NotFound(f"No meeting {meeting_id}")
    return meeting


def etag(meeting: Meeting) -> str:
    return version_etag(meeting.id, meeting.version)


def version_etag(meeting_id: int, version) -> str:
    """The ETag of a meeting at a version (web forms carry the version they were filled in from)."""
    return f"meeting-{meeting_id}-v{version}"


def list_meetings(actor: Actor, filters: dict, page: int, page_size: int) -> tuple[list[Meeting], int]:
    query = select(Meeting).where(visible_condition(actor))
    if "from_" in filters:
        query = query.where(Meeting.end > _filter_moment(filters["from_"], filters, "from"))
    if "to" in filters:
        query = query.where(Meeting.start < _filter_moment(filters["to"], filters, "to"))
    if "room" in filters:
        query = query.join(Meeting.room).where(Room.code == filters["room"].upper())
    if "venue" in filters:
        query = query.where(
            Meeting.room_id.in_(select(Room.id).join(Room.venue).where(Venue.code == filters["venue"].upper()))
        )
    if "body" in filters:
        slug = body_slug(filters["body"])
        if not slug:
            raise FieldErrors({"body": "Give a body's name or slug"})
        query = query.where(Meeting.body_slug == slug)
    if "process" in filters:
        query = query.where(Meeting.process_id.in_(select(Process.id).where(Process.slug == filters["process"])))
    if filters.get("status"):
        query = query.where(Meeting.status.in_(filters["status"]))
    if filters.get("kind"):
        query = query.where(Meeting.kind.in_(filters["kind"]))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        query.order_by(Meeting.start, Meeting.id).offset((page - 1) * page_size).limit(page_size)
    ).unique()
    return with_request_conflicts(list(items), actor), total


def with_request_conflicts(meetings: list[Meeting], actor: Actor) -> list[Meeting]:
    """Pending requests say what they would collide with now: an officer decides on them."""
    for meeting in meetings:
        if meeting.status == "requested" and getattr(meeting, "conflicts", None) is None:
            meeting.conflicts = request_conflicts(meeting, actor)
    return meetings


def _filter_moment(value: datetime | date, filters: dict, field: str) -> datetime:
    """A list bound in UTC; a local one is read in the zone of the room or venue filtered on,
    or of the default venue. A date is that whole local day: `from` its start, `to` its end."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return to_utc(value, "UTC")
    venue = None
    if filters.get("room"):
        room = find_room(filters["room"])
        venue = room.venue if room else None
    elif filters.get("venue"):
        venue = find_venue(filters["venue"])
    else:
        venue = default_venue()
    if venue is None:
        raise FieldErrors({field: "Give a UTC offset, or filter on a room or venue whose local time this is"})
    if not isinstance(value, datetime):
        day_starts, day_ends = local_days_utc(value, value, venue.timezone)
        return day_starts if field == "from" else day_ends
    try:
        return to_utc(value, venue.timezone)
    except LocalTimeError as error:
        raise FieldErrors({field: str(error)}) from error


def history(meeting_id: int, actor: Actor) -> list[dict]:
    """The meeting's changes, as far as the caller may see them.

    A caller who could not see the meeting at some time (it was closed, say) does not see the
    changes made then, nor the values it had before it became visible to them (null instead).
    """
    meeting = get_meeting(meeting_id, actor)
    entries = db.session.scalars(
        select(MeetingChange).where(MeetingChange.meeting_id == meeting.id).order_by(MeetingChange.id)
    )
    hidden = hidden_fields(actor)
    shown, visibility, invited, approved = [], None, [], meeting.requested_by is None
    for entry in entries:
        visible_before = visibility is None or can_see_as(actor, meeting, visibility, invited, approved)
        visibility = entry.changes.get("visibility", [None, visibility])[1]
        invited = entry.changes.get("invited_missions", [None, invited])[1]
        approved = approved or entry.action == "approved"
        if not can_see_as(actor, meeting, visibility, invited, approved):
            continue
        changes = {k: v if visible_before else [None, v[1]] for k, v in entry.changes.items() if k not in hidden}
        shown.append(
            {
                "at": entry.at,
                "actor": label_for(entry.actor, actor),
                "action": entry.action,
                "reason": entry.reason,
                "changes": changes,
            }
        )
    return shown


# --- resolving input ------------------------------------------------------------------


def _room(code: str) -> Room:
    room = find_room(code)
    if room is None:
        raise FieldErrors({"room": f"No room {code!r}"})
    return room


def _process(slug: str | None) -> Process | None:
    if slug is None:
        return None
    process = db.session.scalar(select(Process).where(Process.slug == slug))
    if process is None:
        raise FieldErrors({"process": f"No process {slug!r}"})
    return process


def resolve_times(data: dict, room: Room) -> tuple[datetime, datetime]:
    """UTC start and end from {start, end} or {date, slot}; 422 naming the field at fault."""
    venue = room.venue
    if "slot" in data:
        slot = venue.slot_named(data["slot"])
        if slot is None:
            names = ", ".join(s.name for s in venue.standard_slots()) or "none"
            raise FieldErrors({"slot": f"{venue.code} has no slot {data['slot']!r} (slots: {names})"})
        try:
            start, end = slot.on(data["date"], venue.timezone)
        except LocalTimeError as error:
            raise FieldErrors({"date": str(error)}) from error
    else:
        errors, moments = {}, {}
        for field in ("start", "end"):
            try:
                moments[field] = to_utc(data[field], venue.timezone)
            except LocalTimeError as error:
                errors[field] = str(error)
        if errors:
            raise FieldErrors(errors)
        start, end = moments["start"], moments["end"]
    if end <= start:
        raise FieldErrors({"end": "The meeting must end after it starts"})
    if end - start > conflicts.MAX_MEETING_DURATION:
        raise FieldErrors({"end": "A meeting lasts at most 24 hours; book a longer event as several meetings"})
    return start, end


# --- checking -------------------------------------------------------------------------


def _proposal(room, start, end, values: dict, meeting_id=None) -> conflicts.Proposal:
    return conflicts.Proposal(
        room=room,
        start=start,
        end=end,
        meeting_id=meeting_id,
        expected_participants=values.get("expected_participants"),
        languages=values.get("languages") or [],
        organizers=values.get("organizers") or [],
        webcast=bool(values.get("webcast")),
    )


def _search_days() -> int:
    return current_app.config["ALTERNATIVE_SEARCH_DAYS"]


def _refuse(proposal: conflicts.Proposal, found: list[dict], actor: Actor):
    raise Conflict(f"Room {proposal.room.code} is not available for that time", **refusal(proposal, found))


def check(data: dict, actor: Actor) -> dict:
    """What booking `data` would meet, without booking it."""
    room = _room(data["room"])
    _process(data.get("process"))
    start, end = resolve_times(data, room)
    proposal = _proposal(room, start, end, data)
    found = conflicts.hard_conflicts(proposal, actor)
    return {
        "bookable": not found,
        "conflicts": found,
        "warnings": conflicts.soft_warnings(proposal, actor),
        "alternatives": conflicts.alternatives(proposal, _search_days()) if found else {"rooms": [], "times": []},
    }


def _flush_or_refuse(proposal: conflicts.Proposal, actor: Actor):
    """Flush; if the database refuses because the room was taken meanwhile, answer 409 like the check."""
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        if not is_overlap_violation(error):
            raise
        proposal.room = db.session.get(Room, proposal.room.id)
        found = conflicts.hard_conflicts(proposal, actor) or [
            {"type": "meeting", "room": proposal.room.code, "message": "Booked by someone else a moment ago"}
        ]
        _refuse(proposal, found, actor)


# --- writing --------------------------------------------------------------------------


def _snapshot(meeting: Meeting) -> dict:
    """A meeting's fields as the API shows them, for history entries."""
    tz = meeting.room.venue.timezone
    return {
        "title": meeting.title,
        "kind": meeting.kind,
        "body": meeting.body,
        "process": meeting.process.slug if meeting.process else None,
        "room": meeting.room.code,
        "start": to_local(meeting.start, tz).isoformat(),
        "end": to_local(meeting.end, tz).isoformat(),
        "status": meeting.status,
        "visibility": meeting.visibility,
        "organizers": list(meeting.organizers),
        "expected_participants": meeting.expected_participants,
        "languages": list(meeting.languages),
        "webcast": meeting.webcast,
        "description": meeting.description,
        "notes": meeting.notes,
        "invited_missions": meeting.invited_missions,
    }


def _record(meeting: Meeting, actor: Actor, action: str, changes: dict, reason: str = "") -> None:
    db.session.add(
        MeetingChange(
            meeting_id=meeting.id,
            actor=actor.label,
            action=action,
            changes=changes,
            reason=reason,
            at=meeting.updated_at,
        )
    )


def _invitations(codes: list[str]) -> list[MeetingInvitation]:
    """Invitations to a closed meeting, for missions that exist."""
    codes = sorted({code.upper() for code in codes})
    if not codes:
        return []
    known = set(db.session.scalars(select(Mission.code).where(Mission.code.in_(codes))))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise FieldErrors({"invited_missions": f"No mission {', '.join(unknown)}"})
    return [MeetingInvitation(mission_code=code) for code in codes]


def create_meeting(data: dict, actor: Actor) -> Meeting:
    """Officers book; a mission's booking is a request: it holds no room, and the answer says
    what it would meet (conflicts, alternatives, warnings) for an officer to decide on."""
    room, process = booking_room_and_process(data)
    start, end = resolve_times(data, room)
    requesting = actor.role == "mission"
    if requesting:
        data = {**data, "status": "requested"}
    else:
        lock_rooms([room.id])
    proposal = booking_proposal(room, start, end, data)
    found = conflicts.hard_conflicts(proposal, actor)
    if found and not requesting:
        _refuse(proposal, found, actor)
    meeting = insert_meeting(data, room, process, proposal, actor)
    commit_as_written()
    if requesting:
        meeting.conflicts = found
        meeting.alternatives = conflicts.alternatives(proposal, _search_days()) if found else None
    return meeting


def booking_room_and_process(data: dict) -> tuple[Room, Process | None]:
    """The room and process a booking names (422 naming the field when they do not exist)."""
    return _room(data["room"]), _process(data.get("process"))


def booking_proposal(room: Room, start: datetime, end: datetime, data: dict) -> conflicts.Proposal:
    return _proposal(room, start, end, data)


def insert_meeting(
    data: dict,
    room: Room,
    process: Process | None,
    proposal: conflicts.Proposal,
    actor: Actor,
    series_id: int | None = None,
) -> Meeting:
    """Write a checked booking: the meeting, its stored event and its history; not committed.
    The database refuses it (409) if the room was taken meanwhile. `meeting.warnings` says
    what soft rules it meets."""
    requesting = data["status"] == "requested"
    body = data.get("body") or (process.body if process else "")
    now = utcnow()
    meeting = Meeting(
        room=room,
        process=process,
        start=proposal.start,
        end=proposal.end,
        held_start=proposal.held[0],
        held_end=proposal.held[1],
        body=body,
        body_slug=body_slug(body),
        created_by=actor.label,
        created_at=now,
        updated_at=now,
        sequence=0,
        version=1,
        invitations=_invitations(data.get("invited_missions", [])),
        requested_by=actor.mission_code if requesting else None,
        series_id=series_id,
        **{field: data[field] for field in COPIED_FIELDS},
    )
    db.session.add(meeting)
    _flush_or_refuse(proposal, actor)
    proposal.meeting_id = meeting.id  # from now on, the warnings must not count the meeting itself
    _record(meeting, actor, "created", {k: [None, v] for k, v in _snapshot(meeting).items()})
    meeting.warnings = conflicts.soft_warnings(proposal, actor)
    return meeting


def refusal(proposal: conflicts.Proposal, found: list[dict]) -> dict:
    """What a refused booking is told: its collisions and the alternatives."""
    return {"conflicts": found, "alternatives": conflicts.alternatives(proposal, _search_days())}


def _check_if_match(meeting: Meeting, if_match) -> None:
    if if_match and not if_match.star_tag and not if_match.contains(etag(meeting)):
        raise PreconditionFailed(
            "The meeting changed since you read it: GET it again and retry", current_etag=etag(meeting)
        )


def update_meeting(meeting_id: int, data: dict, actor: Actor, if_match=None, commit: bool = True) -> Meeting:
    """Change a meeting. New times (or a status) on a postponed meeting book it again: checked like a
    booking, confirmed unless `status` says tentative, its postponement reason cleared. With
    commit=False the caller commits (or rolls back) several changes as one."""
    meeting = get_meeting(meeting_id, actor)
    _check_if_match(meeting, if_match)
    status = _status_after_change(meeting, data, actor)
    before = _snapshot(meeting)

    room = _room(data["room"]) if "room" in data else meeting.room
    start, end = _times_after_change(meeting, data, room)
    process = _process(data["process"]) if "process" in data else meeting.process

    moving = room.id != meeting.room_id or start != meeting.start or end != meeting.end
    holding_again = status in HOLDING_STATUSES and meeting.status not in HOLDING_STATUSES
    lock_rooms(sorted({meeting.room_id, room.id}))
    values = {
        k: data.get(k, getattr(meeting, k)) for k in ("expected_participants", "languages", "organizers", "webcast")
    }
    proposal = _proposal(room, start, end, values, meeting_id=meeting.id)
    proposal.new_times = start != meeting.start or end != meeting.end
    if status in HOLDING_STATUSES and (moving or holding_again):
        found = conflicts.hard_conflicts(proposal, actor)
        if found:
            _refuse(proposal, found, actor)

    if "invited_missions" in data:
        meeting.invitations = _invitations(data["invited_missions"])
        db.session.flush()  # replace the rows now, before the meeting's own update
    for field in COPIED_FIELDS:
        if field in data:
            setattr(meeting, field, data[field])
    if "body" in data:
        meeting.body, meeting.body_slug = data["body"], body_slug(data["body"])
    meeting.room, meeting.process, meeting.start, meeting.end = room, process, start, end
    meeting.status = status
    if status != before["status"] and before["status"] == lifecycle.POSTPONED:
        meeting.status_reason = ""  # booked again: the postponement's reason no longer holds
    if moving or holding_again:
        # These take the room's current buffers; any other change keeps what the booking held.
        meeting.held_start, meeting.held_end = proposal.held
    after = _snapshot(meeting)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        if commit:
            db.session.rollback()
            return get_meeting(meeting_id, actor)
        return meeting
    with db.session.no_autoflush:  # the warnings look at other meetings; write this one once, below
        warnings = conflicts.soft_warnings(proposal, actor)
    action = "rescheduled" if before["status"] == lifecycle.POSTPONED and status != before["status"] else "updated"
    _save_change(meeting, proposal, actor, action, changes, commit=commit)
    meeting.warnings = warnings
    return meeting


def _status_after_change(meeting: Meeting, data: dict, actor: Actor) -> str:
    """The status a change leaves the meeting in, if the lifecycle allows the change at all."""
    new_times = bool({"start", "end", "date", "slot"} & data.keys())
    if lifecycle.status_of(meeting) == lifecycle.POSTPONED and (new_times or "status" in data):
        status = data.get("status", lifecycle.CONFIRMED)
        lifecycle.require(meeting, "reschedule", actor, status)
        return status
    if "status" in data and data["status"] != meeting.status:
        lifecycle.require(meeting, "set_status", actor, data["status"])
        return data["status"]
    lifecycle.require(meeting, "change", actor)
    return meeting.status


def _times_after_change(meeting: Meeting, data: dict, room: Room) -> tuple[datetime, datetime]:
    """The meeting's times after a change: a new start alone keeps its length, a new end alone its start."""
    if "slot" in data:
        return resolve_times({"date": data["date"], "slot": data["slot"]}, room)
    if "start" in data and "end" not in data:
        try:
            start = to_utc(data["start"], room.venue.timezone)
        except LocalTimeError as error:
            raise FieldErrors({"start": str(error)}) from error
        return resolve_times({"start": start, "end": start + (meeting.end - meeting.start)}, room)
    if "end" in data:
        return resolve_times({"start": data.get("start", meeting.start), "end": data["end"]}, room)
    return meeting.start, meeting.end


def _save_change(
    meeting: Meeting, proposal, actor: Actor, action: str, changes: dict, reason: str = "", commit: bool = True
):
    if shows_change(changes):
        meeting.sequence += 1
    meeting.version += 1
    meeting.updated_at = max(utcnow(), meeting.updated_at + timedelta(microseconds=1))
    try:
        _flush_or_refuse(proposal, actor)
    except StaleDataError as error:
        db.session.rollback()
        raise PreconditionFailed(
            "The meeting was changed by someone else at the same time: GET it and retry"
        ) from error
    _record(meeting, actor, action, changes, reason)
    if commit:
        db.session.commit()


def _change_status(
    meeting: Meeting, action_name: str, reason: str, actor: Actor, if_match=None, commit: bool = True
) -> Meeting:
    """Take a lifecycle action that only sets the status (cancel, postpone, reject, withdraw).
    Cancelling a cancelled meeting or postponing a postponed one again changes nothing."""
    _check_if_match(meeting, if_match)
    if lifecycle.already_done(meeting, action_name):
        return meeting
    action = lifecycle.require(meeting, action_name, actor)
    (status,) = action.targets
    before = meeting.status
    meeting.status, meeting.status_reason = status, reason
    proposal = _proposal(meeting.room, meeting.start, meeting.end, {}, meeting_id=meeting.id)
    _save_change(meeting, proposal, actor, action.recorded_as, {"status": [before, status]}, reason, commit)
    return meeting


def cancel_meeting(meeting_id: int, reason: str, actor: Actor, if_match=None, commit: bool = True) -> Meeting:
    """Cancelled meetings release the room and stay visible, marked cancelled."""
    return _change_status(get_meeting(meeting_id, actor), "cancel", reason, actor, if_match, commit)


def postpone_meeting(meeting_id: int, reason: str, actor: Actor, if_match=None) -> Meeting:
    """Postponed meetings release the room; new times (PATCH) book it again."""
    return _change_status(get_meeting(meeting_id, actor), "postpone", reason, actor, if_match)


# --- mission requests -----------------------------------------------------------------


def pending_requests(actor: Actor) -> list[Meeting]:
    """Missions' requests waiting for an officer, soonest first."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.status == "requested", visible_condition(actor))
            .order_by(Meeting.start, Meeting.id)
        )
    )


def requests_of(actor: Actor) -> list[Meeting]:
    """The requests a mission made, whatever became of them, soonest first."""
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.requested_by == actor.mission_code).order_by(Meeting.start, Meeting.id)
        )
    )


def _request_proposal(meeting: Meeting) -> conflicts.Proposal:
    return _proposal(meeting.room, meeting.start, meeting.end, _snapshot(meeting), meeting_id=meeting.id)


def request_conflicts(meeting: Meeting, actor: Actor) -> list[dict]:
    """What approving a request would collide with now."""
    return conflicts.hard_conflicts(_request_proposal(meeting), actor)


def approve_request(meeting_id: int, status: str, actor: Actor, if_match=None) -> Meeting:
    """An officer books a mission's request: checked again now, under the room's lock, since
    the room may have been taken after the request was made."""
    meeting = get_meeting(meeting_id, actor)
    _check_if_match(meeting, if_match)
    lifecycle.require(meeting, "approve", actor, status)
    lock_rooms([meeting.room_id])
    proposal = _request_proposal(meeting)
    found = conflicts.hard_conflicts(proposal, actor)
    if found:
        _refuse(proposal, found, actor)
    meeting.status, meeting.approved_at = status, utcnow()
    meeting.held_start, meeting.held_end = proposal.held
    with db.session.no_autoflush:
        warnings = conflicts.soft_warnings(proposal, actor)
    _save_change(meeting, proposal, actor, "approved", {"status": ["requested", status]})
    meeting.warnings = warnings
    return meeting


def reject_request(meeting_id: int, reason: str, actor: Actor, if_match=None) -> Meeting:
    return _change_status(get_meeting(meeting_id, actor), "reject", reason, actor, if_match)


def withdraw_request(meeting_id: int, reason: str, actor: Actor, if_match=None) -> Meeting:
    """A mission takes back its own request."""
    return _change_status(get_meeting(meeting_id, actor), "withdraw", reason, actor, if_match)


# --- a new tz database release --------------------------------------------------------


def move_to_new_rules(meeting: Meeting, start: datetime, end: datetime, actor: Actor, reason: str) -> list[dict]:
    """Move a meeting ahead to the instants its wall time names under a new tz database release,
    checked and recorded as any move (committed). Returns what it would collide with instead, and
    then writes nothing: a collision is for an officer to resolve, never an overlap."""
    lock_rooms([meeting.room_id])
    proposal = _proposal(meeting.room, start, end, {}, meeting_id=meeting.id)
    holding = meeting.status in HOLDING_STATUSES
    found = conflicts.hard_conflicts(proposal, actor) if holding else []
    if found:
        db.session.rollback()
        return found
    before = _snapshot(meeting)
    meeting.start, meeting.end = start, end
    meeting.held_start, meeting.held_end = proposal.held
    after = _snapshot(meeting)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    try:
        _save_change(meeting, proposal, actor, "retimed", changes, reason)
    except Conflict as refused:  # taken a moment ago: the database refused the overlap
        return refused.extra.get("conflicts", [])
    return []


def note_for_officers(meeting: Meeting, actor: Actor, action: str, reason: str) -> None:
    """A history entry that changes nothing, once (committed): what an officer must look at."""
    latest = db.session.scalar(
        select(MeetingChange).where(MeetingChange.meeting_id == meeting.id).order_by(MeetingChange.id.desc()).limit(1)
    )
    if latest is None or (latest.action, latest.reason) != (action, reason):
        db.session.add(
            MeetingChange(meeting_id=meeting.id, actor=actor.label, action=action, changes={}, reason=reason)
        )
    db.session.commit()
