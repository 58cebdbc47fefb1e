from flask.views import MethodView
from flask_smorest import Blueprint, Page

from . import service
from .schemas import TokenSchema
from .service import requires

blp = Blueprint(
    "tokens",
    __name__,
    url_prefix="/api/v1/tokens",
    description="API tokens (admin): made with the CLI, listed and revoked here",
)


@blp.route("")
class Tokens(MethodView):
    @requires("admin")
    @blp.response(200, TokenSchema(many=True))
    @blp.paginate(Page, page_size=100, max_page_size=500)
    def get(self):
        """List tokens, without their secrets (admin)"""
        return service.list_tokens()


@blp.route("/<int:token_id>/revoke")
class Revoke(MethodView):
    @requires("admin")
    @blp.response(200, TokenSchema)
    def post(self, token_id):
        """Revoke a token (admin): it is refused from now on"""
        return service.revoke_token(token_id)
