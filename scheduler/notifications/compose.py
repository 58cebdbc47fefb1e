"""A queued message made into mail, from the meeting as it is now and for its reader's eyes: subject,
plain text and HTML bodies in English and French, and for a meeting a calendar can hold, an iMIP part
(ical/imip.py) with the feeds' UID and SEQUENCE. Returns None when the reader may no longer see it."""

from dataclasses import dataclass, field
from datetime import datetime, time

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from ..feeds.documents import base_url, uid_domain
from ..feeds.links import room_path
from ..ical.events import event_uid, render_event
from ..ical.imip import bare_cancel, imip
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
    kinds.WITHDRAWN_FROM_VIEW: ("Meeting withdrawn from your calendar", "Réunion retirée de votre calendrier"),
}
WITHDRAWN_TEXT = {
    "en": "A meeting you were told of is no longer shared with you: it is taken out of your calendar.",
    "fr": "Une réunion qui vous avait été annoncée ne vous est plus communiquée : "
    "elle est retirée de votre calendrier.",
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


class Dropped(Exception):
    """The message is not to be sent: the reason says why."""


def _still_its_reader(message: OutboxMessage, meeting: Meeting | None) -> bool:
    """Whether the address is still one its reader gave: a removed address hears nothing more."""
    if message.reader_mission:
        emails, programme = db.session.execute(
            select(Mission.emails, Mission.daily_programme).where(Mission.code == message.reader_mission)
        ).one_or_none() or ([], False)
        return message.recipient in (emails or []) and (message.kind != kinds.PROGRAMME or programme)
    if message.reader_is_staff:
        return meeting is not None and meeting.room.venue.desk_email == message.recipient
    return meeting is not None and message.recipient in {text.strip() for text in meeting.organizers}


def _mail(message: OutboxMessage, subject: str, sections: list[Section], links: list[str]) -> EmailMultiAlternatives:
    text = render_template("mail/message.txt", sections=sections, links=links)
    html = render_template("mail/message.html", sections=sections, links=links)
    mail = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[message.recipient],
        headers={"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"},
    )
    mail.attach_alternative(html, "text/html")
    return mail


def _organizer(meeting: Meeting) -> tuple[str, str]:
    return meeting.room.venue.desk_email or current_app.config["MAIL_DEFAULT_SENDER"], meeting.room.venue.name


def compose(message: OutboxMessage) -> EmailMultiAlternatives:
    """The mail of a queued message, as things are now. Raises Dropped when it is not to be sent."""
    reader = Reader(message.recipient, message.reader_mission, message.reader_is_staff)
    meeting = db.session.get(Meeting, message.meeting_id) if message.meeting_id else None
    if not _still_its_reader(message, meeting):
        raise Dropped("the address is no longer one its reader gave")
    if message.kind == kinds.PROGRAMME:
        sections = _programme_sections(message, reader)
        english, french = HEADLINES[kinds.PROGRAMME]
        return _mail(message, f"{english} / {french}: {sections[0].headline.split(': ', 1)[1]}", sections, [])
    if meeting is None:
        raise Dropped("the meeting is gone")
    if message.kind == kinds.WITHDRAWN_FROM_VIEW:
        if can_see(reader.actor(), meeting):
            raise Dropped("its reader may see the meeting again")
        english, french = HEADLINES[message.kind]
        sections = [Section("en", english, [WITHDRAWN_TEXT["en"]]), Section("fr", french, [WITHDRAWN_TEXT["fr"]])]
        mail = _mail(message, f"{english} / {french}", sections, [])
        cancel = bare_cancel(
            event_uid(meeting.id, uid_domain()), meeting.sequence, *_organizer(meeting), message.recipient, utcnow()
        )
        mail.attach_alternative(cancel.decode("utf-8"), "text/calendar; method=CANCEL")
        return mail
    if not can_see(reader.actor(), meeting):
        raise Dropped("its reader may no longer see the meeting")
    english, french = HEADLINES[message.kind]
    mail = _mail(
        message, f"{english} / {french}: {meeting.title}", _meeting_sections(message, meeting), _links(message, meeting)
    )
    if message.kind in kinds.IMIP_METHOD and is_booked(meeting):
        # As the meeting is when the message leaves, whatever change queued it: a meeting called off
        # is never sent to calendars as a REQUEST.
        method = "CANCEL" if meeting.status in ("cancelled", "postponed") else "REQUEST"
        part = imip(method, render_event(meeting, uid_domain()), *_organizer(meeting), message.recipient, utcnow())
        mail.attach_alternative(part.decode("utf-8"), f"text/calendar; method={method}")
    return mail
