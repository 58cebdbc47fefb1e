"""The outbox's sending half, run by the background worker of the deployment (feeds/worker.py, on the
host that leads) or by `flask mail send`: claim what is due, make each message from the data as it is
now (compose.py), hand it to the mail server, and mark it sent only once the server accepted it.

- A claim names its worker and lasts CLAIM, renewed before each message; a worker marks only the
  messages it still holds, so two workers never both send one (a claim that ran out is another's).
- A server that cannot be reached (refused, timed out, gone) ends the batch: the rest go back to the
  queue untouched, and the worker's round is not held up message after message.
- A refusal leaves the message queued for a later attempt (backoff doubling up to
  MAIL_RETRY_MAX_SECONDS), failed after MAIL_MAX_ATTEMPTS. A message that cannot be made is failed
  at once with the error; one whose reader may no longer have it is dropped, as is an older message
  of a topic a later one has superseded.
- Delivery is at least once: a worker that dies between the server's acceptance and marking the
  message sent leaves a claim that runs out, and the message is sent again, with the same Message-ID.
"""

import logging
import smtplib
import socket
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from ..clock import utcnow
from ..extensions import db, mail
from .compose import Dropped, compose
from .models import OutboxMessage

log = logging.getLogger(__name__)

BATCH = 50
CLAIM = timedelta(minutes=5)


def _unreachable(error: Exception) -> bool:
    """The server is not there (refused, timed out, gone): the rest of the batch would only wait for it
    too. (smtplib's own errors are OSErrors as well; those the server answered with are not this.)"""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )


def _claim(now: datetime, holder: str) -> list[int]:
    """Take up to BATCH due messages for this worker (committed)."""
    candidates = db.session.scalars(
        select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH)
    ).all()
    claimed = []
    for message_id in candidates:
        taken = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(status="sending", claimed_until=now + CLAIM, claimed_by=holder)
        )
        if taken.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _ours(message_id: int, holder: str):
    return and_(OutboxMessage.id == message_id, OutboxMessage.status == "sending", OutboxMessage.claimed_by == holder)


def _renew(message_id: int, holder: str) -> bool:
    held = db.session.execute(
        update(OutboxMessage).where(_ours(message_id, holder)).values(claimed_until=utcnow() + CLAIM)
    )
    db.session.commit()
    return held.rowcount == 1


def _finish(message_id: int, holder: str, **values) -> None:
    """Record how the message ended, if this worker still holds it."""
    db.session.execute(
        update(OutboxMessage)
        .where(_ours(message_id, holder))
        .values(claimed_until=None, claimed_by="", updated_at=utcnow(), **values)
    )
    db.session.commit()


def _backoff(attempts: int) -> timedelta:
    config = current_app.config
    seconds = config["MAIL_RETRY_SECONDS"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _superseded(message: OutboxMessage) -> bool:
    """A later message of the same topic to the same address is queued, going or gone: it says it all."""
    later = aliased(OutboxMessage)
    return db.session.scalar(
        select(
            exists().where(
                later.topic == message.topic,
                later.recipient == message.recipient,
                later.id > message.id,
                later.status.in_(("queued", "sending", "sent")),
            )
        )
    )


def send_due(now: datetime | None = None) -> int:
    """Send what is due; returns how many messages the server accepted."""
    holder = f"{socket.gethostname()}:{uuid.uuid4().hex[:12]}"
    claimed = _claim(now or utcnow(), holder)
    sent = 0
    connection = mail.get_connection()
    try:
        for index, message_id in enumerate(claimed):
            outcome = _send_one(connection, message_id, holder)
            if outcome == "unreachable":
                _release(claimed[index + 1 :], holder)
                break
            sent += outcome == "sent"
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001  (a server that went away while we talked: nothing to close)
            log.debug("mail: closing the connection failed", exc_info=True)
    return sent


def _release(message_ids: list[int], holder: str) -> None:
    """Back to the queue, untried, for the next round."""
    for message_id in message_ids:
        _finish(message_id, holder, status="queued")


def _send_one(connection, message_id: int, holder: str) -> str:
    if not _renew(message_id, holder):
        return "lost"  # another worker holds it now
    message = db.session.get(OutboxMessage, message_id)
    attempts = message.attempts + 1
    try:
        if _superseded(message):
            raise Dropped("a later message of the same meeting to this address says it all")
        email = compose(message)
    except Dropped as dropped:
        db.session.rollback()
        _finish(message_id, holder, status="dropped", last_error=str(dropped))
        return "dropped"
    except Exception as error:  # noqa: BLE001  (one message that cannot be made must not hold up the rest)
        db.session.rollback()
        log.exception("mail: message %s could not be made", message_id)
        _finish(message_id, holder, status="failed", attempts=attempts, last_error=f"not made: {error}"[:2000])
        return "failed"
    db.session.rollback()  # no transaction held open while the server answers
    try:
        connection.send_messages([email])
    except Exception as error:  # noqa: BLE001  (whatever the server or network says, the message waits)
        failed = attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
        log.warning("mail: message %s to the server failed (attempt %d): %s", message_id, attempts, error)
        _finish(
            message_id,
            holder,
            status="failed" if failed else "queued",
            attempts=attempts,
            next_attempt_at=utcnow() + _backoff(attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        try:
            connection.close()  # a fresh connection for the next message
        except Exception:  # noqa: BLE001
            log.debug("mail: closing the connection failed", exc_info=True)
        return "unreachable" if _unreachable(error) else "refused"
    _finish(message_id, holder, status="sent", attempts=attempts, sent_at=utcnow(), last_error="")
    return "sent"
