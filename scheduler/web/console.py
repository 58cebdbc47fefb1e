"""The officer's console: the rooms of a day or a week, booking, changing and cancelling
meetings through forms, and the queue of missions' requests."""

from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import ETags, MultiDict

from ..accounts.service import BOOKING_ROLES, STAFF_ROLES
from ..conflicts import natural_key
from ..errors import Conflict, FieldErrors, PreconditionFailed
from ..extensions import db
from ..meetings import lifecycle, service
from ..meetings.models import KINDS, LANGUAGES
from ..meetings.schemas import ApprovalSchema, MeetingInputSchema, MeetingUpdateSchema, ReasonSchema
from ..notifications.models import OutboxMessage
from ..processes.models import Process
from ..rooms.models import Room
from ..rooms.service import find_room
from ..times import local_date, to_local
from ..venues.models import TimeSlot
from ..venues.service import list_venues
from . import agenda, forms
from .blueprint import blp, chosen_venue, label, monday_of, parse_day, today_at
from .session import page_actor, signed_in

NEW_MEETING_DEFAULTS = {
    "kind": "informal_consultations",
    "status": "confirmed",
    "visibility": "public",
    "start": "10:00",
    "end": "13:00",
}


# --- grids ----------------------------------------------------------------------------


@blp.get("/console")
@signed_in(*STAFF_ROLES)
def console():
    venue = chosen_venue()
    return redirect(url_for("web.console_day", day=today_at(venue).isoformat(), venue=venue.code))


@blp.get("/console/day/<day>")
@signed_in(*STAFF_ROLES)
def console_day(day):
    venue, day = chosen_venue(), parse_day(day)
    return render_template(
        "console_day.html",
        venue=venue,
        day=day,
        nav_day=day,
        venues=list_venues(),
        grid=agenda.day_grid(venue, day, page_actor()),
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        highlight=request.args.get("meeting", type=int),
    )


@blp.get("/console/week/<day>")
@signed_in(*STAFF_ROLES)
def console_week(day):
    venue, monday = chosen_venue(), monday_of(parse_day(day))
    return render_template(
        "console_week.html",
        venue=venue,
        monday=monday,
        nav_day=monday,
        venues=list_venues(),
        grid=agenda.week_grid(venue, monday, page_actor()),
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
    )


# --- the meeting form -----------------------------------------------------------------


def form_choices() -> dict:
    """What the meeting form's lists offer."""
    processes = db.session.scalars(select(Process).order_by(Process.title))
    rooms = db.session.scalars(select(Room).where(Room.active))
    slot_names = db.session.scalars(select(TimeSlot.name).distinct().order_by(TimeSlot.name))
    return {
        "kind_options": [(kind, label(kind)) for kind in KINDS],
        "language_options": [(language, language.upper()) for language in LANGUAGES],
        "processes_options": [(process.slug, process.title) for process in processes],
        "room_options": sorted(rooms, key=lambda room: (room.venue.code, natural_key(room.code))),
        "slot_names": list(slot_names),
    }


def submit_meeting(form: MultiDict, schema, action) -> tuple[object, dict]:
    """Run a meeting form through the API's schema and a service action.

    Returns (meeting, {}) on success, or (None, outcome) where outcome holds the HTTP status
    and the field errors, or the refusal (collisions and alternatives, each a ready-to-send
    form), or a message.
    """
    try:
        return action(forms.load(schema, *forms.meeting_payload(form))), {}
    except forms.FormErrors as error:
        return None, {"status": 422, "errors": error.errors}
    except FieldErrors as error:
        return None, {"status": 422, "errors": forms.service_errors(error).errors}
    except Conflict as error:
        if "conflicts" not in error.extra:  # not about the room: a cancelled meeting, a request's status
            return None, {"status": 409, "message": error.message}
        return None, {
            "status": 409,
            "message": error.message,
            "conflicts": error.extra["conflicts"],
            "alternatives": _alternative_forms(form, error.extra.get("alternatives") or {}),
        }
    except PreconditionFailed:
        return None, {"status": 412, "message": STALE_FORM}


STALE_FORM = (
    "Someone changed this meeting after you opened it: below is the meeting as it is now. Make your change again."
)


def _alternative_forms(form: MultiDict, alternatives: dict) -> list[dict]:
    """Each alternative of a refused booking as the same form with another room or time."""
    choices = []
    for room in alternatives.get("rooms", []):
        choices.append(
            {
                "label": f"{room['name']} ({room['room']}, {room['capacity']} seats), same time",
                "fields": forms.carried_fields(form, room=room["room"]),
            }
        )
    for time in alternatives.get("times", []):
        tz = find_room(time["room"]).venue.timezone  # for the zone's name (EDT), not only its offset
        start, end = (to_local(datetime.fromisoformat(time[edge]), tz) for edge in ("start", "end"))
        choices.append(
            {
                "label": f"{start:%A %d %B}, {start:%H:%M}\u2013{end:%H:%M} {start.tzname() or ''}, same room",
                "fields": forms.carried_fields(
                    form, date=start.date().isoformat(), start=f"{start:%H:%M}", end=f"{end:%H:%M}", slot=""
                ),
            }
        )
    return choices


def _booked_message(meeting) -> str:
    tz = meeting.timezone
    start, end = to_local(meeting.start, tz), to_local(meeting.end, tz)
    return (
        f"Booked: {meeting.title}, {meeting.room.name}, {start:%A %d %B %Y} "
        f"{start:%H:%M}\u2013{end:%H:%M} {start.tzname()}"
    )


def flash_warnings(meeting) -> None:
    for warning in getattr(meeting, "warnings", None) or []:
        flash(warning.get("message", str(warning)), "warning")


@blp.get("/console/meetings/new")
@signed_in(*BOOKING_ROLES)
def new_meeting():
    form = MultiDict({**NEW_MEETING_DEFAULTS, **request.args.to_dict()})
    return render_template("meeting_new.html", form=form, outcome={}, **form_choices())


# A new booking's form is checked first; this field says the person saw what the check found and goes ahead.
CONFIRMED_FIELD = "confirmed"


def check_first(form: MultiDict, actor, requesting: bool = False) -> dict | None:
    """What a new booking or request would meet, to show before anything is made: its soft warnings, and for
    a request its collisions too (an officer decides on those), with a button that goes ahead. None when there
    is nothing to confirm, when the form was confirmed, or when it is not valid (submitting it says why; an
    officer's booking that collides is refused with its alternatives, as before)."""
    if form.get(CONFIRMED_FIELD) == "1":
        return None
    try:
        checked = service.check(forms.load(MeetingInputSchema(), *forms.meeting_payload(form)), actor)
    except (forms.FormErrors, FieldErrors):
        return None
    collisions = checked["conflicts"] if requesting else []
    if not (checked["bookable"] or requesting) or not (checked["warnings"] or collisions):
        return None
    outcome = {"status": 200, "warnings": checked["warnings"], "confirm": forms.carried_fields(form, confirmed="1")}
    if collisions:
        outcome.update(
            message="The room is taken at that time, as things stand",
            conflicts=collisions,
            alternatives=_alternative_forms(form, checked["alternatives"]),
        )
    return outcome


@blp.post("/console/meetings/new")
@signed_in(*BOOKING_ROLES)
def book_meeting():
    checked = check_first(request.form, page_actor())
    if checked:
        return render_template("meeting_new.html", form=request.form, outcome=checked, **form_choices())
    meeting, outcome = submit_meeting(
        request.form, MeetingInputSchema(), lambda data: service.create_meeting(data, page_actor())
    )
    if meeting is None:
        return render_template("meeting_new.html", form=request.form, outcome=outcome, **form_choices()), outcome[
            "status"
        ]
    flash(_booked_message(meeting), "success")
    flash_warnings(meeting)
    day = local_date(meeting.start, meeting.timezone)
    return redirect(
        url_for("web.console_day", day=day.isoformat(), venue=meeting.room.venue.code, meeting=meeting.id), code=303
    )


# --- one meeting ----------------------------------------------------------------------


def meeting_form(meeting) -> MultiDict:
    """The edit form, filled in with the meeting as it is."""
    tz = meeting.timezone
    start, end = to_local(meeting.start, tz), to_local(meeting.end, tz)
    form = MultiDict(
        {
            "title": meeting.title,
            "kind": meeting.kind,
            "body": meeting.body,
            "process": meeting.process.slug if meeting.process else "",
            "room": meeting.room.code,
            "date": start.date().isoformat(),
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
            "was_date": start.date().isoformat(),
            "was_start": f"{start:%H:%M}",
            "was_end": f"{end:%H:%M}",
            "status": meeting.status,
            "visibility": meeting.visibility,
            "organizers": "\n".join(meeting.organizers),
            "expected_participants": meeting.expected_participants or "",
            "description": meeting.description,
            "notes": meeting.notes,
            "invited_missions": ", ".join(meeting.invited_missions),
            "version": meeting.version,
        }
    )
    form.setlist("languages", list(meeting.languages))
    if meeting.webcast:
        form["webcast"] = "on"
    return form


def if_match_from(meeting_id: int, form) -> ETags | None:
    """The version the form was filled in from: a change made meanwhile is a 412, not lost."""
    version = form.get("version", "").strip()
    return ETags([service.version_etag(meeting_id, version)]) if version else None


def _meeting_page(meeting, form=None, outcome=None, reason_errors=None, status=200):
    actor = page_actor()
    return render_template(
        "meeting_edit.html",
        meeting=meeting,
        form=form or meeting_form(meeting),
        outcome=outcome or {},
        reason_errors=reason_errors or {},
        history=service.history(meeting.id, actor),
        actions=lifecycle.available(meeting, actor),
        **form_choices(),
    ), status


@blp.get("/console/meetings/<int:meeting_id>")
@signed_in(*STAFF_ROLES)
def meeting_page(meeting_id):
    return _meeting_page(service.get_meeting(meeting_id, page_actor()))


@blp.post("/console/meetings/<int:meeting_id>")
@signed_in(*BOOKING_ROLES)
def meeting_update(meeting_id):
    actor = page_actor()
    meeting = service.get_meeting(meeting_id, actor)
    changed, outcome = submit_meeting(
        request.form,
        MeetingUpdateSchema(partial=True),
        lambda data: service.update_meeting(meeting_id, data, actor, if_match_from(meeting_id, request.form)),
    )
    if changed is None:
        db.session.rollback()
        typed = None if outcome["status"] == 412 else request.form  # a stale form would only be refused again
        return _meeting_page(service.get_meeting(meeting_id, actor), typed, outcome, status=outcome["status"])
    flash(f"Saved: {changed.title}", "success")
    flash_warnings(changed)
    return redirect(url_for("web.meeting_page", meeting_id=meeting.id), code=303)


OUTBOX_SHOWN = 200  # the outbox page's latest messages (GET /api/v1/outbox pages through all)
STATUS_ACTIONS = {"cancel": service.cancel_meeting, "postpone": service.postpone_meeting}


@blp.post("/console/meetings/<int:meeting_id>/<any(cancel, postpone):action>")
@signed_in(*BOOKING_ROLES)
def meeting_status(meeting_id, action):
    actor = page_actor()
    try:
        data = forms.load(ReasonSchema(), {"reason": request.form.get("reason", "")})
        meeting = STATUS_ACTIONS[action](meeting_id, data["reason"], actor, if_match_from(meeting_id, request.form))
    except forms.FormErrors as error:
        return _meeting_page(service.get_meeting(meeting_id, actor), reason_errors=error.errors, status=422)
    except Conflict as error:
        db.session.rollback()
        return _meeting_page(service.get_meeting(meeting_id, actor), outcome={"message": error.message}, status=409)
    except PreconditionFailed:
        db.session.rollback()
        return _meeting_page(service.get_meeting(meeting_id, actor), outcome={"message": STALE_FORM}, status=412)
    flash(f"{'Cancelled' if action == 'cancel' else 'Postponed'}: {meeting.title}", "success")
    return redirect(url_for("web.meeting_page", meeting_id=meeting.id), code=303)


# --- missions' requests ---------------------------------------------------------------


@blp.get("/console/requests")
@signed_in(*STAFF_ROLES)
def requests_queue():
    actor = page_actor()
    pending = [(meeting, service.request_conflicts(meeting, actor)) for meeting in service.pending_requests(actor)]
    return render_template("requests.html", pending=pending)


@blp.post("/console/requests/<int:meeting_id>/<any(approve, reject):decision>")
@signed_in(*BOOKING_ROLES)
def decide_request(meeting_id, decision):
    actor, if_match = page_actor(), if_match_from(meeting_id, request.form)
    try:
        if decision == "approve":
            data = forms.load(ApprovalSchema(), {"status": request.form.get("status", "confirmed")})
            meeting = service.approve_request(meeting_id, data["status"], actor, if_match)
        else:
            data = forms.load(ReasonSchema(), {"reason": request.form.get("reason", "")})
            meeting = service.reject_request(meeting_id, data["reason"], actor, if_match)
    except forms.FormErrors as error:
        flash("; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.errors.items()), "error")
    except (Conflict, PreconditionFailed) as error:
        flash(error.message, "error")
    else:
        flash(f"{'Approved' if decision == 'approve' else 'Rejected'}: {meeting.title}", "success")
        flash_warnings(meeting)
    return redirect(url_for("web.requests_queue"), code=303)


# --- mail -----------------------------------------------------------------------------


@blp.get("/console/outbox")
@signed_in(*STAFF_ROLES)
def outbox_page():
    """The latest messages and their fate: queued, sent, failed with the server's words, dropped."""
    latest = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(OUTBOX_SHOWN)).all()
    return render_template("outbox.html", messages=latest, shown=OUTBOX_SHOWN)
