"""`flask --app wsgi tokens ...`: tokens are made here, never through the API."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from ..clock import utcnow
from ..errors import FieldErrors, NotFound
from .models import ROLES
from .service import create_token, list_tokens, revoke_token, token_state

tokens_cli = AppGroup("tokens", help="Create, list and revoke API tokens.")


@tokens_cli.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", required=True, help="Whose token this is, e.g. 'Meetings Management Section'.")
@click.option("--mission", "mission_code", default=None, help="Mission code for a mission token, e.g. BEL.")
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None)
def create_command(role, name, mission_code, expires_in_days):
    """Create a token and print its secret once."""
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    try:
        token, secret = create_token(name, role, mission_code.upper() if mission_code else None, expires_at)
    except FieldErrors as error:
        raise click.UsageError("; ".join(f"{k}: {v[0]}" for k, v in error.errors["json"].items())) from error
    click.echo(secret)
    click.echo(f"token {token.id} for {token.name} ({token.role}); the secret above is not stored, keep it", err=True)


@tokens_cli.command("list")
def list_command():
    """List tokens (never their secrets): id, role, name, mission, state, expiry."""
    for token in list_tokens():
        expires = token.expires_at.isoformat(timespec="seconds") if token.expires_at else ""
        fields = (token.id, token.role, token.name, token.mission_code or "", token_state(token), expires)
        click.echo("\t".join(str(field) for field in fields))


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id):
    """Revoke a token by its id (see `tokens list`)."""
    try:
        revoke_token(token_id)
    except NotFound as error:
        raise click.UsageError(error.message) from error
    click.echo(f"token {token_id} revoked")
