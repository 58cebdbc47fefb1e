from datetime import date

from marshmallow import ValidationError, fields, validate, validates_schema

from ..meetings.models import VISIBILITIES
from ..meetings.schemas import MeetingInputSchema, MeetingSchema
from ..schema_fields import HHMM, Bool, Int, Length, Name, StrictSchema, Text
from ..times import MAX_YEAR, MIN_YEAR, WEEKDAYS

MAX_OCCURRENCES = 366
DAY = fields.Date(validate=validate.Range(min=date(MIN_YEAR, 1, 1), max=date(MAX_YEAR, 12, 31)))
REQUIRED_DAY = fields.Date(required=True, validate=validate.Range(min=date(MIN_YEAR, 1, 1), max=date(MAX_YEAR, 12, 31)))


class SeriesSchema(MeetingInputSchema):
    """A meeting's fields, and when it recurs: times of day (or a slot) on the days of a rule."""

    class Meta:
        exclude = ("start", "end", "date")

    start_time = HHMM(metadata={"example": "10:00", "description": "Local time of day, with end_time; or slot"})
    end_time = HHMM(metadata={"example": "12:00"})
    weekdays = fields.List(
        fields.String(validate=validate.OneOf(WEEKDAYS)),
        validate=Length(max=len(WEEKDAYS)),
        metadata={"example": ["tuesday"]},
    )
    every_working_day = Bool()
    dates = fields.List(DAY, validate=Length(min=1, max=MAX_OCCURRENCES))
    from_ = fields.Date(data_key="from", metadata={"description": "First day (with weekdays or every_working_day)"})
    until = fields.Date(metadata={"description": "Last day, or give count"})
    count = Int(validate=validate.Range(min=1, max=MAX_OCCURRENCES))
    mode = fields.String(validate=validate.OneOf(("all_or_nothing", "skip_conflicts")), load_default="all_or_nothing")

    @validates_schema
    def one_way_to_give_time(self, data, partial=False, **kwargs):
        times = {"start_time", "end_time"} & data.keys()
        if times and "slot" in data:
            raise ValidationError("Give start_time and end_time, or slot", "slot")
        if not times and "slot" not in data:
            raise ValidationError("Give start_time and end_time, or slot", "start_time")
        if times and times != {"start_time", "end_time"}:
            raise ValidationError("start_time and end_time go together", "end_time")
        rules = [key for key in ("weekdays", "every_working_day", "dates") if data.get(key)]
        if len(rules) != 1:
            raise ValidationError("Give one of weekdays, every_working_day or dates", "weekdays")
        if rules != ["dates"]:
            if "from_" not in data:
                raise ValidationError("Give the first day", "from")
            if ("until" in data) == ("count" in data):
                raise ValidationError("Give until or count", "until")
            if "until" in data and data["until"] < data["from_"]:
                raise ValidationError("Must not be before from", "until")


class FollowingChangeSchema(StrictSchema):
    """What may change for an occurrence and all that follow it."""

    title = Name(500)
    room = fields.String(validate=Length(min=1, max=32))
    start_time = HHMM()
    end_time = HHMM()
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    description = Text(20_000)
    notes = Text(20_000)


class OccurrenceSchema(StrictSchema):
    """One more occurrence: a date (a skipped one, or any), and the room or times if not the series' own."""

    date = REQUIRED_DAY
    room = fields.String(validate=Length(min=1, max=32))
    start_time = HHMM()
    end_time = HHMM()
    slot = fields.String(validate=Length(min=1, max=32))

    @validates_schema
    def times_go_together(self, data, **kwargs):
        times = {"start_time", "end_time"} & data.keys()
        if times and times != {"start_time", "end_time"}:
            raise ValidationError("start_time and end_time go together", "end_time")
        if times and "slot" in data:
            raise ValidationError("Give start_time and end_time, or slot", "slot")


class FollowingCancelSchema(StrictSchema):
    reason = Name(2000, required=True)


class SkippedSchema(StrictSchema):
    date = fields.String()
    conflicts = fields.List(fields.Dict())
    alternatives = fields.Dict()


class SeriesOutSchema(StrictSchema):
    id = fields.Integer()
    title = fields.String()
    rule = fields.Dict()
    meetings = fields.List(fields.Nested(MeetingSchema))
    skipped = fields.List(
        fields.Nested(SkippedSchema),
        metadata={
            "description": "Dates the rule gave that were not booked (skip_conflicts); with their conflicts when booked"
        },
    )
