from marshmallow import ValidationError, fields, post_dump, validate, validates, validates_schema

from ..schema_fields import HHMM, Address, Code, Int, Length, Name, QuerySchema, StrictSchema
from ..times import WEEKDAYS, is_valid_zone

MAX_SLOTS = 24  # standard slots of a venue


class SlotSchema(StrictSchema):
    name = fields.String(
        required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_-]{0,31}$"), metadata={"example": "morning"}
    )
    start = HHMM(required=True, metadata={"example": "10:00"})
    end = HHMM(required=True, metadata={"example": "13:00"})

    @validates_schema
    def end_after_start(self, data, **kwargs):
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise ValidationError("The slot must end after it starts", "end")


class VenueSchema(StrictSchema):
    code = Code(16, "UNHQ", required=True)
    name = Name(200, required=True, metadata={"example": "United Nations Headquarters"})
    timezone = fields.String(required=True, metadata={"example": "America/New_York"})
    slots = fields.List(fields.Nested(SlotSchema), load_default=list, validate=Length(max=MAX_SLOTS))
    working_days = fields.List(
        fields.String(validate=validate.OneOf(WEEKDAYS)),
        load_default=lambda: list(WEEKDAYS[:5]),
        validate=Length(max=len(WEEKDAYS)),
    )
    interpretation_teams = Int(validate=validate.Range(min=0, max=1000), load_default=4)
    desk_email = Address(
        allow_none=True,
        load_default=None,
        metadata={"description": "The meetings desk's address: told of missions' requests (null: nobody)"},
    )
    programme_hour = Int(
        validate=validate.Range(min=0, max=23),
        load_default=18,
        metadata={"description": "Local hour at which the next working day's programme is mailed to missions"},
    )

    @validates("timezone")
    def known_zone(self, value, data_key):
        if not is_valid_zone(value):
            raise ValidationError("Not an IANA time zone name such as America/New_York")

    @validates_schema  # skipped when a field, such as one slot, is already invalid
    def distinct_slots(self, data, **kwargs):
        value = data.get("slots", [])
        names = [s["name"] for s in value]
        if len(names) != len(set(names)):
            raise ValidationError("Slot names must be distinct", "slots")
        ordered = sorted(value, key=lambda s: s["start"])
        for earlier, later in zip(ordered, ordered[1:]):
            if later["start"] < earlier["end"]:
                raise ValidationError(f"Slots {earlier['name']} and {later['name']} overlap", "slots")

    @validates("working_days")
    def distinct_days(self, value, data_key):
        if len(value) != len(set(value)):
            raise ValidationError("Working days must be distinct")


class VenueUpdateSchema(VenueSchema):
    """A PATCH: any field may be left out, but a slot that is given must be whole."""

    class Meta:
        exclude = ("code",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.partial = tuple(self.fields)  # top-level names only, so nested slots are not partial


class SlotOutSchema(SlotSchema):
    start = HHMM(attribute="start_time")
    end = HHMM(attribute="end_time")


class VenueOutSchema(VenueSchema):
    slots = fields.List(fields.Nested(SlotOutSchema))

    @post_dump
    def no_desk_is_null(self, data, **kwargs):
        """A venue without a meetings desk's address has none (null), not an empty one."""
        if "desk_email" in data:
            data["desk_email"] = data["desk_email"] or None
        return data


class HolidaySchema(StrictSchema):
    date = fields.Date(required=True, metadata={"example": "2026-12-25"})
    name = Name(200, required=True, metadata={"example": "Christmas Day"})


class HolidayOutSchema(StrictSchema):
    venue = fields.Function(lambda holiday: holiday.venue.code)
    date = fields.Date()
    name = fields.String()


class HolidayQuerySchema(QuerySchema):
    year = fields.Integer(
        validate=validate.Range(min=1, max=9999), metadata={"description": "Only the holidays of this calendar year"}
    )
