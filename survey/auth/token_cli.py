"""`flask tokens ...`: API tokens for researchers' scripts, from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from .accounts import find_user
from .tokens import ApiToken, TokenError, create_token, revoke_token, tokens_of

tokens_cli = AppGroup("tokens", help="API tokens for exports (stored hashed, shown once).")


@tokens_cli.command("create")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option("--collection", "collections", multiple=True, help="Only this collection (repeatable). Default: all.")
def create(username, name, collections):
    """Create a token for USERNAME and print it once."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    try:
        token, secret = create_token(user, name, list(collections) or None, actor_name="cli")
    except TokenError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"token {token.id} for {username} (shown once, store it safely):")
    click.echo(secret)


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id):
    """Revoke the token TOKEN_ID: scripts using it get 401 from now on."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token {token_id}")
    revoke_token(token, actor_name="cli")
    db.session.commit()
    click.echo(f"revoked token {token_id} of {token.user.username}")


@tokens_cli.command("list")
@click.argument("username")
def list_(username):
    """List USERNAME's tokens (never the secrets)."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    for token in tokens_of(user):
        state = "active" if token.active else f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
        scope = ",".join(token.collections) if token.collections else "all"
        click.echo(f"{token.id:5} {token.name:30} {scope:30} {state}")
