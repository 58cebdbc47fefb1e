"""Real processes for the fault tests: a private PostgreSQL server and gunicorn in front of it.

The private server is the tests' own (initdb into a temporary directory, a free port), so they
may stop and start it again without disturbing the shared server other tests and people use.
PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
import requests

PROJECT = Path(__file__).resolve().parent.parent
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
POSTGRES_USER = "postgres"


def unavailable(reason: str):
    """Skip, or fail where CI requires PostgreSQL (REQUIRE_POSTGRES=1)."""
    if REQUIRE_POSTGRES:
        pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


def wait_until(condition, timeout: float, what: str, interval: float = 0.1):
    """Poll `condition` until it returns something true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bindir() -> Path | None:
    """POSTGRES_BINDIR, else the newest /usr/lib/postgresql/<version>/bin (Debian), else pg_ctl on PATH."""
    if os.environ.get("POSTGRES_BINDIR"):
        return Path(os.environ["POSTGRES_BINDIR"])
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if versions:
        return Path(versions[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class PrivatePostgres:
    """A PostgreSQL server of the test's own, to start and stop at will, and databases in it."""

    def __init__(self):
        self.bindir = postgres_bindir()
        if self.bindir is None or not (self.bindir / "initdb").exists():
            unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                self.owner = pwd.getpwnam(POSTGRES_USER)
            except KeyError:
                unavailable(f"running as root and there is no '{POSTGRES_USER}' user to run PostgreSQL as")
            if not shutil.which("runuser"):
                unavailable("running as root and runuser is missing")
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="scheduler-faults-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        if self.as_root:
            os.chown(self.directory, self.owner.pw_uid, self.owner.pw_gid)

    def _run(self, *args: str, timeout: float = 120):
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", POSTGRES_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}\n{self.log_tail()}"

    def initialise(self):
        self._run("initdb", "-D", str(self.data), "-U", POSTGRES_USER, "-A", "trust", "--no-sync", "-E", "UTF8")

    def start(self):
        # The socket goes in the private directory: /var/run/postgresql belongs to the shared server.
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options)

    def stop(self):
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "60")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{POSTGRES_USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=10)

    def create_database(self, name: str, template: str = "template1") -> str:
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def close(self):
        """Stop the server if it runs, and remove its files."""
        try:
            if self.is_running():
                self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def flask_command(database_url: str, *args: str) -> str:
    """`flask --app wsgi <args>` against the database, as operators run it; its standard output."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"flask {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result.stdout


class Gunicorn:
    """`make run`'s gunicorn (config/gunicorn.conf.py) on a free port, logging to a file."""

    def __init__(self, database_url: str, directory: Path, workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / f"gunicorn-{self.port}.log"
        environ = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
            "RATELIMIT_ENABLED": "0",
            "GUNICORN_GRACEFUL_TIMEOUT": "5",
        }
        environ.pop("GUNICORN_BIND", None)
        with open(self.log, "wb") as log:
            self.master = subprocess.Popen(
                # No control socket: its default path ($HOME/.gunicorn) is shared with every other gunicorn.
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    "config/gunicorn.conf.py",
                    "--no-control-socket",
                    "wsgi:app",
                ],
                cwd=PROJECT,
                env=environ,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_serving(self, workers: int, timeout: float = 60):
        def serving():
            assert self.master.poll() is None, f"gunicorn exited:\n{self.log_excerpt()}"
            try:
                answered = requests.get(f"{self.url}/healthz", timeout=5).status_code == 200
            except requests.RequestException:
                return False
            return answered and len(self.worker_pids()) == workers

        wait_until(serving, timeout, f"gunicorn with {workers} workers on {self.url}")

    def worker_pids(self) -> list[int]:
        """The master's gunicorn workers (not its feed worker), read from /proc (every Linux has it)."""
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
                command = (Path(stat).parent / "cmdline").read_bytes()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == self.master.pid and fields[0] != "Z" and b"feeds\0worker" not in command:
                children.append(int(Path(stat).parent.name))
        return sorted(children)

    def log_excerpt(self, lines: int = 80) -> str:
        """What went wrong: the log from its first traceback on, else its end."""
        logged = self.log.read_text(errors="replace").splitlines()
        first_traceback = next((n for n, line in enumerate(logged) if line.startswith("Traceback")), None)
        return "\n".join(
            logged[first_traceback : first_traceback + lines] if first_traceback is not None else logged[-lines:]
        )

    def stop(self):
        if self.master.poll() is None:
            self.master.send_signal(signal.SIGTERM)
            try:
                self.master.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.master.kill()
                self.master.wait(timeout=10)
