from flask import has_request_context
from marshmallow import fields, post_dump

from ..accounts.service import current_actor
from ..schema_fields import Address, Bool, Code, Length, Name, StrictSchema

FILTER_ITEM = fields.String(validate=Length(min=1, max=100))
# A feed of a few hundred rooms or processes is already everything; a longer list is a mistake.
MAX_FILTER_ITEMS = 200


MAX_ADDRESSES = 10
CONTACT_FIELDS = ("emails", "daily_programme")


def may_read_contacts(mission_code: str) -> bool:
    """A mission's addresses are for staff and the mission itself."""
    actor = current_actor() if has_request_context() else None
    return actor is not None and (actor.is_staff or actor.mission_code == mission_code)


class MissionSchema(StrictSchema):
    code = Code(16, "BEL", required=True)
    name = Name(300, required=True, metadata={"example": "Permanent Mission of Belgium to the United Nations"})
    emails = fields.List(
        Address(),
        load_default=list,
        validate=Length(max=MAX_ADDRESSES),
        metadata={
            "description": "Where the mission hears of its requests and the meetings it is invited to "
            "(shown to staff and the mission only)"
        },
    )
    daily_programme = Bool(
        load_default=False,
        metadata={"description": "Mail the next working day's programme to these addresses each day"},
    )

    @post_dump(pass_original=True)
    def hide_contacts(self, data, mission, **kwargs):
        if not may_read_contacts(mission.code):
            for name in CONTACT_FIELDS:
                data.pop(name, None)
        return data


class MissionUpdateSchema(MissionSchema):
    class Meta:
        exclude = ("code",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.partial = True  # a PATCH: what is left out stays (no load_default)


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
