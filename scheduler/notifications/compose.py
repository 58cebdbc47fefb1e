"""A queued message made into mail, from the meeting as it is now and for its reader's eyes: subject,
plain text and HTML bodies in English and French, and for a meeting a calendar can hold, an iMIP part
(ical/imip.py) with the feeds' UID and SEQUENCE. Returns None when the reader may no longer see it."""

from dataclasses import dataclass, field
from datetime import datetime, time

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import select

from ..extensions import db
from ..feeds.documents import base_url, uid_domain
from ..feeds.links import room_path
from ..ical.events import render_event
from ..ical.imip import imip
from ..meetings import notice
from ..meetings.models import Meeting
from ..meetings.visibility import can_see, is_booked
from ..missions.models import Mission
from ..times import to_local
from ..venues.models import Venue
from . import recipients as kinds
from .models import OutboxMessage
from .programme import programme_meetings
from .recipients import Reader

# What happened, in each language: the subject's first words and the body's first line.
HEADLINES = {
    kinds.REQUEST_RECEIVED: ("Request for a room", "Demande de salle"),
    kinds.REQUEST_WITHDRAWN: ("Request withdrawn", "Demande retirée"),
    kinds.REQUEST_APPROVED: ("Your request is approved", "Votre demande est approuvée"),
    kinds.REQUEST_REJECTED: ("Your request is not granted", "Votre demande n'est pas accordée"),
    kinds.BOOKED: ("Meeting booked", "Réunion inscrite"),
    kinds.CHANGED: ("Meeting changed", "Réunion modifiée"),
    kinds.POSTPONED: ("Meeting postponed", "Réunion reportée"),
    kinds.CANCELLED: ("Meeting cancelled", "Réunion annulée"),
    kinds.PROGRAMME: ("Programme of meetings", "Programme des réunions"),
}
LABELS = {
    "en": {"when": "When", "where": "Where", "by": "Requested by", "reason": "Reason", "status": "Status"},
    "fr": {"when": "Date", "where": "Lieu", "by": "Demandée par", "reason": "Motif", "status": "Statut"},
}
NO_MEETINGS = {"en": "No meetings.", "fr": "Aucune réunion."}


@dataclass
class Section:
    lang: str
    headline: str
    lines: list[str] = field(default_factory=list)


def _when(meeting: Meeting, lang: str) -> str:
    start, end = to_local(meeting.start, meeting.timezone), to_local(meeting.end, meeting.timezone)
    return f"{notice.day(start, lang)}, {notice.times(start, end, lang)} ({meeting.timezone})"


def _meeting_sections(message: OutboxMessage, meeting: Meeting) -> list[Section]:
    sections = []
    for index, lang in enumerate(("en", "fr")):
        labels = LABELS[lang]
        section = Section(lang, f"{HEADLINES[message.kind][index]}: {meeting.title}")
        if is_booked(meeting):
            section.lines.append(notice.meeting_sentence(meeting, lang, notice.position_in_process(meeting)))
        section.lines += [
            f"{labels['when']}: {_when(meeting, lang)}",
            f"{labels['where']}: {meeting.room.name}, {meeting.room.venue.name}",
        ]
        if message.kind == kinds.REQUEST_RECEIVED and meeting.requested_by:
            name = db.session.scalar(select(Mission.name).where(Mission.code == meeting.requested_by))
            section.lines.append(f"{labels['by']}: {name or meeting.requested_by}")
        if meeting.status_reason and message.kind in (
            kinds.REQUEST_REJECTED,
            kinds.REQUEST_WITHDRAWN,
            kinds.POSTPONED,
            kinds.CANCELLED,
        ):
            section.lines.append(f"{labels['reason']}: {meeting.status_reason}")
        sections.append(section)
    return sections


def _links(message: OutboxMessage, meeting: Meeting | None) -> list[str]:
    base = base_url()
    if message.reader_is_staff:
        return [f"Requests waiting / Demandes en attente: {base}console/requests"]
    links = []
    if message.reader_mission:
        links.append(f"Your calendar feeds / Vos calendriers: {base}mission")
    if meeting is not None and meeting.visibility == "public":
        webcal = f"webcal://{base.split('://', 1)[1]}feeds/{room_path(meeting.room.code)}"
        links.append(f"{meeting.room.name} (subscribe / s'abonner): {webcal}")
    return links


def _programme_sections(message: OutboxMessage, reader: Reader) -> list[Section]:
    venue = db.session.scalar(select(Venue).where(Venue.code == message.venue_code))
    meetings = programme_meetings(venue, message.day, reader)
    sections = []
    for index, lang in enumerate(("en", "fr")):
        day = notice.day(datetime.combine(message.day, time(12)), lang)
        section = Section(lang, f"{HEADLINES[kinds.PROGRAMME][index]}: {venue.name}, {day}")
        for meeting in meetings:
            local_start = to_local(meeting.start, venue.timezone)
            local_end = to_local(meeting.end, venue.timezone)
            section.lines.append(f"{notice.times(local_start, local_end, lang)}: {meeting.title} ({meeting.room.name})")
        section.lines = section.lines or [NO_MEETINGS[lang]]
        sections.append(section)
    return sections


def compose(message: OutboxMessage) -> EmailMultiAlternatives | None:
    reader = Reader(message.recipient, message.reader_mission, message.reader_is_staff)
    meeting = db.session.get(Meeting, message.meeting_id) if message.meeting_id else None
    if message.kind == kinds.PROGRAMME:
        sections = _programme_sections(message, reader)
        english, french = HEADLINES[kinds.PROGRAMME]
        subject = f"{english} / {french}: {sections[0].headline.split(': ', 1)[1]}"
    else:
        if meeting is None or not can_see(reader.actor(), meeting):
            return None
        sections = _meeting_sections(message, meeting)
        english, french = HEADLINES[message.kind]
        subject = f"{english} / {french}: {meeting.title}"
    links = _links(message, meeting)
    text = render_template("mail/message.txt", sections=sections, links=links)
    html = render_template("mail/message.html", sections=sections, links=links)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    mail = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=sender,
        to=[message.recipient],
        headers={"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"},
    )
    mail.attach_alternative(html, "text/html")
    method = kinds.IMIP_METHOD.get(message.kind)
    if method and meeting is not None and is_booked(meeting):
        desk = meeting.room.venue.desk_email or sender
        part = imip(method, render_event(meeting, uid_domain()), desk, meeting.room.venue.name, message.recipient)
        mail.attach_alternative(part.decode("utf-8"), f"text/calendar; method={method}")
    return mail
