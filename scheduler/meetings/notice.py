"""The notice sentence of a meeting, as the letters to permanent representatives word it.

    The co-facilitators invite Member States to a first informal meeting on Friday, 16 June 2017,
    from 10 a.m. to 12 p.m. in the ECOSOC Chamber.

    Les cofacilitateurs invitent les États Membres à une première réunion officieuse le vendredi
    16 juin 2017, de 10 heures à 12 heures, dans la salle du Conseil économique et social.

A cancelled meeting gets a cancellation notice and a postponed one a postponement notice, naming
the meeting as the invitation did ("The first informal meeting on ... has been cancelled."). A
mission's request has no notice until it is approved (409): it is not a meeting yet.

The wording is built from small hand-written tables (no Babel: it would give month and day names,
but not the UN's way of writing times, ordinals, kinds of meeting or room names, which are most
of the sentence). Choices, each one a table or a function below:

- Who invites: "The co-facilitators" when the process has two (or more) facilitators, "The
  facilitator" for one, else the meeting's organizers as written ("A, B and C"), else the mission
  that requested it, else "The Secretariat". An organizer named by an office rather than a person
  ("Permanent Mission of Fiji", "Office of the President ...") takes "The" in English. In French
  the gender comes from the facilitators' names ("Ms."/"Mrs."/"Mme" make "la facilitatrice"; all
  women make "les cofacilitatrices"). Organizers are not translated.
- The ordinal ("first", "première") is the meeting's place among the process's meetings of the
  same kind, by start, leaving out cancelled meetings and missions' requests never approved.
  Only meetings the notice's readers know of are counted: for a `public` or `missions` meeting,
  the process's `public` and `missions` meetings; for a `closed` one also the closed meetings to
  which at least the same missions were invited. A meeting without a process has no ordinal
  ("an informal meeting").
- Times are the venue's local wall-clock time: "10 a.m.", "10.30 a.m.", "12 p.m." (as the letter);
  "10 heures", "10 h 30". A meeting ending after midnight adds "the next day" / "le lendemain".
- Rooms: the UN Journal's short names where it has one: "Economic and Social Council Chamber" is
  "the ECOSOC Chamber" (the issue's wording of the letter's "ECOSOC Chamber"); names ending with a
  designator ("Conference Room 4", "Room XX", "Boardroom A") take no article, others take "the".
  French names of the UNHQ rooms (and Geneva's Assembly Hall) are in ROOMS_FR; "Conference Room 4"
  is "la salle de conférence 4", "Room XX" "la salle XX"; another room is "la salle <name>".
"""

import re
from datetime import datetime

from sqlalchemy import or_, select

from ..errors import Conflict
from ..extensions import db
from ..missions.models import Mission
from ..times import to_local
from .models import Meeting
from .visibility import booked_condition, is_booked

LANGS = ("en", "fr")

# kind: (English article, English words, French words). Every French noun here is feminine
# singular, so the ordinals and the article ("une") agree with all of them.
KIND_WORDS = {
    "plenary": ("a", "plenary meeting", "séance plénière"),
    "informal_consultations": ("an", "informal meeting", "réunion officieuse"),
    "informal_informal": ("an", "informal informal meeting", "réunion officieuse officieuse"),
    "briefing": ("a", "briefing", "séance d'information"),
    "side_event": ("a", "side event", "manifestation parallèle"),
    "bilateral": ("a", "bilateral meeting", "réunion bilatérale"),
    "other": ("a", "meeting", "réunion"),
}

ORDINALS_EN = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
)
ORDINALS_FR = (
    "première",
    "deuxième",
    "troisième",
    "quatrième",
    "cinquième",
    "sixième",
    "septième",
    "huitième",
    "neuvième",
    "dixième",
    "onzième",
    "douzième",
    "treizième",
    "quatorzième",
    "quinzième",
    "seizième",
    "dix-septième",
    "dix-huitième",
    "dix-neuvième",
    "vingtième",
)

WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

# English short names used by the Journal of the United Nations and in letters.
ROOMS_EN = {
    "Economic and Social Council Chamber": "the ECOSOC Chamber",
}
# French names of the rooms of UN Headquarters (Journal des Nations Unies).
ROOMS_FR = {
    "General Assembly Hall": "la salle de l'Assemblée générale",
    "Security Council Chamber": "la salle du Conseil de sécurité",
    "Security Council Consultations Room": "la salle des consultations du Conseil de sécurité",
    "Trusteeship Council Chamber": "la salle du Conseil de tutelle",
    "Economic and Social Council Chamber": "la salle du Conseil économique et social",
    "Assembly Hall": "la salle des Assemblées",  # Palais des Nations, Geneva
}
_NUMBERED_ROOM = re.compile(r"^(Conference Room|Room) (.+)$")
# A name ending with a designator ("Conference Room 4", "Room XX (...)", "Boardroom A") takes no article.
_DESIGNATED = re.compile(r"(\b[0-9]+|\b[A-Z]{1,4}[0-9]*)(\s*\(.*\))?$")
# Organizers named by an office, not a person: "The Permanent Mission of Fiji invites".
_OFFICE = re.compile(
    r"^(Permanent (Observer )?Missions?|Missions?|Delegations?|Offices?|Department|Secretariat|Bureau|President|"
    r"Presidents|Chair|Co-Chairs|Vice-Chairs?|Government|Governments|Executive Office)\b"
)
_WOMAN = re.compile(r"(^|\s)(Ms\.?|Mrs\.?|Mme|Madame)(\s|$)")


# --- the parts ------------------------------------------------------------------------


def ordinal(position: int, lang: str) -> str:
    words = ORDINALS_EN if lang == "en" else ORDINALS_FR
    if position <= len(words):
        return words[position - 1]
    if lang == "fr":
        return f"{position}e"
    suffix = "th" if 10 <= position % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(position % 10, "th")
    return f"{position}{suffix}"


def _join(names: list[str], lang: str) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {'and' if lang == 'en' else 'et'} {names[-1]}"


def inviters(facilitators: list[dict], organizers: list[str], lang: str) -> tuple[str, bool]:
    """Who invites, and whether the verb is plural."""
    women = [bool(_WOMAN.search(f.get("name") or "")) for f in facilitators]
    if len(facilitators) >= 2:
        if lang == "en":
            return "The co-facilitators", True
        return ("Les cofacilitatrices" if all(women) else "Les cofacilitateurs"), True
    if len(facilitators) == 1:
        if lang == "en":
            return "The facilitator", False
        return ("La facilitatrice" if women[0] else "Le facilitateur"), False
    names = [name.strip() for name in organizers if name and name.strip()]
    if names:
        if lang == "en" and _OFFICE.match(names[0]):
            names[0] = f"The {names[0]}"
        return _join(names, lang), len(names) > 1
    return ("The Secretariat" if lang == "en" else "Le Secrétariat"), False


def what(kind: str, position: int | None, lang: str) -> str:
    """ "a first informal meeting", "une première réunion officieuse", "an informal meeting"."""
    article, english, french = KIND_WORDS.get(kind, KIND_WORDS["other"])
    if lang == "en":
        return f"a {ordinal(position, 'en')} {english}" if position else f"{article} {english}"
    return f"une {ordinal(position, 'fr')} {french}" if position else f"une {french}"


def day(moment: datetime, lang: str) -> str:
    if lang == "en":
        return f"{WEEKDAYS_EN[moment.weekday()]}, {moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"
    number = "1er" if moment.day == 1 else str(moment.day)
    return f"le {WEEKDAYS_FR[moment.weekday()]} {number} {MONTHS_FR[moment.month - 1]} {moment.year}"


def clock(moment: datetime, lang: str) -> str:
    """10 a.m., 10.30 a.m., 12 p.m. / 10 heures, 10 h 30, 1 heure."""
    if lang == "en":
        hour = moment.hour % 12 or 12
        minutes = f".{moment.minute:02d}" if moment.minute else ""
        return f"{hour}{minutes} {'a.m.' if moment.hour < 12 else 'p.m.'}"
    if moment.minute:
        return f"{moment.hour} h {moment.minute:02d}"
    return f"{moment.hour} {'heure' if moment.hour <= 1 else 'heures'}"


def times(start: datetime, end: datetime, lang: str) -> str:
    next_day = end.date() != start.date()
    if lang == "en":
        return f"from {clock(start, 'en')} to {clock(end, 'en')}" + (" the next day" if next_day else "")
    return f"de {clock(start, 'fr')} à {clock(end, 'fr')}" + (" le lendemain" if next_day else "")


def room_words(name: str, lang: str) -> str:
    numbered = _NUMBERED_ROOM.match(name)
    if lang == "en":
        if name in ROOMS_EN:
            return ROOMS_EN[name]
        return name if _DESIGNATED.search(name) or name.lower().startswith("the ") else f"the {name}"
    if name in ROOMS_FR:
        return ROOMS_FR[name]
    if numbered:
        return (
            f"la salle de conférence {numbered.group(2)}"
            if numbered.group(1) == "Conference Room"
            else f"la salle {numbered.group(2)}"
        )
    return f"la salle {name}"


# --- the sentence ---------------------------------------------------------------------


def sentence(
    *,
    kind: str,
    start: datetime,
    end: datetime,
    room_name: str,
    lang: str,
    facilitators: list[dict] = (),
    organizers: list[str] = (),
    position: int | None = None,
) -> str:
    """The notice sentence; start and end in the venue's local time."""
    who, plural = inviters(list(facilitators), list(organizers), lang)
    if lang == "en":
        verb = "invite" if plural else "invites"
        return (
            f"{who} {verb} Member States to {what(kind, position, 'en')} on {day(start, 'en')}, "
            f"{times(start, end, 'en')} in {room_words(room_name, 'en')}."
        )
    verb = "invitent" if plural else "invite"
    return (
        f"{who} {verb} les États Membres à {what(kind, position, 'fr')} {day(start, 'fr')}, "
        f"{times(start, end, 'fr')}, dans {room_words(room_name, 'fr')}."
    )


def called_off(
    *, kind: str, start: datetime, end: datetime, room_name: str, lang: str, postponed: bool, position=None
) -> str:
    """The notice of a cancelled or postponed meeting, naming it as its invitation did."""
    article, english, french = KIND_WORDS.get(kind, KIND_WORDS["other"])
    if lang == "en":
        named = f"The {ordinal(position, 'en')} {english}" if position else f"The {english}"
        outcome = "has been postponed. A new date will be announced." if postponed else "has been cancelled."
        return f"{named} on {day(start, 'en')}, {times(start, end, 'en')} in {room_words(room_name, 'en')}, {outcome}"
    named = f"La {ordinal(position, 'fr')} {french}" if position else f"La {french}"
    outcome = "est reportée. Une nouvelle date sera annoncée." if postponed else "est annulée."
    return (
        f"{named} prévue {day(start, 'fr')}, {times(start, end, 'fr')}, dans {room_words(room_name, 'fr')}, {outcome}"
    )


def meeting_sentence(meeting: Meeting, lang: str, position: int | None) -> str:
    when = {
        "kind": meeting.kind,
        "lang": lang,
        "position": position,
        "room_name": meeting.room.name,
        "start": to_local(meeting.start, meeting.timezone),
        "end": to_local(meeting.end, meeting.timezone),
    }
    if meeting.status in ("cancelled", "postponed"):
        return called_off(**when, postponed=meeting.status == "postponed")
    return sentence(
        **when,
        facilitators=meeting.process.facilitators if meeting.process else [],
        organizers=meeting.organizers or _requesting_mission(meeting),
    )


def _requesting_mission(meeting: Meeting) -> list[str]:
    if not meeting.requested_by:
        return []
    name = db.session.scalar(select(Mission.name).where(Mission.code == meeting.requested_by))
    return [name] if name else []


def position_in_process(meeting: Meeting) -> int | None:
    """The meeting's place among the process's meetings of its kind that its readers know of
    (see the module's docstring); None without a process."""
    if meeting.process_id is None:
        return None
    earlier = db.session.scalars(
        select(Meeting).where(
            Meeting.process_id == meeting.process_id,
            Meeting.kind == meeting.kind,
            Meeting.id != meeting.id,
            Meeting.status != "cancelled",
            booked_condition(),
            or_(Meeting.start < meeting.start, (Meeting.start == meeting.start) & (Meeting.id < meeting.id)),
        )
    )
    invited = set(meeting.invited_missions)

    def known(other: Meeting) -> bool:
        if other.visibility in ("public", "missions"):
            return True
        return meeting.visibility == "closed" and invited <= set(other.invited_missions)

    return 1 + sum(1 for other in earlier if known(other))


def notice(meeting: Meeting, lang: str) -> dict:
    """The API's answer for a meeting the caller may see; 409 for a request that is not a meeting."""
    if not is_booked(meeting):
        state = "waits for an officer's approval" if meeting.status == "requested" else f"was {meeting.status}"
        raise Conflict(f"This request {state}: it is not a meeting, so it has no notice", meeting_status=meeting.status)
    return {"meeting": meeting.id, "lang": lang, "text": meeting_sentence(meeting, lang, position_in_process(meeting))}
