"""The README's first story, run as written (its shell block) against a live server on a port of its own."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def first_story_script() -> str:
    section = (ROOT / "README.md").read_text().split("## The first story, with curl", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


@pytest.mark.committed  # the flask CLI and the live server see its writes
def test_the_first_story_runs_as_written_on_any_port_and_shows_in_the_journal(live_server, database_url):
    port = live_server.rsplit(":", 1)[1]
    env = {**os.environ, "PORT": port, "DATABASE_URL": database_url}
    env.pop("SCHEDULER_ENV", None)
    run = subprocess.run(
        ["bash", "-e", "-c", first_story_script()], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert '"title": "First informal meeting"' in run.stdout.replace('":"', '": "')
    assert "Room ECOSOC is not available for that time" in run.stdout
    journal = requests.get(f"{live_server}/journal/2017-06-16", timeout=10).text
    assert "First informal meeting" in journal
