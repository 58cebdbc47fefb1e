from datetime import date

from marshmallow import ValidationError, fields, validate, validates_schema

from ..meetings.models import LANGUAGES
from ..rooms.schemas import MAX_FEATURES
from ..schema_fields import CommaList, Int, Length, Moment, QuerySchema, StrictSchema
from ..times import MAX_YEAR, MIN_YEAR

FEATURE = fields.String(validate=Length(min=1, max=32))
LANGUAGE = fields.String(validate=validate.OneOf(LANGUAGES))


def Day(**kwargs):
    """A calendar day within the years the service handles."""
    return fields.Date(validate=validate.Range(min=date(MIN_YEAR, 1, 1), max=date(MAX_YEAR, 12, 31)), **kwargs)


class RoomAvailabilityQuery(QuerySchema):
    from_ = Day(data_key="from", metadata={"description": "First local day (default: today)"})
    to = Day(metadata={"description": "Last local day (default: a week from `from`)"})


class FreeRoomsQuery(QuerySchema):
    venue = fields.String(validate=Length(max=16), metadata={"description": "Default: DEFAULT_VENUE (UNHQ)"})
    date = Day(metadata={"description": "Alone: the venue's whole standard day (first slot's start to last's end)"})
    slot = fields.String(validate=Length(min=1, max=32))
    start = Moment(metadata={"description": "With `end`, instead of date and slot; local or with offset"})
    end = Moment()
    min_capacity = fields.Integer(validate=validate.Range(min=1, max=100_000))
    feature = CommaList(FEATURE, metadata={"description": "Features the room must have (repeat, or comma-separated)"})
    languages = CommaList(LANGUAGE, metadata={"description": "Interpretation into these languages (ar,en or repeated)"})

    @validates_schema
    def one_way_to_give_time(self, data, **kwargs):
        by_slot, by_time = {"date", "slot"} & data.keys(), {"start", "end"} & data.keys()
        if by_slot and by_time:
            raise ValidationError("Give date and slot, or start and end", "date")
        if by_slot == {"slot"}:
            raise ValidationError("Give the date of the slot", "date")
        if by_time and by_time != {"start", "end"}:
            raise ValidationError("start and end go together", "end" if "start" in by_time else "start")
        if not by_slot and not by_time:
            raise ValidationError("Give a date (and a slot), or start and end", "date")


class SearchSchema(StrictSchema):
    duration_minutes = Int(required=True, validate=validate.Range(min=15, max=24 * 60))
    earliest = Day(required=True)
    latest = Day(required=True)
    participants = Int(validate=validate.Range(min=1, max=100_000))
    languages = fields.List(LANGUAGE, load_default=list, validate=Length(max=len(LANGUAGES)))
    features = fields.List(FEATURE, load_default=list, validate=Length(max=MAX_FEATURES))
    rooms = fields.List(
        fields.String(validate=Length(min=1, max=32)),
        validate=Length(max=100),
        metadata={"description": "Only these rooms (codes)"},
    )
    venue = fields.String(validate=Length(max=16))
    limit = Int(validate=validate.Range(min=1, max=100), load_default=10)


class RoomAvailabilitySchema(StrictSchema):
    room = fields.String()
    timezone = fields.String()
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    active = fields.Boolean()
    busy = fields.List(fields.Dict(), metadata={"description": "Meetings held (titles only where visible) and blocks"})
    free_slots = fields.List(fields.Dict(), metadata={"description": "Standard slots free from start to end"})


class FreeRoomsSchema(StrictSchema):
    venue = fields.String()
    timezone = fields.String()
    start = fields.String()
    end = fields.String()
    rooms = fields.List(fields.Dict())


class SearchResultSchema(StrictSchema):
    venue = fields.String()
    timezone = fields.String()
    options = fields.List(fields.Dict())
