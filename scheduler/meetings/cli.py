"""`flask --app wsgi timezones status`: the tz database in use and the meetings ahead another release
computed; `flask --app wsgi timezones recompute`: apply the release in use to them (meetings/retime.py)."""

import sys

import click
import tzdata
from flask.cli import AppGroup

from .. import tz_database
from ..times import to_local
from .retime import recompute, stale_counts

timezones_cli = AppGroup("timezones", help="The tz database and the meetings it places.")


@timezones_cli.command("status")
def status_command():
    """Which tz database is in use, and how many meetings ahead another release placed."""
    click.echo(f"tz database in use: {tz_database.VERSION} (the tzdata {tzdata.__version__} package)")
    counts = stale_counts()
    if not counts:
        click.echo("every meeting ahead was placed with it")
    for release, count in sorted(counts.items()):
        click.echo(f"{count} meeting(s) ahead placed with {release}: run `flask timezones recompute`")


def _when(moment, zone) -> str:
    return to_local(moment, zone).strftime("%Y-%m-%d %H:%M%z")


@timezones_cli.command("recompute")
@click.option("--dry-run", is_flag=True, help="say what would move, change nothing")
def recompute_command(dry_run):
    """Keep each meeting ahead at its booked local time under the rules of the tz database in use.
    Exits with status 1 if some could not be moved (each is noted in its history for an officer)."""
    outcomes = recompute(dry_run=dry_run)
    moved = [o for o in outcomes if o.moved and not o.collisions]
    left = [o for o in outcomes if o.problem or o.collisions]
    for outcome in moved:
        meeting = outcome.meeting
        zone = meeting.local_zone
        verb = "would move" if dry_run else "moved"
        click.echo(
            f"{verb}: meeting {meeting.id} ({meeting.room.code}, {meeting.title!r}) "
            f"{_when(outcome.old[0], zone)} -> {_when(outcome.new[0], zone)}, local time kept"
        )
    for outcome in left:
        meeting = outcome.meeting
        click.echo(f"NOT MOVED: meeting {meeting.id} ({meeting.room.code}, {meeting.title!r}): {outcome.problem}")
    click.echo(
        f"tz database {tz_database.VERSION}: {len(outcomes)} meeting(s) ahead placed with another release, "
        f"{len(moved)} {'to move' if dry_run else 'moved'}, {len(left)} for an officer to resolve"
    )
    if left and not dry_run:
        sys.exit(1)
