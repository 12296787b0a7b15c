"""`flask users ...`: staff accounts from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from .accounts import create_user, find_user, reset_password
from .permissions import ROLES

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="coordinator", show_default=True)
def add(username, role):
    """Create a staff account and print its one-time password (changed at first sign-in)."""
    try:
        _user, password = create_user(username, role, actor_name="cli")
    except ValueError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"created {username} ({role}); one-time password: {password}")


@users_cli.command("reset-password")
@click.argument("username")
def reset(username):
    """Give USERNAME a new one-time password (every session of theirs ends)."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    password = reset_password(user, actor_name="cli")
    db.session.commit()
    click.echo(f"one-time password for {username}: {password}")
