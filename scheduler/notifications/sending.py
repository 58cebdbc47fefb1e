"""The outbox's sending half, run by the background worker of the deployment (feeds/worker.py, on the
host that leads) or by `flask mail send`: claim what is due, make each message from the data as it is
now (compose.py), hand it to the mail server, and mark it sent only once the server accepted it. A
refusal or an unreachable server leaves it queued for a later attempt (backoff doubling up to
MAIL_RETRY_MAX_SECONDS); a worker that died while sending leaves a claim that runs out (CLAIM), after
which the message is sent again with the same Message-ID, which receivers use to drop a repeat.
"""

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from ..clock import utcnow
from ..extensions import db, mail
from .compose import compose
from .models import OutboxMessage

log = logging.getLogger(__name__)

BATCH = 50
CLAIM = timedelta(minutes=5)


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )


def _claim(now: datetime) -> list[int]:
    """Take up to BATCH due messages for this worker (committed)."""
    candidates = db.session.scalars(
        select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH)
    ).all()
    claimed = []
    for message_id in candidates:
        taken = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(status="sending", claimed_until=now + CLAIM)
        )
        if taken.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _backoff(attempts: int) -> timedelta:
    config = current_app.config
    seconds = config["MAIL_RETRY_SECONDS"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _finish(message_id: int, **values) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(claimed_until=None, updated_at=utcnow(), **values)
    )
    db.session.commit()


def send_due(now: datetime | None = None) -> int:
    """Send what is due; returns how many messages the server accepted."""
    now = now or utcnow()
    claimed = _claim(now)
    if not claimed:
        return 0
    sent = 0
    connection = mail.get_connection()
    try:
        for message_id in claimed:
            sent += _send_one(connection, message_id, now)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001  (a server that went away while we talked: nothing to close)
            log.debug("mail: closing the connection failed", exc_info=True)
    return sent


def _send_one(connection, message_id: int, now: datetime) -> int:
    message = db.session.get(OutboxMessage, message_id)
    email = compose(message)
    if email is None:
        _finish(message_id, status="dropped", last_error="the reader may no longer see the meeting")
        return 0
    attempts = message.attempts + 1
    db.session.rollback()  # no transaction held open while the server answers
    try:
        connection.send_messages([email])
    except Exception as error:  # noqa: BLE001  (whatever the server or network says, the message waits)
        failed = attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
        log.warning("mail: message %s to the server failed (attempt %d): %s", message_id, attempts, error)
        _finish(
            message_id,
            status="failed" if failed else "queued",
            attempts=attempts,
            next_attempt_at=now + _backoff(attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        try:
            connection.close()  # a fresh connection for the next message
        except Exception:  # noqa: BLE001
            log.debug("mail: closing the connection failed", exc_info=True)
        return 0
    _finish(message_id, status="sent", attempts=attempts, sent_at=utcnow(), last_error="")
    return 1
