"""Signing in with an API token, and out."""

from flask import current_app, redirect, render_template, request, url_for

from ..accounts.service import BOOKING_ROLES, UNKNOWN_TOKEN
from ..extensions import limiter
from .blueprint import blp
from .session import home_of, page_actor, safe_next, sign_in, sign_out


@blp.get("/sign-in")
def sign_in_page():
    return render_template("sign_in.html", next=safe_next(request.args.get("next")))


@blp.post("/sign-in")
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"])
def sign_in_submit():
    actor = sign_in(request.form.get("token", ""))
    target = safe_next(request.form.get("next"))
    if actor is None:
        return render_template("sign_in.html", next=target, error=UNKNOWN_TOKEN), 401
    return redirect(target or home_of(actor), code=303)


@blp.post("/sign-out")
def sign_out_submit():
    sign_out()
    return redirect(url_for("web.journal_today"), code=303)


@blp.app_context_processor
def signed_in_person():
    actor = page_actor()
    return {"actor": actor, "can_book": actor.role in BOOKING_ROLES}
