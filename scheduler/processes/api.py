from flask.views import MethodView
from flask_smorest import Blueprint, Page

from ..accounts.service import BOOKING_ROLES, requires
from . import service
from .schemas import BodySchema, ProcessOutSchema, ProcessQuerySchema, ProcessSchema, ProcessUpdateSchema

blp = Blueprint(
    "processes",
    __name__,
    url_prefix="/api/v1/processes",
    description="Intergovernmental processes and their facilitators",
)


@blp.route("")
class Processes(MethodView):
    @blp.arguments(ProcessQuerySchema, location="query")
    @blp.response(200, ProcessOutSchema(many=True))
    @blp.paginate(page_size=50, max_page_size=500)
    def get(self, filters, pagination_parameters):
        """List processes"""
        items, total = service.list_processes(filters, pagination_parameters.page, pagination_parameters.page_size)
        pagination_parameters.item_count = total
        return items

    @requires(*BOOKING_ROLES)
    @blp.arguments(ProcessSchema)
    @blp.response(201, ProcessOutSchema)
    def post(self, data):
        """Create a process (officer, admin)"""
        return service.create_process(data)


@blp.route("/<slug>")
class ProcessBySlug(MethodView):
    @blp.response(200, ProcessOutSchema)
    def get(self, slug):
        """Get a process by its slug"""
        return service.get_process(slug)

    @requires(*BOOKING_ROLES)
    @blp.arguments(ProcessUpdateSchema)
    @blp.response(200, ProcessOutSchema)
    def patch(self, data, slug):
        """Change a process (officer, admin)"""
        return service.update_process(slug, data)


bodies_blp = Blueprint(
    "bodies",
    __name__,
    url_prefix="/api/v1/bodies",
    description="The organs that processes and meetings serve, with their feeds",
)


@bodies_blp.route("")
class Bodies(MethodView):
    @bodies_blp.response(200, BodySchema(many=True))
    @bodies_blp.paginate(Page, page_size=100, max_page_size=500)
    def get(self):
        """List bodies, with their feed URLs"""
        return service.list_bodies()
