from flask.views import MethodView
from flask_smorest import Blueprint, Page

from ..accounts.service import BOOKING_ROLES, requires
from . import service
from .schemas import HolidayOutSchema, HolidayQuerySchema, HolidaySchema, VenueOutSchema, VenueSchema, VenueUpdateSchema

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


@blp.route("/<code>/holidays")
class Holidays(MethodView):
    @blp.arguments(HolidayQuerySchema, location="query")
    @blp.response(200, HolidayOutSchema(many=True))
    @blp.paginate(Page, page_size=100, max_page_size=500)
    def get(self, filters, code):
        """List a venue's holidays, by date; `year` narrows to one calendar year"""
        return service.list_holidays(code, filters.get("year"))

    @requires(*BOOKING_ROLES)
    @blp.arguments(HolidaySchema)
    @blp.response(201, HolidayOutSchema)
    def post(self, data, code):
        """Add a holiday (officer, admin); 409 if the venue has one that day"""
        return service.create_holiday(code, data)


@blp.route("/<code>/holidays/<date>")
class HolidayByDate(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.response(204)
    def delete(self, code, date):
        """Remove a holiday (officer, admin), given its date as YYYY-MM-DD"""
        service.delete_holiday(code, date)
