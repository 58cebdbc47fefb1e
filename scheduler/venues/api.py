from flask.views import MethodView
from flask_smorest import Blueprint, Page

from ..accounts.service import requires
from . import service
from .schemas import VenueOutSchema, VenueSchema, VenueUpdateSchema

blp = Blueprint("venues", __name__, url_prefix="/api/v1/venues", description="Duty stations, their zones and slots")


@blp.route("")
class Venues(MethodView):
    @blp.response(200, VenueOutSchema(many=True))
    @blp.paginate(Page, page_size=50, max_page_size=500)
    def get(self):
        """List venues"""
        return service.list_venues()

    @requires("admin")
    @blp.arguments(VenueSchema)
    @blp.response(201, VenueOutSchema)
    def post(self, data):
        """Create a venue (admin)"""
        return service.create_venue(data)


@blp.route("/<code>")
class VenueByCode(MethodView):
    @blp.response(200, VenueOutSchema)
    def get(self, code):
        """Get a venue by its code"""
        return service.get_venue(code)

    @requires("admin")
    @blp.arguments(VenueUpdateSchema)
    @blp.response(200, VenueOutSchema)
    def patch(self, data, code):
        """Change a venue (admin)"""
        return service.update_venue(code, data)
