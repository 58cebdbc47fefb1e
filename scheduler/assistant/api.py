from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.models import ROLES
from ..accounts.service import current_actor, requires
from . import service
from .schemas import (
    FreeRoomsQuery,
    FreeRoomsSchema,
    RoomAvailabilityQuery,
    RoomAvailabilitySchema,
    SearchResultSchema,
    SearchSchema,
)

blp = Blueprint("assistant", __name__, url_prefix="/api/v1", description="What is free, where and when")


@blp.route("/rooms/<code>/availability")
class RoomAvailability(MethodView):
    @blp.arguments(RoomAvailabilityQuery, location="query")
    @blp.response(200, RoomAvailabilitySchema)
    def get(self, query, code):
        """A room's busy time and free standard slots, day by day (at most 92 days)"""
        return service.room_availability(code, query.get("from_"), query.get("to"), current_actor())


@blp.route("/availability")
class Availability(MethodView):
    @blp.arguments(FreeRoomsQuery, location="query")
    @blp.response(200, FreeRoomsSchema)
    def get(self, query):
        """Rooms free for a date and slot, or a start and end, that fit; smallest first"""
        return service.free_rooms(query)


@blp.route("/search")
class Search(MethodView):
    @requires(*ROLES)  # the costliest question a caller can ask: not for anonymous callers
    @blp.arguments(SearchSchema)
    @blp.response(200, SearchResultSchema)
    def post(self, data):
        """Ranked options for a meeting (any signed-in role): whole standard slots first, smallest fitting room,
        earliest"""
        return service.search(data)
