"""A room's free/busy time (.vfb): held meetings of any visibility and blocks, without titles.
Small, and rendered for each request: it shows only what it stamps, so nothing hidden moves it."""

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..errors import NotFound
from ..extensions import db
from ..ical.freebusy import render_freebusy
from ..meetings.models import HOLDING_STATUSES, Meeting
from ..rooms.models import Room, RoomBlock
from .documents import uid_domain, window_start

DAYS_AHEAD = 366


def room_freebusy(code: str, base_url: str) -> tuple[bytes, str]:
    """The bytes and their ETag."""
    room = db.session.scalar(select(Room).where(Room.code == code.upper()))
    if room is None:
        raise NotFound(f"No room {code!r}")
    start = window_start()
    end = start + timedelta(days=current_app.config["FEED_PAST_DAYS"] + DAYS_AHEAD)
    meetings = db.session.execute(
        select(Meeting.held_start, Meeting.held_end, Meeting.status).where(
            Meeting.room_id == room.id,
            Meeting.status.in_(HOLDING_STATUSES),
            Meeting.held_end > start,
            Meeting.held_start < end,
        )
    ).all()
    blocks = db.session.execute(
        select(RoomBlock.start, RoomBlock.end).where(
            RoomBlock.room_id == room.id, RoomBlock.end > start, RoomBlock.start < end
        )
    ).all()
    busy = _merged(
        [(max(s, start), min(e, end)) for s, e, status in meetings if status == "confirmed"]
        + [(max(s, start), min(e, end)) for s, e in blocks]
    )
    tentative = _merged([(max(s, start), min(e, end)) for s, e, status in meetings if status == "tentative"])
    periods = sorted([(s, e, "BUSY") for s, e in busy] + [(s, e, "BUSY-TENTATIVE") for s, e in tentative])
    newest_meeting = db.session.scalar(
        select(func.max(Meeting.updated_at)).where(Meeting.room_id == room.id, Meeting.status.in_(HOLDING_STATUSES))
    )
    newest_block = db.session.scalar(select(func.max(RoomBlock.created_at)).where(RoomBlock.room_id == room.id))
    stamp = max(room.updated_at, newest_meeting or start, newest_block or start)
    body = render_freebusy(
        f"freebusy-room-{room.code}@{uid_domain()}",
        f"{base_url}feeds/rooms/{room.code}.vfb",
        start,
        end,
        periods,
        stamp,
    )
    return body, hashlib.sha256(body).hexdigest()[:32]


def _merged(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
