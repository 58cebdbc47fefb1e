"""Marshmallow fields and base schemas shared by every part of the API."""
import marshmallow as ma
from marshmallow import fields, validate

from .times import parse_datetime_text, parse_hhmm


class StrictSchema(ma.Schema):
    """Input schemas refuse unknown fields, so a typo is an error and not a silent no-op."""

    class Meta:
        unknown = ma.RAISE


class QuerySchema(ma.Schema):
    """Query strings also carry pagination arguments, read by another schema."""

    class Meta:
        unknown = ma.EXCLUDE


class HHMM(fields.Field):
    """A local wall-clock time written HH:MM."""

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


def Text(max_length: int, required=False, **kwargs):
    return fields.String(required=required, validate=validate.Length(max=max_length), **kwargs)


def Name(max_length: int, **kwargs):
    """Text that must say something."""
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def Int(**kwargs):
    """An integer that must be sent as a JSON number ("5" is refused)."""
    return fields.Integer(strict=True, **kwargs)


def Bool(**kwargs):
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


class Moment(fields.Field):
    """A date-time: RFC 3339 with an offset, or venue-local without one.

    Loads to a datetime that is aware (offset given) or naive (to be read in the venue's
    zone by the service, which knows the venue).
    """

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_datetime_text(value)
        except ValueError as error:
            raise ma.ValidationError(str(error)) from error
