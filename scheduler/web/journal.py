"""The Journal: the public programme of a venue's day. Needs no sign-in and no JavaScript."""

from datetime import timedelta

from flask import redirect, render_template, request, url_for

from ..feeds.links import ALL_PATH, body_path, feed_url, process_path, room_path, webcal_url
from ..processes.service import body_slug
from ..venues.service import list_venues
from . import agenda
from .blueprint import blp, chosen_venue, parse_day, today_at


@blp.get("/")
def journal_today():
    venue = chosen_venue()
    return _journal_page(venue, today_at(venue))


@blp.get("/journal")
def journal_pick():
    """The day picker's GET form lands here: on to the day's own address."""
    venue = chosen_venue()
    text = request.args.get("date", "").strip()
    day = parse_day(text) if text else today_at(venue)
    return redirect(url_for("web.journal_day", day=day.isoformat(), venue=venue.code))


@blp.get("/journal/<day>")
def journal_day(day):
    return _journal_page(chosen_venue(), parse_day(day))


def _subscriptions(sections) -> list[dict]:
    """Feeds for the rooms, bodies and processes of the day's meetings, and the whole venue's."""
    links, seen = [{"label": "All public meetings", "path": ALL_PATH}], set()
    for section in sections:
        for meetings in section.bodies.values():
            for meeting in meetings:
                candidates = [(f"Room: {meeting.room.name}", room_path(meeting.room.code))]
                if body_slug(meeting.body):  # a body named only with signs has no feed
                    candidates.append((f"Body: {meeting.body}", body_path(body_slug(meeting.body))))
                if meeting.process:
                    candidates.append((f"Process: {meeting.process.title}", process_path(meeting.process.slug)))
                for label, path in candidates:
                    if path not in seen:
                        seen.add(path)
                        links.append({"label": label, "path": path})
    return [{**link, "https": feed_url(link["path"]), "webcal": webcal_url(link["path"])} for link in links]


def _journal_page(venue, day):
    sections = agenda.journal(venue, day)
    return render_template(
        "journal.html",
        venue=venue,
        day=day,
        sections=sections,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        subscriptions=_subscriptions(sections),
        venues=list_venues(),
    )
