from marshmallow import fields

from ..schema_fields import StrictSchema
from .service import token_state


class TokenSchema(StrictSchema):
    """A token as admins see it: never its secret (which is not stored anyway)."""

    id = fields.Integer()
    name = fields.String()
    role = fields.String()
    mission = fields.String(attribute="mission_code", allow_none=True)
    state = fields.Function(token_state, metadata={"description": "active, revoked or expired"})
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
