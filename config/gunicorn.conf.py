"""gunicorn settings, from the environment (see README: Configuration)."""

import glob
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project, for config.settings
from config.settings import development_exposure  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
# One thread: gunicorn's sync worker, which takes a connection only when it is free, so a booking goes to an idle
# worker instead of queueing behind a feed render in a busy one (threaded workers accept eagerly, and a worker's
# threads share one interpreter lock). It needs a buffering proxy (nginx) in front of slow clients: docs/DEPLOY.md.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Off unless asked for: the app writes one line per request itself, with its request id and without
# the secret token of a subscription feed's URL, which gunicorn's line would show.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# Load the app before forking so a broken configuration stops the master at once.
preload_app = True
# gunicorn 27's control socket lives at one path per user ($HOME/.gunicorn/gunicorn.ctl): two servers on one
# machine (make run beside a benchmark, the tests' servers) would fight over it. Nothing here uses it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "0") != "1"

# Prometheus metrics: each worker counts in its own files in this directory, and /metrics adds them
# all up (prometheus_client's multiprocess mode). It has to be set before the app is loaded.
# Without PROMETHEUS_MULTIPROC_DIR a private temporary directory is made, and removed on exit.
OWN_METRICS_DIR_PREFIX = os.path.join(tempfile.gettempdir(), "scheduler-metrics-")
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(
    prefix=os.path.basename(OWN_METRICS_DIR_PREFIX)
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
os.makedirs(metrics_dir, exist_ok=True)
for stale in glob.glob(os.path.join(metrics_dir, "*.db")):  # a previous run's counts must not be added to this one's
    os.remove(stale)


def child_exit(server, worker):
    # An exited worker's counts stay in the sum; only its live gauges (none yet) are dropped.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    _stop_feed_worker()
    if metrics_dir.startswith(OWN_METRICS_DIR_PREFIX):
        shutil.rmtree(metrics_dir, ignore_errors=True)


# The feed worker (scheduler/feeds/worker.py): one a host, started and stopped with the master, unless
# FEED_WORKER=0 (then run `flask --app wsgi feeds worker` under a supervisor of your own: docs/DEPLOY.md).
_feed_worker = None


def when_ready(server):
    global _feed_worker
    warning = development_exposure(bind)
    if warning:
        server.log.warning(warning)
    if os.environ.get("FEED_WORKER", "1") != "0":
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "feeds", "worker"]
        _feed_worker = subprocess.Popen(command, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        server.log.info("feed worker started (pid %s)", _feed_worker.pid)


def _stop_feed_worker():
    if _feed_worker is not None and _feed_worker.poll() is None:
        _feed_worker.terminate()
        try:
            _feed_worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _feed_worker.kill()
