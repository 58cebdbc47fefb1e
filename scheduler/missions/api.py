from flask.views import MethodView
from flask_smorest import Blueprint, Page

from ..accounts.service import BOOKING_ROLES, current_actor, requires
from ..feeds.links import feed_url, subscription_path, webcal_url
from . import service
from .schemas import MissionSchema, MissionUpdateSchema, SubscriptionOutSchema, SubscriptionSchema

blp = Blueprint("missions", __name__, url_prefix="/api/v1/missions", description="Permanent missions")
subscriptions_blp = Blueprint(
    "subscriptions", __name__, url_prefix="/api/v1/subscriptions", description="A mission's private calendar feeds"
)


@blp.route("")
class Missions(MethodView):
    @blp.response(200, MissionSchema(many=True))
    @blp.paginate(Page, page_size=200, max_page_size=500)
    def get(self):
        """List missions"""
        return service.list_missions()

    @requires(*BOOKING_ROLES)
    @blp.arguments(MissionSchema)
    @blp.response(201, MissionSchema)
    def post(self, data):
        """Add a mission (officer, admin), with the addresses it hears of its meetings at"""
        return service.create_mission(data)


@blp.route("/<code>")
class MissionByCode(MethodView):
    @blp.response(200, MissionSchema)
    def get(self, code):
        """Get a mission by its code (its addresses: for staff and the mission itself)"""
        return service.get_mission(code)

    @requires("mission", *BOOKING_ROLES)
    @blp.arguments(MissionUpdateSchema)
    @blp.response(200, MissionSchema)
    def patch(self, data, code):
        """Rename a mission or set its addresses (officer, admin); a mission sets its own addresses"""
        return service.update_mission(code, data, current_actor())


@subscriptions_blp.route("")
class Subscriptions(MethodView):
    @requires("mission", "admin")
    @subscriptions_blp.response(200, SubscriptionOutSchema(many=True))
    @subscriptions_blp.paginate(Page, page_size=100, max_page_size=500)
    def get(self):
        """The calling mission's live subscriptions, or every mission's for an admin (no secret URLs)"""
        return service.list_subscriptions(current_actor())

    @requires("mission")
    @subscriptions_blp.arguments(SubscriptionSchema)
    @subscriptions_blp.response(201, SubscriptionOutSchema)
    def post(self, data):
        """Subscribe: a private feed of the meetings the mission may see, filtered.

        The answer carries the secret feed URL, once; keep it like a password.
        """
        subscription, secret = service.create_subscription(data, current_actor())
        subscription.feed_url = feed_url(subscription_path(secret))
        subscription.webcal_url = webcal_url(subscription_path(secret))
        return subscription


@subscriptions_blp.route("/<int:subscription_id>")
class SubscriptionById(MethodView):
    @requires("mission", "admin")
    @subscriptions_blp.response(204)
    def delete(self, subscription_id):
        """Revoke a subscription (its mission, or an admin): its URL answers 404 from now on"""
        service.revoke_subscription(subscription_id, current_actor())
