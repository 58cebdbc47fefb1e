"""Every model, imported in one place for Alembic and create_app()."""

from .accounts.models import ApiToken  # noqa: F401
from .feeds.models import FeedChange, FeedDocument, FeedEvent, FeedLeader  # noqa: F401
from .meetings.models import Meeting, MeetingChange, MeetingInvitation  # noqa: F401
from .missions.models import Mission, Subscription  # noqa: F401
from .notifications.models import OutboxMessage  # noqa: F401
from .processes.models import Process  # noqa: F401
from .rooms.models import Room, RoomBlock  # noqa: F401
from .series.models import MeetingSeries  # noqa: F401
from .venues.models import TimeSlot, Venue, VenueHoliday  # noqa: F401
