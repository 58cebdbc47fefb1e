"""Series: many meetings booked by one rule, each its own meeting; changed one by one or from
one occurrence on."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from .. import conflicts
from ..accounts.service import Actor
from ..errors import Conflict, FieldErrors, NotFound
from ..extensions import db
from ..meetings import lifecycle
from ..meetings import service as meetings
from ..meetings.models import HOLDING_STATUSES, Meeting
from ..meetings.visibility import visible_condition
from ..rooms.service import lock_rooms
from ..times import WEEKDAYS, to_local
from .models import MeetingSeries
from .schemas import MAX_OCCURRENCES


def occurrence_dates(data: dict, venue) -> list[date]:
    """The local days of a series: explicit dates, or weekdays / working days from `from` on."""
    if data.get("dates"):
        return sorted(set(data["dates"]))
    days, day = [], data["from_"]
    until = data.get("until")
    wanted = set(data.get("weekdays") or [])
    # Weekly on one day, MAX_OCCURRENCES weeks: the longest a series can take.
    horizon = data["from_"] + timedelta(weeks=MAX_OCCURRENCES + 1)
    while len(days) < (data.get("count") or MAX_OCCURRENCES + 1) and (until is None or day <= until):
        if day > horizon:
            raise FieldErrors({"until" if until else "count": "The rule does not reach that far"})
        if (WEEKDAYS[day.weekday()] in wanted) if wanted else venue.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    if len(days) > MAX_OCCURRENCES:
        raise FieldErrors({"until": f"At most {MAX_OCCURRENCES} occurrences in one series"})
    if not days:
        raise FieldErrors({"weekdays": "The rule gives no day"})
    return days


def _times(data: dict, day: date) -> dict:
    if "slot" in data:
        return {"date": day, "slot": data["slot"]}
    end_day = day if data["end_time"] > data["start_time"] else day + timedelta(days=1)
    return {"start": datetime.combine(day, data["start_time"]), "end": datetime.combine(end_day, data["end_time"])}


def _rule(data: dict) -> dict:
    rule = {key: data[key] for key in ("weekdays", "every_working_day", "count", "mode", "slot") if data.get(key)}
    for key in ("dates",):
        if data.get(key):
            rule[key] = [day.isoformat() for day in data[key]]
    for key, name in (("from_", "from"), ("until", "until")):
        if data.get(key):
            rule[name] = data[key].isoformat()
    for key in ("start_time", "end_time"):
        if data.get(key):
            rule[key] = data[key].strftime("%H:%M")
    return rule


def create_series(data: dict, actor: Actor) -> dict:
    """Book every occurrence in one transaction. All or nothing: any conflict refuses the whole
    series (409 listing every conflicting date with its alternatives). Skip conflicts: the free
    dates are booked and the others listed."""
    room, process = meetings.booking_room_and_process(data)
    days = occurrence_dates(data, room.venue)
    proposals = []
    for day in days:
        try:
            start, end = meetings.resolve_times(_times(data, day), room)
        except FieldErrors as error:
            # Name the date as well as the field: one day of many may fall in a DST change.
            fields = error.errors["json"]
            raise FieldErrors(
                {key: [f"{day.isoformat()}: {message}" for message in messages] for key, messages in fields.items()}
            ) from error
        proposals.append((day, meetings.booking_proposal(room, start, end, data)))
    lock_rooms([room.id])
    refused, accepted = [], []
    for day, proposal in proposals:
        found = conflicts.hard_conflicts(proposal, actor)
        # Overnight occurrences with buffers may overlap each other: the earlier one keeps its time.
        found += [
            {
                "type": "occurrence",
                "room": room.code,
                "date": other_day.isoformat(),
                "message": "An earlier occurrence of this series holds the room then",
            }
            for other_day, other in accepted
            if other.held[0] < proposal.held[1] and proposal.held[0] < other.held[1]
        ]
        if found:
            refused.append({"date": day.isoformat(), **meetings.refusal(proposal, found)})
        else:
            accepted.append((day, proposal))
    if refused and (data["mode"] == "all_or_nothing" or not accepted):
        raise Conflict(f"{len(refused)} of {len(days)} dates are not available; nothing was booked", conflicts=refused)
    skipped = [{"date": item["date"]} for item in refused]
    series = MeetingSeries(title=data["title"], rule=_rule(data), skipped=skipped, created_by=actor.label)
    db.session.add(series)
    db.session.flush()
    skipped = {item["date"] for item in refused}
    booked = [
        meetings.insert_meeting(data, room, process, proposal, actor, series_id=series.id)
        for day, proposal in proposals
        if day.isoformat() not in skipped
    ]
    db.session.commit()
    return {"id": series.id, "title": series.title, "rule": series.rule, "meetings": booked, "skipped": refused}


def get_series(series_id: int, actor: Actor) -> dict:
    series = db.session.get(MeetingSeries, series_id)
    occurrences = _occurrences(series_id, actor)
    if series is None or not occurrences:
        raise NotFound(f"No series {series_id}")
    if not actor.is_staff:
        # The series' own title and rule may tell of occurrences the caller may not see.
        return {"id": series.id, "title": occurrences[0].title, "rule": {}, "meetings": occurrences, "skipped": []}
    return {
        "id": series.id,
        "title": series.title,
        "rule": series.rule,
        "meetings": occurrences,
        "skipped": series.skipped,
    }


def add_occurrence(series_id: int, data: dict, actor: Actor) -> Meeting:
    """Book one more occurrence: on a date the series skipped, or any other, in its room or another,
    at the times of day of its latest occurrence (the series as it stands) unless others are given.
    It copies that occurrence and is checked like any booking (409 with alternatives); a skipped date
    it fills is no longer listed as skipped."""
    series = db.session.get(MeetingSeries, series_id, with_for_update=True)  # skipped: one change at a time
    occurrences = _occurrences(series_id, actor)
    if series is None or not occurrences:
        raise NotFound(f"No series {series_id}")
    holding = [meeting for meeting in occurrences if meeting.status in HOLDING_STATUSES]
    model = (holding or occurrences)[-1]
    booking = {
        **{field: getattr(model, field) for field in meetings.COPIED_FIELDS},
        "body": model.body,
        "status": model.status if holding else lifecycle.CONFIRMED,
        "invited_missions": model.invited_missions,
        "room": data.get("room", model.room.code),
        "process": model.process.slug if model.process else None,
    }
    room, process = meetings.booking_room_and_process(booking)
    start, end = meetings.resolve_times(_occurrence_times(data, model), room)
    lock_rooms([room.id])
    proposal = meetings.booking_proposal(room, start, end, booking)
    found = conflicts.hard_conflicts(proposal, actor)
    if found:
        raise Conflict(f"Room {room.code} is not available for that time", **meetings.refusal(proposal, found))
    meeting = meetings.insert_meeting(booking, room, process, proposal, actor, series_id=series.id)
    series.skipped = [item for item in series.skipped if item["date"] != data["date"].isoformat()]
    db.session.commit()
    return meeting


def _occurrence_times(data: dict, model: Meeting) -> dict:
    """An added occurrence's times: as given, else the model occurrence's times of day and length."""
    day = data["date"]
    if "slot" in data or "start_time" in data:
        return _times(data, day)
    tz = model.room.venue.timezone
    start = datetime.combine(day, to_local(model.start, tz).time())
    return {"start": start, "end": start + (model.end - model.start)}


def _occurrences(series_id: int, actor: Actor, from_meeting: int | None = None) -> list[Meeting]:
    query = select(Meeting).where(Meeting.series_id == series_id, visible_condition(actor)).order_by(Meeting.start)
    found = list(db.session.scalars(query).unique())
    if from_meeting is not None:
        first = next((m for m in found if m.id == from_meeting), None)
        if first is None:
            raise FieldErrors(
                {"from": f"Meeting {from_meeting} is not an occurrence of series {series_id}"}, location="query"
            )
        found = [m for m in found if m.start >= first.start]
    return found


def change_following(series_id: int, from_meeting: int, data: dict, actor: Actor) -> dict:
    """Change an occurrence and all that follow it, in one transaction: if any change collides
    (with other meetings or with the series' own moved occurrences), nothing changes (409)."""
    following = [m for m in _occurrences(series_id, actor, from_meeting) if lifecycle.allows(m, "change", actor)]
    if not following:
        raise NotFound(f"No series {series_id}")
    changes = [(meeting, _following_change(meeting, data)) for meeting in following]
    lock_rooms(sorted({meeting.room_id for meeting in following}))
    refused = []
    for meeting, change in changes:
        room = meetings.booking_room_and_process({"room": change.get("room", meeting.room.code)})[0]
        start, end = meetings.resolve_times(change, room) if "start" in change else (meeting.start, meeting.end)
        proposal = meetings.booking_proposal(
            room, start, end, {"expected_participants": meeting.expected_participants, "languages": meeting.languages}
        )
        proposal.meeting_id = meeting.id
        found = conflicts.hard_conflicts(proposal, actor) if meeting.status in HOLDING_STATUSES else []
        if found:
            day = to_local(meeting.start, meeting.room.venue.timezone).date()
            refused.append({"date": day.isoformat(), **meetings.refusal(proposal, found)})
    if refused:
        raise Conflict(
            f"{len(refused)} of {len(changes)} occurrences would collide; nothing was changed", conflicts=refused
        )
    try:  # one after the other in one transaction: each sees the ones moved before it
        changed = [meetings.update_meeting(meeting.id, change, actor, commit=False) for meeting, change in changes]
        rule = _record_rule_change(series_id, following[0], data)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"id": series_id, "title": changed[0].title, "rule": rule, "meetings": changed, "skipped": []}


def _record_rule_change(series_id: int, first: Meeting, data: dict) -> dict:
    """Keep the rule as it stands: what changed, from which occurrence's day on (rule["changes"])."""
    series = db.session.get(MeetingSeries, series_id)
    change = {"from": to_local(first.start, first.room.venue.timezone).date().isoformat()}
    for key, value in data.items():
        change[key] = value.strftime("%H:%M") if hasattr(value, "strftime") else value
    series.rule = {**series.rule, "changes": [*(series.rule.get("changes") or []), change]}
    return series.rule


def _following_change(meeting: Meeting, data: dict) -> dict:
    """One occurrence's change. New times of day apply to its own local day; a new start alone
    keeps the meeting's length. A postponed occurrence keeps its times: new ones would book it again,
    which is a decision of its own."""
    change = {key: data[key] for key in ("title", "room", "visibility", "description", "notes") if key in data}
    if {"start_time", "end_time"} & data.keys() and meeting.status != lifecycle.POSTPONED:
        tz = meeting.room.venue.timezone
        local_start = to_local(meeting.start, tz).replace(tzinfo=None)
        local_end = to_local(meeting.end, tz).replace(tzinfo=None)
        start = datetime.combine(local_start.date(), data.get("start_time", local_start.time()))
        if "end_time" in data:
            end = datetime.combine(start.date(), data["end_time"])
            end += timedelta(days=1) if end <= start else timedelta(0)
        else:
            end = start + (local_end - local_start)
        change.update(start=start, end=end)
    return change


def cancel_following(series_id: int, from_meeting: int | None, reason: str, actor: Actor) -> dict:
    """Cancel an occurrence and all that follow it, in one transaction: all of them or none."""
    following = [m for m in _occurrences(series_id, actor, from_meeting) if lifecycle.allows(m, "cancel", actor)]
    if not following:
        raise NotFound(f"No series {series_id} with occurrences to cancel")
    try:
        cancelled = [meetings.cancel_meeting(meeting.id, reason, actor, commit=False) for meeting in following]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {"id": series_id, "title": cancelled[0].title, "rule": {}, "meetings": cancelled, "skipped": []}
