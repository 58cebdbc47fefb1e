from datetime import date

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from ..accounts.service import current_actor
from ..schema_fields import (
    Bool,
    Code,
    CommaList,
    Int,
    Length,
    Moment,
    MomentOrDay,
    Name,
    QuerySchema,
    StrictSchema,
    Text,
)
from ..times import MAX_YEAR, MIN_YEAR, to_local
from .models import KINDS, LANGUAGES, STATUSES, VISIBILITIES
from .visibility import hidden_fields

MOMENT_HELP = "RFC 3339 with offset (2017-06-16T10:00:00-04:00), or local time in the room's venue (2017-06-16T10:00)"


class MeetingInputSchema(StrictSchema):
    title = Name(500, required=True, metadata={"example": "First informal meeting"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    body = Text(200, metadata={"example": "General Assembly"})
    process = fields.String(
        allow_none=True,
        validate=Length(max=100),
        metadata={"description": "Slug of the process this meeting serves"},
    )
    room = fields.String(required=True, validate=Length(min=1, max=32), metadata={"example": "ECOSOC"})
    start = Moment(metadata={"description": MOMENT_HELP, "example": "2017-06-16T10:00"})
    end = Moment(metadata={"description": MOMENT_HELP, "example": "2017-06-16T12:00"})
    date = fields.Date(
        validate=validate.Range(min=date(MIN_YEAR, 1, 1), max=date(MAX_YEAR, 12, 31)),
        metadata={"description": "Venue-local day; with `slot`, instead of start and end"},
    )
    slot = fields.String(
        validate=Length(min=1, max=32),
        metadata={"description": "Name of one of the venue's standard slots, e.g. morning"},
    )
    status = fields.String(validate=validate.OneOf(("tentative", "confirmed")), load_default="confirmed")
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES), load_default="public")
    organizers = fields.List(Name(200), validate=Length(max=20), load_default=list)
    expected_participants = Int(allow_none=True, validate=validate.Range(min=1, max=100_000), load_default=None)
    languages = fields.List(
        fields.String(validate=validate.OneOf(LANGUAGES)),
        load_default=list,
        validate=Length(max=len(LANGUAGES)),
        metadata={"uniqueItems": True},
    )
    webcast = Bool(load_default=False)
    description = Text(20_000, load_default="")
    notes = Text(20_000, load_default="")
    invited_missions = fields.List(
        Code(16, "BEL"),
        validate=Length(max=250),
        metadata={"description": "Missions invited to a closed meeting: they may see it"},
    )

    @validates("languages")
    def distinct_languages(self, value, data_key):
        if len(value) != len(set(value)):
            raise ValidationError("Each language once")

    # Runs even when fields failed (their errors and this one come back at once), so it looks at what was sent.
    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def one_way_to_give_time(self, data, original_data, partial=False, **kwargs):
        if not isinstance(original_data, dict):
            return
        given = {key for key in ("start", "end", "date", "slot") if original_data.get(key) is not None}
        if given & {"start", "end"} and given & {"date", "slot"}:
            raise ValidationError("Give start and end, or date and slot, not both", "date")
        if partial:
            if given & {"date", "slot"} and given & {"date", "slot"} != {"date", "slot"}:
                raise ValidationError("date and slot go together", "slot" if "date" in given else "date")
            return
        if not given:
            raise ValidationError("Give start and end, or date and slot", "start")
        for first, second in (("start", "end"), ("end", "start"), ("date", "slot"), ("slot", "date")):
            if first in given and second not in given:
                raise ValidationError(f"{second} is needed with {first}", second)


class MeetingUpdateSchema(MeetingInputSchema):
    """Every field optional; `process` may be null to detach the meeting from it."""

    status = fields.String(validate=validate.OneOf(("tentative", "confirmed")))
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    organizers = fields.List(Name(200), validate=Length(max=20))
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)), validate=Length(max=len(LANGUAGES)))
    webcast = Bool()
    description = Text(20_000)
    notes = Text(20_000)


class ApprovalSchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(("tentative", "confirmed")), load_default="confirmed")


class WithdrawalSchema(StrictSchema):
    reason = Text(2000, load_default="Withdrawn by the mission")


class ReasonSchema(StrictSchema):
    reason = Name(2000, required=True, metadata={"example": "The co-facilitators postponed the consultations"})


class MeetingQuerySchema(QuerySchema):
    from_ = MomentOrDay(
        data_key="from",
        metadata={
            "description": "Meetings ending after this. "
            + MOMENT_HELP
            + "; local times are read in the zone of the room or venue filtered on, else of DEFAULT_VENUE; "
            "a date alone (2017-06-16) "
            "is that local day, whole"
        },
    )
    to = MomentOrDay(metadata={"description": "Meetings starting before this; a date alone: until that day's end"})
    room = fields.String(validate=Length(max=32))
    venue = fields.String(validate=Length(max=16))
    body = fields.String(validate=Length(max=200), metadata={"description": "Body name or slug"})
    process = fields.String(validate=Length(max=100))
    status = CommaList(fields.String(validate=validate.OneOf(STATUSES)), metadata={"example": "tentative,confirmed"})
    kind = CommaList(fields.String(validate=validate.OneOf(KINDS)))


class MeetingSchema(StrictSchema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    body = fields.String()
    body_slug = fields.String()
    process = fields.Function(lambda m: m.process.slug if m.process else None)
    room = fields.Function(lambda m: m.room.code)
    venue = fields.Function(lambda m: m.room.venue.code)
    timezone = fields.String()
    start = fields.Function(
        lambda m: to_local(m.start, m.timezone).isoformat(),
        metadata={"description": "Local time at the venue, with offset"},
    )
    end = fields.Function(lambda m: to_local(m.end, m.timezone).isoformat())
    start_utc = fields.DateTime(attribute="start")
    end_utc = fields.DateTime(attribute="end")
    status = fields.String()
    status_reason = fields.String()
    visibility = fields.String()
    organizers = fields.List(fields.String())
    expected_participants = fields.Integer(allow_none=True)
    languages = fields.List(fields.String())
    webcast = fields.Boolean()
    description = fields.String()
    notes = fields.Method("dump_notes", metadata={"description": "Staff only"})
    invited_missions = fields.Method("dump_invited", metadata={"description": "Staff only"})
    requested_by = fields.String(allow_none=True, metadata={"description": "The mission that asked for it"})
    series_id = fields.Integer(allow_none=True, metadata={"description": "The series it is an occurrence of"})
    conflicts = fields.Method(
        "dump_conflicts",
        metadata={"description": "A mission's request: what it collides with now (it holds no room until approved)"},
    )
    alternatives = fields.Method("dump_alternatives")
    sequence = fields.Integer()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    warnings = fields.Method("dump_warnings", metadata={"description": "Soft conflicts, after a booking or change"})

    def dump_notes(self, meeting):
        return None if "notes" in hidden_fields(current_actor()) else meeting.notes

    def dump_invited(self, meeting):
        return None if "invited_missions" in hidden_fields(current_actor()) else meeting.invited_missions

    def dump_conflicts(self, meeting):
        return getattr(meeting, "conflicts", None)

    def dump_alternatives(self, meeting):
        return getattr(meeting, "alternatives", None)

    def dump_warnings(self, meeting):
        return getattr(meeting, "warnings", None) or []


class CheckResultSchema(StrictSchema):
    bookable = fields.Boolean()
    conflicts = fields.List(fields.Dict())
    warnings = fields.List(fields.Dict())
    alternatives = fields.Dict()


class ChangeSchema(StrictSchema):
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    changes = fields.Dict(metadata={"description": "field: [before, after]"})
    reason = fields.String()


class NoticeQuerySchema(QuerySchema):
    lang = fields.String(
        validate=validate.OneOf(("en", "fr")),
        load_default="en",
        metadata={"description": "Language of the sentence: en (default) or fr"},
    )


class NoticeSchema(StrictSchema):
    meeting = fields.Integer(metadata={"description": "The meeting's id"})
    lang = fields.String(metadata={"example": "en"})
    text = fields.String(
        metadata={
            "example": "The co-facilitators invite Member States to a first informal meeting "
            "on Friday, 16 June 2017, from 10 a.m. to 12 p.m. in the ECOSOC Chamber."
        }
    )
