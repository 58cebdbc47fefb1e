"""`flask --app wsgi timezones status`: the tz database in use and the meetings ahead another release
computed; `flask --app wsgi timezones recompute`: apply the release in use to them (meetings/retime.py)."""

import sys

import click
import tzdata
from flask.cli import AppGroup

from .. import tz_database
from .retime import collision_text, recompute, stale_counts

timezones_cli = AppGroup("timezones", help="The tz database and the meetings it places.")


@timezones_cli.command("status")
@click.option("--check", is_flag=True, help="exit with status 1 if meetings ahead wait for a recompute (monitoring)")
def status_command(check):
    """Which tz database is in use, and how many meetings ahead another release placed."""
    click.echo(f"tz database in use: {tz_database.VERSION} (the tzdata {tzdata.__version__} package)")
    counts = stale_counts()
    if not counts:
        click.echo("every meeting ahead was placed with it")
    for release, count in sorted(counts.items()):
        click.echo(f"{count} meeting(s) ahead placed with {release}: run `flask timezones recompute`")
    if check and counts:
        sys.exit(1)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%MZ")


@timezones_cli.command("recompute")
@click.option("--dry-run", is_flag=True, help="say what would move and what would be left, change nothing")
def recompute_command(dry_run):
    """Keep each meeting ahead at its booked local time under the rules of the tz database in use.
    Exits with status 1 if some could not be moved (each is noted in its history for an officer), or
    with --dry-run, would not be."""
    outcomes = recompute(dry_run=dry_run)
    moved = [o for o in outcomes if o.moved]
    left = [o for o in outcomes if o.left_for_an_officer]
    for outcome in moved:
        click.echo(
            f"{'would move' if dry_run else 'moved'}: meeting {outcome.meeting_id} ({outcome.room_code}, "
            f"{outcome.title!r}) {_when(outcome.old[0])} -> {_when(outcome.new[0])}, kept at {outcome.wall}"
        )
    for outcome in left:
        problem = outcome.problem or collision_text(outcome.collisions)
        click.echo(
            f"{'WOULD NOT MOVE' if dry_run else 'NOT MOVED'}: meeting {outcome.meeting_id} ({outcome.room_code}, "
            f"{outcome.title!r}): {problem}"
        )
    click.echo(
        f"tz database {tz_database.VERSION}: {len(outcomes)} meeting(s) ahead placed with another release, "
        f"{len(moved)} {'to move' if dry_run else 'moved'}, {len(left)} for an officer to resolve"
    )
    if left:
        sys.exit(1)
