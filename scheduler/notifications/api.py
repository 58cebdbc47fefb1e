from flask.views import MethodView
from flask_smorest import Blueprint, Page
from sqlalchemy import select

from ..accounts.service import STAFF_ROLES, requires
from ..extensions import db
from .models import OutboxMessage
from .schemas import OutboxMessageSchema, OutboxQuerySchema

blp = Blueprint("outbox", __name__, url_prefix="/api/v1/outbox", description="Mail to missions and the meetings desk")


class QueryPage(Page):
    """A page of a SELECT, counted and sliced by the database."""

    @property
    def item_count(self):
        return db.session.scalar(select(db.func.count()).select_from(self.collection.subquery()))

    @property
    def items(self):
        first, last = self.page_params.first_item, self.page_params.last_item
        return db.session.scalars(self.collection.offset(first).limit(last - first + 1)).all()


@blp.route("")
class Outbox(MethodView):
    @requires(*STAFF_ROLES)
    @blp.arguments(OutboxQuerySchema, location="query")
    @blp.response(200, OutboxMessageSchema(many=True))
    @blp.paginate(QueryPage, page_size=100, max_page_size=500)
    def get(self, query):
        """Messages queued, sent, failed (with the error) or dropped, newest first (staff)"""
        statement = select(OutboxMessage).order_by(OutboxMessage.id.desc())
        if "status" in query:
            statement = statement.where(OutboxMessage.status == query["status"])
        if "kind" in query:
            statement = statement.where(OutboxMessage.kind == query["kind"])
        if "meeting" in query:
            statement = statement.where(OutboxMessage.meeting_id == query["meeting"])
        if "recipient" in query:
            statement = statement.where(OutboxMessage.recipient == query["recipient"])
        return statement
