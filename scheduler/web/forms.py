"""HTML forms to API payloads: a form is read into the same dict a JSON client sends, and loaded
by the same marshmallow schema, so the pages and the API give the same answers to the same input.
"""

import re

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from ..errors import FieldErrors
from ..schema_fields import plain_messages

# Fields of the meeting form copied as typed (the schema validates them).
MEETING_TEXT_FIELDS = ("title", "kind", "body", "room", "visibility", "description", "notes")
TIME_FIELDS = ("date", "start", "end")
MAX_NUMBER_DIGITS = 30  # far beyond any limit, far below Python's 4,300-digit int() guard


class FormErrors(Exception):
    """Messages per form field, as the API would give them."""

    def __init__(self, errors: dict):
        super().__init__("The form is not valid")
        self.errors = {
            field: messages if isinstance(messages, list) else [messages] for field, messages in errors.items()
        }


def _number(text: str):
    text = text.strip()
    if not text:
        return None
    # Decimal digits of any script (٣ is 3); not '²' or '③', which isdigit() takes but int() refuses.
    return int(text) if text.isdecimal() and len(text) <= MAX_NUMBER_DIGITS else text  # else the schema says why


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _codes(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", text.strip().upper()) if code]


def meeting_payload(form: MultiDict) -> tuple[dict, dict]:
    """The JSON body of a booking or change, from the meeting form.

    Times are given as a venue-local day with start and end times of day, or a day and a
    standard slot; they become the API's local `start`/`end` or `date`/`slot`. An edit form
    sends its times only when they were changed: a meeting past midnight, or one in the hour
    that a DST change repeats, keeps times that a day and two times of day cannot say again.
    A new day or start with the end as it was keeps the meeting's length. An empty status keeps
    the meeting's status. Returns the payload and what the form itself lacks, for `load` to tell
    with the schema's own messages, all at once.
    """
    problems = {}
    data = {name: form[name] for name in MEETING_TEXT_FIELDS if name in form}
    if form.get("status"):
        data["status"] = form["status"]
    if "process" in form:
        data["process"] = form["process"].strip() or None
    day, slot = form.get("date", "").strip(), form.get("slot", "").strip()
    times_unchanged = "was_date" in form and all(
        form.get(name, "").strip() == form.get(f"was_{name}", "") for name in TIME_FIELDS
    )
    if slot:
        data.update(date=day, slot=slot)
    elif times_unchanged:
        pass
    elif "start" in form or "end" in form:
        if not day:
            problems["date"] = ["Give the day of the meeting"]
        else:
            data["start"] = f"{day}T{form.get('start', '').strip()}"
            if "was_end" not in form or form.get("end", "").strip() != form["was_end"]:
                data["end"] = f"{day}T{form.get('end', '').strip()}"  # else a new start keeps the meeting's length
    if "expected_participants" in form:
        data["expected_participants"] = _number(form["expected_participants"])
    if "organizers" in form:
        data["organizers"] = _lines(form["organizers"])
    if "invited_missions" in form:
        data["invited_missions"] = _codes(form["invited_missions"])
    if "languages_given" in form:  # unticked boxes are not sent: this hidden field says the list was shown
        data["languages"] = form.getlist("languages")
    if "webcast_given" in form:
        data["webcast"] = "webcast" in form
    return data, problems


def series_payload(form: MultiDict) -> dict:
    """The JSON body of POST /api/v1/series, from the series form: what was left empty is not sent."""
    data = {name: form[name] for name in ("title", "kind", "body", "room", "visibility", "mode") if name in form}
    for name in ("start_time", "end_time", "slot", "from", "until", "count"):
        if form.get(name, "").strip():
            data[name] = _number(form[name]) if name == "count" else form[name].strip()
    if form.get("process", "").strip():
        data["process"] = form["process"].strip()
    if form.getlist("weekdays"):
        data["weekdays"] = form.getlist("weekdays")
    if "every_working_day" in form:
        data["every_working_day"] = True
    if form.get("expected_participants", "").strip():
        data["expected_participants"] = _number(form["expected_participants"])
    data["organizers"] = _lines(form.get("organizers", ""))
    data["languages"] = form.getlist("languages")
    return data


def subscription_payload(form: MultiDict) -> dict:
    return {
        "name": form.get("name", ""),
        "rooms": form.getlist("rooms"),
        "processes": form.getlist("processes"),
        "kinds": form.getlist("kinds"),
        "bodies": _lines(form.get("bodies", "")),
    }


def contacts_payload(form: MultiDict) -> dict:
    """A mission's addresses (one a line, or separated by commas) and its daily programme choice."""
    addresses = [part.strip() for line in _lines(form.get("emails", "")) for part in line.split(",") if part.strip()]
    return {"emails": addresses, "daily_programme": form.get("daily_programme") == "on"}


def load(schema: Schema, payload: dict, problems: dict | None = None) -> dict:
    """Validate a payload as the API does; FormErrors with the API's messages, and the form's own
    `problems`, all at once."""
    try:
        loaded = schema.load(payload)
    except ValidationError as error:
        raise FormErrors({**_flat(plain_messages(error.messages)), **(problems or {})}) from error
    if problems:
        raise FormErrors(problems)
    return loaded


def service_errors(error: FieldErrors) -> FormErrors:
    """A service's 422, whatever location it names, as form errors."""
    merged = {}
    for fields in (error.errors or {}).values():
        merged.update(fields)
    return FormErrors(merged)


def _flat(messages: dict) -> dict:
    """Messages of list items (languages.0) shown at their list field."""
    flat: dict[str, list[str]] = {}
    for field, value in messages.items():
        if isinstance(value, dict):
            flat.setdefault(field, []).extend(
                message for item in value.values() for message in (item if isinstance(item, list) else [item])
            )
        else:
            flat.setdefault(field, []).extend(value if isinstance(value, list) else [value])
    return flat


def carried_fields(form: MultiDict, **overrides) -> list[tuple[str, str]]:
    """The submitted form as hidden fields, with some values replaced: one click re-submits it
    with another room or time (the alternatives of a refused booking)."""
    items = [(name, value) for name, value in form.items(multi=True) if name not in overrides and name != "csrf_token"]
    return items + [(name, value) for name, value in overrides.items()]
