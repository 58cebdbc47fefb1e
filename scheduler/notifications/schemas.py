from marshmallow import fields, validate

from ..schema_fields import Length, QuerySchema, StrictSchema
from .models import STATUSES
from .recipients import IMIP_METHOD, PROGRAMME, REQUEST_RECEIVED, REQUEST_REJECTED, REQUEST_WITHDRAWN

KINDS = sorted({*IMIP_METHOD, PROGRAMME, REQUEST_RECEIVED, REQUEST_REJECTED, REQUEST_WITHDRAWN})


class OutboxQuerySchema(QuerySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    meeting = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    recipient = fields.String(validate=Length(max=320))


class OutboxMessageSchema(StrictSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": KINDS})
    recipient = fields.String()
    mission = fields.String(attribute="reader_mission", metadata={"description": "The mission it is for, if any"})
    meeting = fields.Integer(attribute="meeting_id", allow_none=True)
    day = fields.Date(allow_none=True, metadata={"description": "A daily programme's day"})
    status = fields.String(
        metadata={
            "enum": list(STATUSES),
            "description": "queued (to be sent, again at next_attempt_at after a failure), sending, sent (the "
            "mail server accepted it), failed (given up), dropped (its reader may no longer see the meeting)",
        }
    )
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    last_error = fields.String(metadata={"description": "What the mail server or network said at the last failure"})
    message_id = fields.String()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
