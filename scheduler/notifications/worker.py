"""What the background worker does for mail in each of its rounds, on the host that leads."""

from .programme import queue_programmes
from .sending import send_due


def run_round() -> int:
    queue_programmes()
    return send_due()
