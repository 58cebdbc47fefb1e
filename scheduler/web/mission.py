"""A mission's pages: its requests and their fate, asking for a room, its calendar subscriptions."""

from flask import flash, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..conflicts import natural_key
from ..errors import Conflict, FieldErrors, NotFound, PreconditionFailed
from ..extensions import db
from ..feeds.links import feed_url, subscription_path, webcal_url
from ..meetings import lifecycle
from ..meetings import service as meetings
from ..meetings.models import KINDS
from ..meetings.schemas import MeetingInputSchema, WithdrawalSchema
from ..missions import service as missions
from ..missions.schemas import MissionUpdateSchema, SubscriptionSchema
from ..processes.models import Process
from ..rooms.models import Room
from . import forms
from .blueprint import blp
from .console import NEW_MEETING_DEFAULTS, check_first, flash_warnings, form_choices, if_match_from, submit_meeting
from .session import page_actor, signed_in


def _subscription_choices() -> dict:
    rooms = sorted(db.session.scalars(select(Room).where(Room.active)), key=lambda room: natural_key(room.code))
    return {
        "rooms": rooms,
        "processes": db.session.scalars(select(Process).order_by(Process.title)).all(),
        "kinds": KINDS,
    }


def _home(
    created=None, subscription_form=None, subscription_errors=None, status=200, contacts_form=None, contacts_errors=None
):
    actor = page_actor()
    requests = meetings.requests_of(actor)
    return render_template(
        "mission.html",
        mission=missions.get_mission(actor.mission_code),
        requests=requests,
        withdrawable={meeting.id for meeting in requests if lifecycle.allows(meeting, "withdraw", actor)},
        subscriptions=missions.list_subscriptions(actor),
        created=created,
        subscription_form=subscription_form or {},
        subscription_errors=subscription_errors or {},
        contacts_form=contacts_form,
        contacts_errors=contacts_errors or {},
        **_subscription_choices(),
    ), status


NEW_SUBSCRIPTION = "new_subscription"


@blp.get("/mission")
@signed_in("mission")
def mission_home():
    new = session.pop(NEW_SUBSCRIPTION, None)
    subscription = new and next((s for s in missions.list_subscriptions(page_actor()) if s.id == new["id"]), None)
    if subscription is None:
        return _home()
    path = subscription_path(new["secret"])
    return _home(created={"subscription": subscription, "https": feed_url(path), "webcal": webcal_url(path)})


@blp.get("/mission/requests/new")
@signed_in("mission")
def mission_request():
    form = MultiDict({**NEW_MEETING_DEFAULTS, "visibility": "missions", **request.args.to_dict()})
    return render_template("meeting_new.html", form=form, outcome={}, requesting=True, **form_choices())


@blp.post("/mission/requests/new")
@signed_in("mission")
def send_request():
    checked = check_first(request.form, page_actor(), requesting=True)
    if checked:
        return render_template(
            "meeting_new.html", form=request.form, outcome=checked, requesting=True, **form_choices()
        )
    meeting, outcome = submit_meeting(
        request.form, MeetingInputSchema(), lambda data: meetings.create_meeting(data, page_actor())
    )
    if meeting is None:
        return render_template(
            "meeting_new.html", form=request.form, outcome=outcome, requesting=True, **form_choices()
        ), outcome["status"]
    flash(f"Requested: {meeting.title}. An officer will decide; its status shows here.", "success")
    if meeting.conflicts:
        flash("The room is taken at that time as things stand: the officer may offer another room or time.", "warning")
    flash_warnings(meeting)
    return redirect(url_for("web.mission_home"), code=303)


@blp.post("/mission/requests/<int:meeting_id>/withdraw")
@signed_in("mission")
def mission_withdraw(meeting_id):
    try:
        data = forms.load(WithdrawalSchema(), {"reason": request.form.get("reason") or "Withdrawn by the mission"})
        meeting = meetings.withdraw_request(
            meeting_id, data["reason"], page_actor(), if_match_from(meeting_id, request.form)
        )
    except (forms.FormErrors, Conflict, PreconditionFailed, NotFound) as error:
        flash(getattr(error, "message", "The reason is not valid"), "error")
    else:
        flash(f"Withdrawn: {meeting.title}", "success")
    return redirect(url_for("web.mission_home"), code=303)


@blp.post("/mission/subscriptions")
@signed_in("mission")
def mission_subscribe():
    """The secret address is shown on this one page, once: only its hash is kept."""
    try:
        data = forms.load(SubscriptionSchema(), forms.subscription_payload(request.form))
        subscription, secret = missions.create_subscription(data, page_actor())
    except forms.FormErrors as error:
        return _home(subscription_form=request.form, subscription_errors=error.errors, status=422)
    except FieldErrors as error:
        return _home(subscription_form=request.form, subscription_errors=forms.service_errors(error).errors, status=422)
    # Post, then redirect: reloading the page shows the address, it does not subscribe again. The secret
    # rides in the signed session cookie to the next page only, which shows it once and forgets it.
    session[NEW_SUBSCRIPTION] = {"id": subscription.id, "secret": secret}
    return redirect(url_for("web.mission_home"), code=303)


@blp.post("/mission/contacts")
@signed_in("mission")
def mission_contacts():
    """Where the mission hears of its requests and meetings, and whether it gets the daily programme."""
    actor = page_actor()
    try:
        data = forms.load(MissionUpdateSchema(), forms.contacts_payload(request.form))
        missions.update_mission(actor.mission_code, data, actor)
    except forms.FormErrors as error:
        return _home(contacts_form=request.form, contacts_errors=error.errors, status=422)
    flash("Saved: mail goes to these addresses.", "success")
    return redirect(url_for("web.mission_home"), code=303)


@blp.post("/mission/subscriptions/<int:subscription_id>/revoke")
@signed_in("mission")
def mission_revoke(subscription_id):
    missions.revoke_subscription(subscription_id, page_actor())
    flash("Subscription revoked: its address no longer works.", "success")
    return redirect(url_for("web.mission_home"), code=303)
