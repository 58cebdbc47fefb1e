"""The console's series form: a recurring meeting booked in one go, through the API's schema and service."""

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..accounts.service import BOOKING_ROLES
from ..errors import Conflict, FieldErrors
from ..series import service as series
from ..series.schemas import SeriesSchema
from ..times import WEEKDAYS, local_date
from . import forms
from .blueprint import blp
from .console import form_choices
from .session import page_actor, signed_in

SERIES_DEFAULTS = {
    "kind": "informal_consultations",
    "visibility": "public",
    "start_time": "10:00",
    "end_time": "13:00",
    "mode": "all_or_nothing",
}


def _page(form, outcome=None, status=200):
    return render_template(
        "series_new.html",
        form=form,
        outcome=outcome or {},
        weekday_options=[(day, day.capitalize()) for day in WEEKDAYS],
        **form_choices(),
    ), status


@blp.get("/console/series/new")
@signed_in(*BOOKING_ROLES)
def new_series():
    return _page(MultiDict({**SERIES_DEFAULTS, **request.args.to_dict()}))


@blp.post("/console/series/new")
@signed_in(*BOOKING_ROLES)
def book_series():
    try:
        booked = series.create_series(forms.load(SeriesSchema(), forms.series_payload(request.form)), page_actor())
    except forms.FormErrors as error:
        return _page(request.form, {"errors": error.errors}, 422)
    except FieldErrors as error:
        return _page(request.form, {"errors": forms.service_errors(error).errors}, 422)
    except Conflict as error:
        return _page(request.form, {"message": error.message, "dates": error.extra.get("conflicts", [])}, 409)
    first = booked["meetings"][0]
    flash(f"Booked {len(booked['meetings'])} meetings: {booked['title']}", "success")
    if booked["skipped"]:
        flash(f"Not booked, the room being taken: {', '.join(item['date'] for item in booked['skipped'])}", "warning")
    day = local_date(first.start, first.timezone)
    return redirect(url_for("web.console_week", day=day.isoformat(), venue=first.room.venue.code), code=303)
