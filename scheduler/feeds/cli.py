"""`flask --app wsgi feeds worker`: render and copy feeds until stopped (gunicorn's master starts
one, see config/gunicorn.conf.py); `flask --app wsgi feeds render`: render every feed now."""

import os

import click
from flask import current_app
from flask.cli import AppGroup

from .worker import render_everything, run_forever, stop_on_signals

feeds_cli = AppGroup("feeds", help="Calendar feeds.")


@feeds_cli.command("worker")
def worker_command():
    """Follow changes: render the feeds they touch (if this worker leads) and copy them to FEED_DIR."""
    os.nice(current_app.config["FEED_RENDER_NICE"])
    click.echo(f"feeds: worker started, copying to {current_app.config['FEED_DIR']}")
    stopping, parent = stop_on_signals(), os.getppid()
    # Stops too when whatever started it (gunicorn's master) is gone.
    run_forever(current_app._get_current_object(), lambda: stopping() or os.getppid() != parent)


@feeds_cli.command("render")
@click.option("--new-versions", is_flag=True, help="give every feed a new version (after restoring a backup)")
def render_command(new_versions):
    """Make every feed there is and render it now (after seeding, an upgrade or a bulk load)."""
    rendered = render_everything(current_app._get_current_object(), new_versions=new_versions)
    click.echo(f"feeds: {rendered} feed(s) rendered")
