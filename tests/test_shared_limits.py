"""Rate limits shared through Redis: two worker processes count the same feed-token misses."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REDIS = ("127.0.0.1", 6379)
PROJECT = Path(__file__).resolve().parent.parent

WORKER = """
import sys
from scheduler import create_app
from flask_migrate import upgrade
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    upgrade()
client = app.test_client()
print(" ".join(str(client.get(f"/feeds/subscriptions/guess-{n}.ics").status_code) for n in range(int(sys.argv[2]))))
"""


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2):
            return True
    except OSError:
        return False


def _worker(database: str, misses: int, prefix: str) -> str:
    environ = {
        **os.environ,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_FEED_MISSES": "3 per minute",
        "RATELIMIT_KEY_PREFIX": prefix,
        "PYTHONPATH": str(PROJECT),
    }
    result = subprocess.run(
        [sys.executable, "-c", WORKER, database, str(misses)],
        env=environ,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_two_workers_share_one_count_in_redis(tmp_path):
    if not _redis_up():
        if os.environ.get("REQUIRE_POSTGRES") == "1":  # CI: every service is required
            pytest.fail("Redis is not running at 127.0.0.1:6379")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    prefix = f"test-{uuid.uuid4().hex}"
    assert _worker(database, 2, prefix) == "404 404"
    assert _worker(database, 2, prefix) == "404 429"  # the other worker's misses counted too
