"""Run a read once more when the database dropped its connection under it.

pool_pre_ping (config/settings.py) replaces connections that died while idle in the pool, e.g.
after a PostgreSQL restart. What it cannot catch is a connection that dies after it was checked
out: a restart or failover during the request, an idle-connection reaper, a pooler restart.
A read (GET, HEAD, OPTIONS) changed nothing, so it is run once more, at once, on a fresh
connection. Writes are never run again here: whether they committed is unknown to this process.
If the database is still down, the second try fails as well and the client gets the usual 503
with Retry-After (scheduler/errors.py); no worker waits for the database to come back.
"""

import logging
from functools import wraps

from flask import request
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from .metrics import READ_RETRIES

log = logging.getLogger(__name__)

READS = {"GET", "HEAD", "OPTIONS"}


def _connection_dropped(error: DBAPIError) -> bool:
    return request.method in READS and error.connection_invalidated


def init_app(app) -> None:
    # Flask runs every view through app.dispatch_request (after the before_request hooks); the
    # app is made by create_app, not a subclass, so that method is wrapped on the instance.
    dispatch = app.dispatch_request

    @wraps(dispatch)
    def dispatch_retrying_reads():
        try:
            return dispatch()
        except DBAPIError as error:
            if not _connection_dropped(error):
                raise
            log.warning("database connection dropped during a read; running it again: %s", error.orig)
            READ_RETRIES.inc()
            db.session.rollback()
            return dispatch()

    app.dispatch_request = dispatch_retrying_reads
