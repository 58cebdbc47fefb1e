from marshmallow import fields

from ..schema_fields import Code, Length, Name, StrictSchema

FILTER_ITEM = fields.String(validate=Length(min=1, max=100))
# A feed of a few hundred rooms or processes is already everything; a longer list is a mistake.
MAX_FILTER_ITEMS = 200


class MissionSchema(StrictSchema):
    code = Code(16, "BEL", required=True)
    name = Name(300, required=True, metadata={"example": "Permanent Mission of Belgium to the United Nations"})


class MissionUpdateSchema(MissionSchema):
    class Meta:
        exclude = ("code",)


class SubscriptionSchema(StrictSchema):
    name = Name(200, required=True, metadata={"example": "Trafficking consultations"})
    rooms = fields.List(
        FILTER_ITEM,
        load_default=list,
        validate=Length(max=MAX_FILTER_ITEMS),
        metadata={"description": "Room codes; none: all rooms"},
    )
    bodies = fields.List(
        FILTER_ITEM,
        load_default=list,
        validate=Length(max=MAX_FILTER_ITEMS),
        metadata={"description": "Body names or slugs"},
    )
    processes = fields.List(
        FILTER_ITEM,
        load_default=list,
        validate=Length(max=MAX_FILTER_ITEMS),
        metadata={"description": "Process slugs"},
    )
    kinds = fields.List(
        FILTER_ITEM,
        load_default=list,
        validate=Length(max=MAX_FILTER_ITEMS),
        metadata={"description": "Meeting kinds"},
    )


class SubscriptionOutSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    mission = fields.Function(lambda s: s.mission.code)
    rooms = fields.Function(lambda s: s.filters.get("rooms", []))
    bodies = fields.Function(lambda s: s.filters.get("bodies", []))
    processes = fields.Function(lambda s: s.filters.get("processes", []))
    kinds = fields.Function(lambda s: s.filters.get("kinds", []))
    created_at = fields.DateTime()
    feed_url = fields.Method(
        "dump_feed_url", metadata={"description": "The secret feed address: given once, when the subscription is made"}
    )
    webcal_url = fields.Method("dump_webcal_url")

    def dump_feed_url(self, subscription):
        return getattr(subscription, "feed_url", None)

    def dump_webcal_url(self, subscription):
        return getattr(subscription, "webcal_url", None)
