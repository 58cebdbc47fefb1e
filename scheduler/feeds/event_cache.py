"""Each worker's cache of the VEVENTs that feeds are joined from, each checked once.

Every feed draws on the same meetings, those of the feed window: about 11,000 events of about
1 KB for a busy duty station. Kept here, a feed rendered again after a booking reads from the
database, and checks, only the events that changed since this worker last saw them.
"""

import threading
from collections import OrderedDict

from ..ical.calendar import CheckedPart

# Event bytes per worker process (Python's objects about double it in memory): a busy duty
# station's whole window of events is about 11 MB.
MAX_BYTES = 32 * 1024 * 1024

# meeting id -> (the state its event was rendered from, the checked event)
_events: OrderedDict[int, tuple[tuple, CheckedPart]] = OrderedDict()
_size = 0
_lock = threading.Lock()


def known(wanted) -> list[CheckedPart | None]:
    """The checked event of each (meeting id, state), or None where this worker has not checked
    the event of that state yet. A state is whatever the caller keys events by (see
    feeds.service.EventState)."""
    found = []
    with _lock:
        for meeting_id, state in wanted:
            entry = _events.get(meeting_id)
            if entry is not None and entry[0] == state:
                _events.move_to_end(meeting_id)
                found.append(entry[1])
            else:
                found.append(None)
    return found


def keep(meeting_id: int, state: tuple, part: CheckedPart) -> None:
    global _size
    with _lock:
        previous = _events.pop(meeting_id, None)
        if previous is not None:
            _size -= len(previous[1].data)
        _events[meeting_id] = (state, part)
        _size += len(part.data)
        while _size > MAX_BYTES and len(_events) > 1:
            _, (_, evicted) = _events.popitem(last=False)  # the least recently used
            _size -= len(evicted.data)


def clear() -> None:
    global _size
    with _lock:
        _events.clear()
        _size = 0
