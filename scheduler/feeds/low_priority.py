"""Feed renders at a lower CPU priority than bookings.

Rendering a big feed keeps a core busy for a hundred milliseconds or more. At the same priority as
everything else, it slows any booking that runs beside it on the machine's cores. So a render runs
in a thread whose nice value is raised (on Linux, a thread's nice is its own): the kernel gives
bookings and other API calls the CPU first, and the feed request waits for its render. The render
continues the request's own context (app, request, database session): it is the same work, only
done by a thread the kernel treats as less urgent.

`FEED_RENDER_NICE` sets how much lower, as `nice -n` does; 0 renders in the request's own thread.
"""

import contextvars
import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

log = logging.getLogger(__name__)

# Renders at once in one worker process; more requests wait for a free render thread.
THREADS = 4

_pool: ThreadPoolExecutor | None = None
# Threads do not survive a fork: gunicorn's workers each make their own pool, at their first render, with the
# FEED_RENDER_NICE of that moment (settings come from the environment at start and do not change).
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def run(function, *args):
    """`function(*args)`, in a render thread of lower priority; returns or raises what it does."""
    increment = current_app.config["FEED_RENDER_NICE"]
    if increment <= 0 or not sys.platform.startswith("linux"):
        return function(*args)
    render = _render_pool(increment).submit(contextvars.copy_context().run, function, *args)
    try:
        return render.result()
    except BaseException:
        if not render.done():
            # Only a signal gets here mid-render: gunicorn ending this worker (its timeout's SIGABRT, a quick
            # shutdown). The render would go on beside the request's teardown, on the same session, and keep the
            # process from exiting until the master killed it; the request is lost either way.
            log.error("worker ending while a feed render runs: exiting at once")
            os._exit(1)
        raise


def _render_pool(increment: int) -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                THREADS, thread_name_prefix="feed-render", initializer=_lower_priority, initargs=(increment,)
            )
            _pool_pid = os.getpid()
        return _pool


def _lower_priority(increment: int) -> None:
    thread = threading.get_native_id()
    try:
        # Raising a nice value needs no privilege; a thread can never lower it again, hence threads of their own.
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + increment))
    except OSError:
        log.warning("feed renders run at normal priority: could not lower it", exc_info=True)
