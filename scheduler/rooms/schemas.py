from marshmallow import ValidationError, fields, validate, validates

from ..feeds.links import feed_url, room_path, webcal_url
from ..schema_fields import Bool, Code, Int, Length, Moment, Name, QuerySchema, StrictSchema
from ..times import to_local
from .models import MAX_BUFFER_MINUTES

MAX_FEATURES = 32  # features a room has, or a request asks for
FEATURE = fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_-]{0,31}$", error="Lower-case words, e.g. webcast"))


class RoomSchema(StrictSchema):
    code = Code(32, "ECOSOC", required=True)
    name = Name(200, required=True, metadata={"example": "Economic and Social Council Chamber"})
    venue = Code(16, "UNHQ", required=True)
    capacity = Int(required=True, validate=validate.Range(min=1, max=100_000))
    features = fields.List(
        FEATURE,
        load_default=list,
        validate=Length(max=MAX_FEATURES),
        metadata={"example": ["interpretation", "webcast"]},
    )
    setup_minutes = Int(validate=validate.Range(min=0, max=MAX_BUFFER_MINUTES), load_default=0)
    teardown_minutes = Int(validate=validate.Range(min=0, max=MAX_BUFFER_MINUTES), load_default=0)
    active = Bool(load_default=True)

    @validates("features")
    def distinct_features(self, value, data_key):
        if len(value) != len(set(value)):
            raise ValidationError("Each feature once")


class RoomUpdateSchema(RoomSchema):
    class Meta:
        exclude = ("code",)


class RoomOutSchema(StrictSchema):
    code = fields.String()
    name = fields.String()
    venue = fields.Function(lambda room: room.venue.code)
    timezone = fields.Function(lambda room: room.venue.timezone)
    capacity = fields.Integer()
    features = fields.List(fields.String())
    setup_minutes = fields.Integer()
    teardown_minutes = fields.Integer()
    active = fields.Boolean()
    feed_url = fields.Function(
        lambda room: feed_url(room_path(room.code)),
        metadata={"description": "iCalendar feed of the room's public meetings"},
    )
    webcal_url = fields.Function(lambda room: webcal_url(room_path(room.code)))
    freebusy_url = fields.Function(
        lambda room: feed_url(f"rooms/{room.code}.vfb"),
        metadata={"description": "VFREEBUSY: busy times only (Outlook Internet Free/Busy)"},
    )


class RoomQuerySchema(QuerySchema):
    venue = fields.String(validate=Length(max=16))
    active = fields.Boolean()
    min_capacity = fields.Integer(validate=validate.Range(min=0, max=1_000_000))
    feature = fields.List(
        FEATURE, validate=Length(max=MAX_FEATURES), metadata={"description": "Rooms having all these features"}
    )


class BlockSchema(StrictSchema):
    start = Moment(required=True, metadata={"example": "2017-06-19T08:00"})
    end = Moment(required=True, metadata={"example": "2017-06-19T20:00"})
    reason = Name(2000, required=True, metadata={"example": "Maintenance of the interpretation booths"})


class BlockOutSchema(StrictSchema):
    id = fields.Integer()
    room = fields.Function(lambda block: block.room.code)
    start = fields.Function(lambda block: to_local(block.start, block.room.venue.timezone).isoformat())
    end = fields.Function(lambda block: to_local(block.end, block.room.venue.timezone).isoformat())
    timezone = fields.Function(lambda block: block.room.venue.timezone)
    reason = fields.String()
    created_by = fields.Function(lambda block: getattr(block, "shown_by", block.created_by))
