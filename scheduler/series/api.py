from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from ..accounts.service import BOOKING_ROLES, current_actor, requires
from ..meetings.schemas import MeetingSchema
from ..schema_fields import QuerySchema
from . import service
from .schemas import FollowingCancelSchema, FollowingChangeSchema, OccurrenceSchema, SeriesOutSchema, SeriesSchema

blp = Blueprint("series", __name__, url_prefix="/api/v1/series", description="Recurring meetings")


class FromQuery(QuerySchema):
    from_ = fields.Integer(data_key="from", metadata={"description": "The first occurrence (meeting id) to act on"})


class RequiredFromQuery(QuerySchema):
    from_ = fields.Integer(
        data_key="from", required=True, metadata={"description": "The first occurrence (meeting id) to change"}
    )


@blp.route("")
class Series(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.arguments(SeriesSchema)
    @blp.response(201, SeriesOutSchema)
    def post(self, data):
        """Book a series (officer, admin): weekly on given weekdays, every working day, or dates

        `mode: all_or_nothing` (default) refuses the whole series with 409 listing every
        conflicting date with its alternatives; `skip_conflicts` books the free dates and lists
        the others in `skipped`. Each occurrence is a meeting of its own.
        """
        return service.create_series(data, current_actor())


@blp.route("/<int:series_id>")
class SeriesById(MethodView):
    @blp.response(200, SeriesOutSchema)
    def get(self, series_id):
        """A series and its occurrences (those the caller may see)"""
        return service.get_series(series_id, current_actor())


@blp.route("/<int:series_id>/following")
class Following(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.arguments(RequiredFromQuery, location="query")
    @blp.arguments(FollowingChangeSchema)
    @blp.response(200, SeriesOutSchema)
    def patch(self, query, data, series_id):
        """Change an occurrence (`from`) and all that follow it; all or nothing"""
        return service.change_following(series_id, query["from_"], data, current_actor())


@blp.route("/<int:series_id>/cancel")
class CancelFollowing(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.arguments(FromQuery, location="query")
    @blp.arguments(FollowingCancelSchema)
    @blp.response(200, SeriesOutSchema)
    def post(self, query, data, series_id):
        """Cancel a series, or an occurrence (`from`) and all that follow it"""
        return service.cancel_following(series_id, query.get("from_"), data["reason"], current_actor())


@blp.route("/<int:series_id>/occurrences")
class Occurrences(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.arguments(OccurrenceSchema)
    @blp.response(201, MeetingSchema)
    def post(self, data, series_id):
        """Add an occurrence (officer, admin): a replacement for a skipped date, or any other date

        It copies the series' latest occurrence, at the series' times unless `start_time` and `end_time`
        or `slot` are given, in `room` if given; checked like a booking (409 with alternatives).
        """
        return service.add_occurrence(series_id, data, current_actor())
