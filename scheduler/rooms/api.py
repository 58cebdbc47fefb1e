from flask.views import MethodView
from flask_smorest import Blueprint, Page

from ..accounts.service import BOOKING_ROLES, current_actor, requires
from . import service
from .schemas import BlockOutSchema, BlockSchema, RoomOutSchema, RoomQuerySchema, RoomSchema, RoomUpdateSchema

blp = Blueprint("rooms", __name__, url_prefix="/api/v1/rooms", description="Rooms and their blocks")


@blp.route("")
class Rooms(MethodView):
    @blp.arguments(RoomQuerySchema, location="query")
    @blp.response(200, RoomOutSchema(many=True))
    @blp.paginate(page_size=100, max_page_size=500)
    def get(self, filters, pagination_parameters):
        """List rooms"""
        rooms, total = service.list_rooms(filters, pagination_parameters.page, pagination_parameters.page_size)
        pagination_parameters.item_count = total
        return rooms

    @requires(*BOOKING_ROLES)
    @blp.arguments(RoomSchema)
    @blp.response(201, RoomOutSchema)
    def post(self, data):
        """Add a room (officer, admin)"""
        return service.create_room(data)


@blp.route("/<code>")
class RoomByCode(MethodView):
    @blp.response(200, RoomOutSchema)
    def get(self, code):
        """Get a room by its code"""
        return service.get_room(code)

    @requires(*BOOKING_ROLES)
    @blp.arguments(RoomUpdateSchema(partial=True))
    @blp.response(200, RoomOutSchema)
    def patch(self, data, code):
        """Change a room (officer, admin); `active: false` takes it out of use"""
        return service.update_room(code, data)


@blp.route("/<code>/blocks")
class Blocks(MethodView):
    @blp.response(200, BlockOutSchema(many=True))
    @blp.paginate(Page, page_size=100, max_page_size=500)
    def get(self, code):
        """List a room's blocks (who made them: to staff only)"""
        return service.list_blocks(code, current_actor())

    @requires(*BOOKING_ROLES)
    @blp.arguments(BlockSchema)
    @blp.response(201, BlockOutSchema)
    def post(self, data, code):
        """Block a room for a period (officer, admin); 409 if meetings hold it then"""
        return service.create_block(code, data, current_actor())


@blp.route("/<code>/blocks/<int:block_id>")
class BlockById(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.response(204)
    def delete(self, code, block_id):
        """Remove a block (officer, admin)"""
        service.delete_block(code, block_id)
