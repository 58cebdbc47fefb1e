"""Marshmallow fields and base schemas shared by every part of the API."""

import re
import unicodedata

import marshmallow as ma
from marshmallow import fields, validate

from .times import DATETIME_PATTERN, HHMM_PATTERN, parse_datetime_text, parse_day_or_datetime_text, parse_hhmm

# The message of a value left out, null or empty; `plain_messages` names the field ("Give a title").
GIVE = "Give a value"
MISSING = {GIVE, "Missing data for required field.", "Field may not be null."}
# How "Give ..." names a field; other fields are named as written ("Give the expected participants").
FIELD_NOUNS = {
    "title": "a title",
    "kind": "the kind of meeting",
    "room": "a room",
    "date": "the day",
    "start": "the start",
    "end": "the end",
    "slot": "a slot",
    "reason": "a reason",
    "name": "a name",
    "code": "a code",
    "body": "the body",
    "venue": "a venue",
}


def plain_messages(messages: dict, field: str | None = None) -> dict:
    """Validation messages as a person reads them: a missing value names its field ("Give a title")."""
    plain = {}
    for name, value in messages.items():
        named = name if isinstance(name, str) and not name.isdigit() else field
        if isinstance(value, dict):
            plain[name] = plain_messages(value, named)
        else:
            items = value if isinstance(value, list) else [value]
            plain[name] = [_plain(message, named) for message in items]
    return plain


def _plain(message, field: str | None):
    if message in MISSING and field and not field.startswith("_"):
        return f"Give {FIELD_NOUNS.get(field, 'the ' + field.replace('_', ' '))}"
    return message


class Length(validate.Length):
    """marshmallow's Length in plain words: nothing given is GIVE, too much says the limit."""

    def __call__(self, value):
        if self.min and len(value) == 0:
            raise ma.ValidationError(GIVE)
        if self.max is not None and len(value) > self.max:
            unit = "characters" if isinstance(value, str) else "items"
            raise ma.ValidationError(f"Use at most {self.max} {unit}")
        return super().__call__(value)


class StrictSchema(ma.Schema):
    """Input schemas refuse unknown fields, so a typo is an error and not a silent no-op."""

    class Meta:
        unknown = ma.RAISE


class QuerySchema(ma.Schema):
    """Query strings also carry pagination arguments, read by another schema."""

    class Meta:
        unknown = ma.EXCLUDE


def _documented(metadata: dict | None, **properties) -> dict:
    """The field's OpenAPI properties, under what the schema author gave."""
    return {**properties, **(metadata or {})}


class HHMM(fields.String):
    """A local wall-clock time written HH:MM (documented as a string with that pattern)."""

    def __init__(self, *, metadata: dict | None = None, **kwargs):
        super().__init__(metadata=_documented(metadata, pattern=HHMM_PATTERN), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_hhmm(value)
        except ValueError as error:
            raise ma.ValidationError(str(error)) from error


def Code(max_length: int, example: str, **kwargs):
    """An upper-case identifier used in URLs (UNHQ, ECOSOC, CR-4)."""
    return fields.String(
        validate=validate.Regexp(
            rf"^[A-Z0-9][A-Z0-9_-]{{0,{max_length - 1}}}$",
            error=f"Use up to {max_length} capital letters, digits, '-' or '_', e.g. {example}",
        ),
        metadata={"example": example},
        **kwargs,
    )


# Control characters other than tab and line breaks: PostgreSQL cannot store NUL, and none of
# them means anything in a title or a calendar.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _UserText(fields.String):
    """Free text. Line breaks are stored as LF alone: iCalendar (and so every calendar client)
    can carry LF in text but not CR, and the text must come back from feeds as it is stored."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if CONTROL_CHARACTERS.search(text):
            raise ma.ValidationError("Control characters are not allowed (only tabs and line breaks)")
        return text.replace("\r\n", "\n").replace("\r", "\n")


def _not_blank(text: str) -> None:
    """Text of spaces only, zero-width ones included (U+200B, U+FEFF: category Cf), says nothing."""
    if text and all(character.isspace() or unicodedata.category(character) == "Cf" for character in text):
        raise ma.ValidationError(GIVE)  # (empty text is the length rule's to refuse)


def Text(max_length: int, required=False, **kwargs):
    return _UserText(required=required, validate=Length(max=max_length), **kwargs)


def Name(max_length: int, **kwargs):
    """Text that must say something: not empty, not only blanks."""
    return _UserText(validate=[Length(min=1, max=max_length), _not_blank], **kwargs)


def _ascii_address(address: str) -> None:
    if not address.isascii():
        raise ma.ValidationError("Use an address in plain letters (a-z, 0-9): most mail servers refuse others")


def Address(*, metadata: dict | None = None, **kwargs):
    """A mail address (name@example.org) in ASCII, at most 320 characters as SMTP allows."""
    return fields.Email(
        validate=[Length(max=320), _ascii_address],
        error_messages={"invalid": "Not a mail address such as meetings@example.org"},
        metadata={"example": "meetings@example.org", **(metadata or {})},
        **kwargs,
    )


class _JsonInteger(fields.Integer):
    """A JSON number without a fractional part: 5 and 5.0 alike (as JSON Schema's "integer"), not "5" or 5.5."""

    def _validated(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


def Int(**kwargs):
    """An integer that must be sent as a JSON number ("5" is refused)."""
    return _JsonInteger(strict=True, **kwargs)


class _JsonBoolean(fields.Boolean):
    """true or false only: not 0 and 1 (equal to False and True in Python), nor "true"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def Bool(**kwargs):
    return _JsonBoolean(**kwargs)


class Moment(fields.String):
    """A date-time: RFC 3339 with an offset, or venue-local without one.

    Loads to a datetime that is aware (offset given) or naive (to be read in the venue's
    zone by the service, which knows the venue). Documented as a string with the pattern
    of both forms (not `format: date-time`, which requires the offset).
    """

    pattern = DATETIME_PATTERN
    parse = staticmethod(parse_datetime_text)

    def __init__(self, *, metadata: dict | None = None, **kwargs):
        super().__init__(metadata=_documented(metadata, pattern=self.pattern), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self.parse(value)
        except ValueError as error:
            raise ma.ValidationError(str(error)) from error


class MomentOrDay(Moment):
    """A Moment, or a plain date (2017-06-16) for that whole local day: loads to a date then."""

    pattern = f"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$|{DATETIME_PATTERN}"
    parse = staticmethod(parse_day_or_datetime_text)


class CommaList(fields.List):
    """A list in a query string, given as repeated parameters or comma-separated (?kind=a,b), as feeds take;
    at most `max_items` values."""

    def __init__(self, inner, *, max_items: int = 50, **kwargs):
        super().__init__(inner, validate=Length(max=max_items), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list) else [value]
        split = [part.strip() for item in items for part in (item.split(",") if isinstance(item, str) else [item])]
        return super()._deserialize(split, attr, data, **kwargs)  # an empty part is refused like any unknown value
