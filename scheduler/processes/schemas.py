from marshmallow import fields, validate

from ..feeds.links import body_path, feed_url, process_path, webcal_url
from ..schema_fields import Length, Name, QuerySchema, StrictSchema, Text
from .models import SLUG_MAX_LENGTH


class FacilitatorSchema(StrictSchema):
    name = Name(200, required=True, metadata={"example": "H.E. Mr. Marc Pecsteen de Buytswerve"})
    title = Text(200, load_default="", metadata={"example": "Permanent Representative of Belgium"})
    mission = Text(16, load_default="", metadata={"example": "BEL"})


class ProcessSchema(StrictSchema):
    slug = fields.String(
        validate=[
            validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Lower-case words joined by '-'"),
            Length(max=SLUG_MAX_LENGTH),
        ],
        metadata={"description": "Made from the title when not given", "example": "trafficking-declaration"},
    )
    title = Name(500, required=True)
    body = Name(200, required=True, metadata={"example": "General Assembly"})
    mandate = Text(500, load_default="", metadata={"example": "A/RES/71/287"})
    facilitators = fields.List(fields.Nested(FacilitatorSchema), validate=Length(max=20), load_default=list)
    description = Text(20_000, load_default="")


class ProcessUpdateSchema(ProcessSchema):
    """A PATCH: any field may be left out, but a facilitator that is given must be whole."""

    class Meta:
        exclude = ("slug",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.partial = tuple(self.fields)  # top-level names only, so nested facilitators are not partial


class ProcessOutSchema(ProcessSchema):
    body_slug = fields.String()
    feed_url = fields.Function(
        lambda process: feed_url(process_path(process.slug)),
        metadata={"description": "iCalendar feed of the process's public meetings"},
    )
    webcal_url = fields.Function(lambda process: webcal_url(process_path(process.slug)))
    body_feed_url = fields.Function(lambda process: feed_url(body_path(process.body_slug)))


class BodySchema(StrictSchema):
    name = fields.String(metadata={"example": "General Assembly"})
    slug = fields.String(metadata={"example": "general-assembly"})
    feed_url = fields.Function(lambda body: feed_url(body_path(body["slug"])))
    webcal_url = fields.Function(lambda body: webcal_url(body_path(body["slug"])))


class ProcessQuerySchema(QuerySchema):
    body = fields.String(validate=Length(max=200), metadata={"description": "Body name or slug"})
