"""`flask --app wsgi mail status`: the outbox by status; `flask --app wsgi mail send`: send what is due
now (the background worker does it in every round; this is for a host without one, or to see it go)."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..extensions import db
from .models import OutboxMessage
from .worker import run_round

mail_cli = AppGroup("mail", help="Mail to missions and the meetings desk.")


@mail_cli.command("status")
def status_command():
    """How many messages are queued, sent, failed or dropped, and where mail goes."""
    backend = current_app.config["MAIL_BACKEND"]
    where = (
        f"SMTP {current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}"
        if backend.endswith("smtp.EmailBackend")
        else f".eml files in {current_app.config['MAIL_DIR']}"
    )
    click.echo(f"mail goes to: {where}")
    counts = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    for status, count in sorted(counts):
        click.echo(f"{status}: {count}")


@mail_cli.command("send")
def send_command():
    """Queue the daily programmes that are due and send every message that is due."""
    click.echo(f"mail: {run_round()} message(s) sent")
