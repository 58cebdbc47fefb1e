from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.service import BOOKING_ROLES, current_actor, requires
from . import notice, service
from .schemas import (
    ApprovalSchema,
    ChangeSchema,
    CheckResultSchema,
    MeetingInputSchema,
    MeetingQuerySchema,
    MeetingSchema,
    MeetingUpdateSchema,
    NoticeQuerySchema,
    NoticeSchema,
    ReasonSchema,
    WithdrawalSchema,
)

blp = Blueprint(
    "meetings", __name__, url_prefix="/api/v1/meetings", description="Meetings: booking without double booking"
)


def _with_etag(meeting, status=200):
    return meeting, status, {"ETag": f'"{service.etag(meeting)}"'}


@blp.route("")
class Meetings(MethodView):
    @blp.arguments(MeetingQuerySchema, location="query")
    @blp.response(200, MeetingSchema(many=True))
    @blp.paginate(page_size=50, max_page_size=500)
    def get(self, filters, pagination_parameters):
        """List meetings, earliest first"""
        items, total = service.list_meetings(
            current_actor(), filters, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return items

    @requires(*BOOKING_ROLES, "mission")
    @blp.arguments(MeetingInputSchema)
    @blp.response(201, MeetingSchema)
    def post(self, data):
        """Book a meeting (officer, admin), or request one (mission)

        An officer's booking is refused with 409 naming the collisions and offering alternatives
        when the room is held, blocked or inactive; soft conflicts come back as `warnings`.
        A mission's booking is a request (status `requested`): it holds no room, and comes back
        with the `conflicts`, `alternatives` and `warnings` it would meet, for an officer to decide.
        """
        return _with_etag(service.create_meeting(data, current_actor()), 201)


@blp.route("/check")
class Check(MethodView):
    @requires(*BOOKING_ROLES, "mission")
    @blp.arguments(MeetingInputSchema)
    @blp.response(200, CheckResultSchema)
    def post(self, data):
        """Check a booking without making it: conflicts, warnings and alternatives"""
        return service.check(data, current_actor())


@blp.route("/<int:meeting_id>")
class MeetingById(MethodView):
    @blp.response(200, MeetingSchema)
    def get(self, meeting_id):
        """Get a meeting; the ETag header is for If-Match"""
        actor = current_actor()
        return _with_etag(service.with_request_conflicts([service.get_meeting(meeting_id, actor)], actor)[0])

    @requires(*BOOKING_ROLES)
    @blp.arguments(MeetingUpdateSchema(partial=True))
    @blp.response(200, MeetingSchema)
    def patch(self, data, meeting_id):
        """Change a meeting (officer, admin); 412 if If-Match is stale

        A new `start` alone keeps the meeting's length. New times (or a `status`) on a postponed meeting book it
        again: checked like a booking, `confirmed` unless `status` says `tentative`, its reason cleared. A
        request's status is decided by approve, reject or withdraw; a cancelled meeting cannot change (409).
        """
        return _with_etag(service.update_meeting(meeting_id, data, current_actor(), request.if_match))


@blp.route("/<int:meeting_id>/cancel")
class Cancel(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.arguments(ReasonSchema)
    @blp.response(200, MeetingSchema)
    def post(self, data, meeting_id):
        """Cancel a meeting (officer, admin): it releases the room and stays listed as cancelled"""
        return _with_etag(service.cancel_meeting(meeting_id, data["reason"], current_actor(), request.if_match))


@blp.route("/<int:meeting_id>/postpone")
class Postpone(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.arguments(ReasonSchema)
    @blp.response(200, MeetingSchema)
    def post(self, data, meeting_id):
        """Postpone a meeting (officer, admin): it releases the room until given new times"""
        return _with_etag(service.postpone_meeting(meeting_id, data["reason"], current_actor(), request.if_match))


@blp.route("/<int:meeting_id>/approve")
class Approve(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.arguments(ApprovalSchema)
    @blp.response(200, MeetingSchema)
    def post(self, data, meeting_id):
        """Book a mission's request (officer, admin); 409 if the room was taken meanwhile"""
        return _with_etag(service.approve_request(meeting_id, data["status"], current_actor(), request.if_match))


@blp.route("/<int:meeting_id>/reject")
class Reject(MethodView):
    @requires(*BOOKING_ROLES)
    @blp.arguments(ReasonSchema)
    @blp.response(200, MeetingSchema)
    def post(self, data, meeting_id):
        """Turn down a mission's request (officer, admin), with a reason: its status becomes `rejected`"""
        return _with_etag(service.reject_request(meeting_id, data["reason"], current_actor(), request.if_match))


@blp.route("/<int:meeting_id>/withdraw")
class Withdraw(MethodView):
    @requires("mission")
    @blp.arguments(WithdrawalSchema)
    @blp.response(200, MeetingSchema)
    def post(self, data, meeting_id):
        """Take back one's own pending request (the mission that made it): its status becomes `withdrawn`"""
        return _with_etag(service.withdraw_request(meeting_id, data["reason"], current_actor(), request.if_match))


@blp.route("/<int:meeting_id>/history")
class History(MethodView):
    @blp.response(200, ChangeSchema(many=True))
    def get(self, meeting_id):
        """Every change of a meeting: who, when, from what to what"""
        return service.history(meeting_id, current_actor())


@blp.route("/<int:meeting_id>/notice")
class Notice(MethodView):
    @blp.arguments(NoticeQuerySchema, location="query")
    @blp.response(200, NoticeSchema)
    def get(self, query, meeting_id):
        """The meeting's announcement, as the letters to permanent representatives word it (en, fr)

        Who invites, the ordinal within its process, the kind, the day, the times and the room:
        "The co-facilitators invite Member States to a first informal meeting on Friday, 16 June 2017,
        from 10 a.m. to 12 p.m. in the ECOSOC Chamber." A cancelled or postponed meeting gets its cancellation
        or postponement; a mission's request not approved has none (409). Seen by whoever may see the meeting
        (404 otherwise).
        """
        return notice.notice(service.get_meeting(meeting_id, current_actor()), query["lang"])
