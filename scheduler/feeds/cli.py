"""`flask --app wsgi feeds render`: store the events that are missing or out of date."""

import click
from flask.cli import AppGroup

from .service import render_stale_events

feeds_cli = AppGroup("feeds", help="Calendar feeds.")


@feeds_cli.command("render")
def render_command():
    """Render and store the VEVENT of every meeting whose stored one is missing or stale.

    Needed after loading meetings in bulk outside the application, or after changing
    ICAL_UID_DOMAIN; feeds stay correct without it, but render those events on every change.
    """
    click.echo(f"feeds: {render_stale_events()} event(s) rendered and stored")
