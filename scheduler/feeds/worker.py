"""The feed worker: one process a host (`flask feeds worker`, started by gunicorn's master; see
config/gunicorn.conf.py), in rounds a fraction of a second apart.

In each round, the worker that leads (one for the whole deployment, see FeedLeader) follows the
changes committed since its last round: it marks the feeds they touch and renders each marked feed
once, public feeds first. A private feed is rendered again at most every FEED_PRIVATE_INTERVAL
seconds (its Cache-Control allows that much), so a busy day costs a bounded amount of rendering
whatever the number of subscriptions. Then every worker, leader or not, copies to its host's
files the feeds whose version it does not have yet (files.py). Readers are never kept waiting:
until the new bytes are copied, they get the last ones. The leader also sends the mail outbox's
due messages (scheduler/notifications): one sender for the deployment.
"""

import gzip
import hashlib
import logging
import os
import signal
import socket
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import tz_database
from ..clock import utcnow
from ..extensions import db
from ..notifications import worker as mail
from . import documents, files, rendering
from .models import FeedChange, FeedDocument, FeedLeader
from .tracking import EVERYTHING

log = logging.getLogger(__name__)

LEAD_SECONDS = 10  # a leader that has not renewed its lead for this long is replaced
RETRY_AFTER_FAILURE = timedelta(seconds=60)
CHANGES_PER_ROUND = 1000
PRIVATE_SECONDS_PER_ROUND = 1.0


def run_round(holder: str | None = None) -> int:
    """One round, in an app context. Returns how many feeds it rendered."""
    rendered = 0
    leading = _lead(holder or f"{socket.gethostname()}:{os.getpid()}")
    if leading:
        _follow_changes()
        rendered = _render_due()
    copy_to_files()
    if leading:  # the outbox's messages: one sender for the deployment, after this host's feeds are served
        try:
            mail.run_round()
        except Exception:  # a mail failure must not stop the feeds' rounds
            db.session.rollback()
            log.exception("feed worker: sending mail failed")
    return rendered


def run_forever(app, stopping) -> None:
    """Rounds until `stopping()` is true; a round that fails is logged and the next one tries again.
    Every feed there is gets made first (after an upgrade, a bulk load), if another worker has not."""
    with app.app_context():
        try:
            add_documents(documents.standard_keys(), dirty_since=utcnow())
            db.session.commit()
        except (IntegrityError, OperationalError):  # another worker made them at the same moment
            db.session.rollback()
    while not stopping():
        started = time.monotonic()
        try:
            with app.app_context():
                run_round()
        except Exception:
            log.exception("feed worker: the round failed")
        time.sleep(max(0.0, app.config["FEED_POLL_SECONDS"] - (time.monotonic() - started)))


def render_everything(app, new_versions: bool = False) -> int:
    """Make every feed there is and render it now: after `seed`, a migration, a bulk load. With
    `new_versions`, each gets a new version even if its bytes are the same (after a restore)."""
    with app.app_context():
        add_documents(documents.standard_keys(), dirty_since=utcnow())
        again = {"dirty_since": utcnow(), "rendered_at": None, "failed_at": None}
        db.session.execute(update(FeedDocument).values(**again, **({"digest": None} if new_versions else {})))
        db.session.commit()
        total = 0
        while rendered := run_round():
            total += rendered
        return total


def _lead(holder: str) -> bool:
    now = utcnow()
    taken = db.session.execute(
        update(FeedLeader)
        .where(FeedLeader.id == 1, or_(FeedLeader.holder == holder, FeedLeader.until.is_(None), FeedLeader.until < now))
        .values(holder=holder, until=now + timedelta(seconds=LEAD_SECONDS))
    )
    db.session.commit()
    return taken.rowcount == 1


def add_documents(keys: set[str], dirty_since: datetime) -> None:
    """Add the feeds among `keys` that are not known yet, to be rendered (the caller commits)."""
    known = set(db.session.scalars(select(FeedDocument.key).where(FeedDocument.key.in_(keys))))
    # In one order everywhere: two workers adding the same keys at once then wait for each other key by key
    # (one gets an IntegrityError) instead of deadlocking, as sets iterate in a different order per process.
    for key in sorted(keys - known):
        db.session.add(FeedDocument(key=key, depends_on="", version=0, renders=0, dirty_since=dirty_since))
    db.session.flush()


def _follow_changes() -> None:
    changes = db.session.execute(select(FeedChange).order_by(FeedChange.id).limit(CHANGES_PER_ROUND)).scalars().all()
    today = documents.window_start().date()
    outdated = select(FeedDocument.key).where(
        or_(
            FeedDocument.window_day.is_(None),
            FeedDocument.window_day != today,
            FeedDocument.tz_database.is_(None),
            FeedDocument.tz_database != tz_database.VERSION,
        )
    )
    marked = set(db.session.scalars(outdated.where(FeedDocument.dirty_since.is_(None))))
    if changes:
        subjects = set(" ".join(change.subjects for change in changes).split())
        new_keys = documents.standard_keys() if EVERYTHING in subjects else documents.keys_for(subjects)
        add_documents(new_keys, dirty_since=changes[0].at)
        for key, depends_on in db.session.execute(select(FeedDocument.key, FeedDocument.depends_on)):
            if EVERYTHING in subjects or key in new_keys or subjects & set(depends_on.split()):
                marked.add(key)
        db.session.execute(delete(FeedChange).where(FeedChange.id.in_([change.id for change in changes])))
    if marked:
        earliest = min((change.at for change in changes), default=utcnow())
        db.session.execute(
            update(FeedDocument)
            .where(FeedDocument.key.in_(marked), FeedDocument.dirty_since.is_(None))
            .values(dirty_since=earliest)
        )
    db.session.commit()


def _render_due() -> int:
    now = utcnow()
    private_since = now - timedelta(seconds=current_app.config["FEED_PRIVATE_INTERVAL"])
    due = db.session.execute(
        select(FeedDocument.key, FeedDocument.dirty_since).where(
            FeedDocument.dirty_since.is_not(None),
            or_(FeedDocument.failed_at.is_(None), FeedDocument.failed_at < now - RETRY_AFTER_FAILURE),
            or_(
                ~FeedDocument.key.startswith("subscriptions/"),
                FeedDocument.rendered_at.is_(None),
                FeedDocument.rendered_at < private_since,
            ),
        )
    ).all()
    # Public feeds first, then private ones, longest waiting first, for about a second a round: a
    # change's public feeds never wait behind a long list of private ones.
    keys = [key for key, _ in sorted(due, key=lambda row: (row[0].startswith("subscriptions/"), row[1], row[0]))]
    stamps, private_since, rendered = (rendering.Stamps() if keys else None), None, 0
    for key in keys:
        private_since = private_since or (time.monotonic() if key.startswith("subscriptions/") else None)
        _render(key, stamps)
        rendered += 1
        if private_since is not None and time.monotonic() - private_since >= PRIVATE_SECONDS_PER_ROUND:
            break
    return rendered


def _render(key: str, stamps: rendering.Stamps) -> None:
    document = db.session.get(FeedDocument, key)
    definition = documents.definition(key)
    if definition is None:  # its room, process, body or subscription is gone
        db.session.delete(document)
        db.session.commit()
        return
    now = utcnow()
    try:
        body = rendering.render(definition, stamps)
    except Exception:  # a feed that cannot be made must not keep the others from being made
        db.session.rollback()
        log.exception("feed %s could not be rendered; its last good bytes stay", key)
        db.session.execute(update(FeedDocument).where(FeedDocument.key == key).values(failed_at=now))
        db.session.commit()
        return
    document.depends_on = " ".join(sorted(definition.depends_on))
    digest = hashlib.sha256(body).hexdigest()
    if digest != document.digest:
        document.gzipped, document.digest = gzip.compress(body, compresslevel=6, mtime=0), digest
        document.version += 1
        # Whole seconds (as HTTP dates are), and forward by one at least: each version has its own.
        moment = now.replace(microsecond=0) + timedelta(seconds=1 if now.microsecond else 0)
        if document.last_modified is not None:
            moment = max(moment, document.last_modified + timedelta(seconds=1))
        document.last_modified = moment
    document.window_day = documents.window_start().date()
    document.tz_database = tz_database.VERSION
    document.rendered_at, document.failed_at, document.dirty_since = now, None, None
    document.renders += 1
    db.session.commit()


# What the feeds looked like (how many, their versions added up) when this process last brought a
# FEED_DIR up to date, and when: a round looks at each file only when that moved, or a minute passed.
_last_copy: dict[str, tuple[tuple, float]] = {}
FULL_COPY_EVERY = 60


def copy_to_files() -> None:
    """Bring this host's files to the feeds' current versions; remove those of feeds that are gone."""
    root = files.feed_dir()
    marker = tuple(db.session.execute(select(func.count(), func.coalesce(func.sum(FeedDocument.version), 0))).one())
    seen, at = _last_copy.get(str(root), ((), 0.0))
    if seen == marker and root.is_dir() and time.monotonic() - at < FULL_COPY_EVERY:
        db.session.rollback()
        return
    current = db.session.execute(
        select(FeedDocument.key, FeedDocument.last_modified).where(FeedDocument.version > 0)
    ).all()
    behind = [key for key, last_modified in current if not files.is_current(root, key, last_modified)]
    for key in behind:
        gzipped, last_modified = db.session.execute(
            select(FeedDocument.gzipped, FeedDocument.last_modified).where(FeedDocument.key == key)
        ).one()
        files.write(root, key, gzipped, last_modified)
    for key in files.keys_on_disk(root) - {key for key, _ in current}:
        files.remove(root, key)
    _last_copy[str(root)] = (marker, time.monotonic())
    db.session.rollback()


def stop_on_signals() -> callable:
    """A `stopping()` that turns true on SIGTERM or SIGINT (the round in progress is finished)."""
    stopped = []
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stopped.append(True))
    return lambda: bool(stopped)
