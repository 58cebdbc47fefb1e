"""A new tz database release under booked meetings: each meeting ahead keeps its local wall time, its
instants follow the new rules, and what the new rules cannot place is reported, never stored as an overlap.

The releases really switch: commands run in a subprocess with the earlier release (tzdata 2024.2, IANA
2024b, which `make test` installs in .venv/tzdata-previous) ahead of the pinned one on its path. In 2024b
Paraguay keeps daylight-saving time (-04 in winter, a gap on 3 October 2027 at midnight); in the pinned
release it is at -03 all year.
"""

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from scheduler.extensions import db

from .feed_readers import read_everywhere
from .helpers import book
from .test_feeds import add_venue, uid

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREVIOUS_RELEASE = PROJECT_ROOT / ".venv" / "tzdata-previous"
ZONE = "America/Asuncion"

BOOK_UNDER_PREVIOUS_RELEASE = """
import json, os, sys
from wsgi import app
response = app.test_client().post(
    "/api/v1/meetings", json=json.loads(sys.argv[1]), headers={"Authorization": "Bearer " + os.environ["TOKEN"]}
)
assert response.status_code == 201, response.get_data(as_text=True)
print(response.json["id"])
"""


def under_previous_release(app, command: list[str], **environ) -> subprocess.CompletedProcess:
    if not (PREVIOUS_RELEASE / "tzdata").is_dir():
        pytest.fail(f"no earlier tz database at {PREVIOUS_RELEASE}: run `make test`, which installs it")
    env = {
        **os.environ,
        **environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PYTHONPATH": str(PREVIOUS_RELEASE),
        "FEED_WORKER": "0",
    }
    return subprocess.run(
        [sys.executable, *command], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def meeting(client, officer, created) -> dict:
    return client.get(f"/api/v1/meetings/{created['id']}", headers=officer).json


def history(client, officer, created) -> list[dict]:
    return client.get(f"/api/v1/meetings/{created['id']}/history", headers=officer).json


@pytest.mark.committed
def test_meetings_ahead_keep_their_local_time_across_releases(app, client, officer, officer_token, admin):
    add_venue(client, admin, officer, "ASU", ZONE, "CR-ASU")
    # Booked with the pinned release (-03 all year).
    winter = book(client, officer, room="CR-ASU", title="Winter", start="2027-07-15T10:00", end="2027-07-15T12:00")
    summer = book(client, officer, room="CR-ASU", title="Summer", start="2027-01-15T10:00", end="2027-01-15T12:00")
    in_gap = book(client, officer, room="CR-ASU", title="Gap", start="2027-10-03T00:15", end="2027-10-03T00:45")
    crowded = book(client, officer, room="CR-ASU", title="Crowded", start="2027-07-20T10:00", end="2027-07-20T12:00")
    assert at(winter["start"]) == datetime(2027, 7, 15, 13, tzinfo=timezone.utc)
    # A venue set up in the wrong zone (Sao Paulo's rules are the same in both releases), then put right:
    # its meetings keep their instants, and their wall times become those of the new zone.
    add_venue(client, admin, officer, "ASU2", "America/Sao_Paulo", "CR-ASU2")
    corrected = book(client, officer, room="CR-ASU2", start="2027-07-15T10:00", end="2027-07-15T12:00")
    assert client.patch("/api/v1/venues/ASU2", json={"timezone": ZONE}, headers=admin).status_code == 200
    # A room moved to a venue in another zone: the same, and its meetings' calendars show the new place.
    add_venue(client, admin, officer, "SAO", "America/Sao_Paulo", "CR-SAO")
    relocated = book(client, officer, room="CR-SAO", start="2027-07-15T10:00", end="2027-07-15T12:00")
    assert client.patch("/api/v1/rooms/CR-SAO", json={"venue": "ASU"}, headers=officer).status_code == 200
    assert meeting(client, officer, relocated)["sequence"] == 1
    # A meeting a release before migration 0012 wrote (a host not yet upgraded) has no wall time.
    with app.app_context():
        db.session.execute(
            text(
                "UPDATE meetings SET local_start = NULL, local_end = NULL, local_zone = NULL, tz_database = NULL"
                " WHERE id = :id"
            ),
            {"id": summer["id"]},
        )
        db.session.commit()
    status = under_previous_release(app, ["-m", "flask", "--app", "wsgi", "timezones", "status", "--check"])
    assert status.returncode == 1 and "tz database in use: 2024b" in status.stdout, status.stdout
    assert (
        "5 meeting(s) ahead placed with 2026f" in status.stdout
        and "1 meeting(s) ahead placed with unknown" in status.stdout
    )

    # After the switch, before the meetings are recomputed, someone books 11:00-12:00 local (-04) on the
    # 20th: 15:00-16:00 UTC, free then, but where "Crowded" (10:00-12:00 local) will now be.
    booked = under_previous_release(
        app,
        [
            "-c",
            BOOK_UNDER_PREVIOUS_RELEASE,
            '{"title": "Late", "kind": "briefing", "room": "CR-ASU", '
            '"start": "2027-07-20T11:00", "end": "2027-07-20T12:00", "visibility": "public"}',
        ],
        TOKEN=officer_token,
    )
    assert booked.returncode == 0, booked.stderr
    late = {"id": int(booked.stdout.strip())}

    # A dry run says what would move and what would be left, and changes nothing.
    dry = under_previous_release(app, ["-m", "flask", "--app", "wsgi", "timezones", "recompute", "--dry-run"])
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert f"would move: meeting {winter['id']} " in dry.stdout
    assert f"WOULD NOT MOVE: meeting {in_gap['id']} " in dry.stdout
    assert f"WOULD NOT MOVE: meeting {crowded['id']} " in dry.stdout and f"meeting {late['id']}" in dry.stdout
    assert (
        meeting(client, officer, winter)["sequence"] == 0
        and history(client, officer, winter)[-1]["action"] != "retimed"
    )
    again_status = under_previous_release(app, ["-m", "flask", "--app", "wsgi", "timezones", "status", "--check"])
    assert again_status.stdout == status.stdout  # nothing recomputed, not even the meeting without wall times

    recomputed = under_previous_release(app, ["-m", "flask", "--app", "wsgi", "timezones", "recompute"])
    assert recomputed.returncode == 1, recomputed.stdout + recomputed.stderr  # some are left for an officer
    assert f"moved: meeting {relocated['id']} " in recomputed.stdout  # 10:00 in Asuncion, where its room now is
    assert f"moved: meeting {winter['id']} " in recomputed.stdout
    assert f"moved: meeting {corrected['id']} " in recomputed.stdout  # 10:00 in Asuncion, not in Sao Paulo
    assert f"NOT MOVED: meeting {in_gap['id']} " in recomputed.stdout and "no longer exists" in recomputed.stdout
    assert f"NOT MOVED: meeting {crowded['id']} " in recomputed.stdout
    assert f"collides with meeting {late['id']}" in recomputed.stdout

    # Winter keeps 10:00 local: 14:00 UTC under 2024b, SEQUENCE up, in its history and in the feeds.
    moved = meeting(client, officer, winter)
    assert at(moved["start"]) == datetime(2027, 7, 15, 14, tzinfo=timezone.utc)
    assert (moved["sequence"], moved["version"]) == (1, winter["version"] + 1)
    [entry] = [e for e in history(client, officer, winter) if e["action"] == "retimed"]
    assert "2024b" in entry["reason"] and "10:00" in entry["reason"]
    feed = client.get("/feeds/all.ics").data
    for reader, events in read_everywhere(feed).items():
        event = events[uid(winter)]
        assert (event["start"], event["sequence"]) == (datetime(2027, 7, 15, 14, tzinfo=timezone.utc), 1), reader
    # Summer time was -03 in both releases: untouched. The others stay, and say why in their history.
    assert meeting(client, officer, summer)["sequence"] == 0
    for stayed in (in_gap, crowded):
        assert meeting(client, officer, stayed)["start"] == stayed["start"]
        assert [e["action"] for e in history(client, officer, stayed)][-1] == "not_retimed"
    # Nothing overlaps: the 20th holds Crowded at 13:00-15:00 UTC and Late at 15:00-16:00.
    assert at(meeting(client, officer, crowded)["end"]) <= at(meeting(client, officer, late)["start"])

    # Run again with the same release: nothing new moves, the same two are reported, their history not repeated.
    again = under_previous_release(app, ["-m", "flask", "--app", "wsgi", "timezones", "recompute"])
    assert "0 moved, 2 for an officer to resolve" in again.stdout, again.stdout
    assert [e["action"] for e in history(client, officer, crowded)].count("not_retimed") == 1

    # Back to the pinned release: Winter returns to 13:00 UTC (still 10:00 local); Late, booked under
    # 2024b at 11:00 local, now names 14:00-15:00 UTC, where Crowded is: reported, not moved.
    runner = app.test_cli_runner()
    back = runner.invoke(args=["timezones", "recompute"])
    assert back.exit_code == 1, back.output
    assert f"moved: meeting {winter['id']} " in back.output
    assert f"NOT MOVED: meeting {late['id']} " in back.output
    returned = meeting(client, officer, winter)
    assert (at(returned["start"]), returned["sequence"]) == (datetime(2027, 7, 15, 13, tzinfo=timezone.utc), 2)


def test_meetings_placed_with_the_release_in_use_are_left_alone(app, client, officer, admin):
    add_venue(client, admin, officer, "ASU", ZONE, "CR-ASU")
    created = book(client, officer, room="CR-ASU", start="2027-07-15T10:00", end="2027-07-15T12:00")
    status = app.test_cli_runner().invoke(args=["timezones", "status", "--check"])
    assert status.exit_code == 0 and "every meeting ahead was placed with it" in status.output
    result = app.test_cli_runner().invoke(args=["timezones", "recompute"])
    assert result.exit_code == 0, result.output
    assert "0 meeting(s) ahead placed with another release" in result.output
    assert meeting(client, officer, created)["sequence"] == 0
