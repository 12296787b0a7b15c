"""`flask users ...`: staff accounts from the command line."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..extensions import db
from .accounts import (PasswordRejected, all_users, change_role, create_user, disable_user, enable_user, find_user,
                       reset_password, set_password)
from .passwords import MIN_LENGTH
from .permissions import ROLES

users_cli = AppGroup("users", help="Staff accounts.")

PASSWORD_PROBLEMS = {"too_short": f"at least {MIN_LENGTH} characters are needed",
                     "common": "it is one of the most common passwords",
                     "unchanged": "it is the current password"}


def _user(username: str):
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    return user


@users_cli.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES),
              default="coordinator", show_default=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (for scripts) instead of printing a one-time password.")
def add(username, role, password_stdin):
    """Create a staff account and print its one-time password (changed at first sign-in)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user, one_time = create_user(username, role, actor_name="cli")
        if password is not None:
            set_password(user, password, actor_name="cli")
    except PasswordRejected as error:
        db.session.rollback()  # no account without the password asked for
        raise click.ClickException(f"password refused: {PASSWORD_PROBLEMS[error.problem]}")
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    db.session.commit()
    if password is None:
        click.echo(f"created {username} ({role}); one-time password: {one_time}")
    else:
        click.echo(f"created {username} ({role}) with the password given")


@users_cli.command("list")
def list_users():
    """Every staff account: name, role, active or disabled, one-time password still unchanged."""
    for user in all_users():
        state = "active" if user.active else "disabled"
        pending = "  (one-time password not yet changed)" if user.must_change_password else ""
        click.echo(f"{user.username:20} {user.role:12} {state}{pending}")


@users_cli.command("disable")
@click.argument("username")
def disable(username):
    """Disable USERNAME: no more sign-in, and every session of theirs ends now."""
    disable_user(_user(username), actor_name="cli")
    db.session.commit()
    click.echo(f"disabled {username}; their sessions have ended")


@users_cli.command("enable")
@click.argument("username")
def enable(username):
    """Let a disabled USERNAME sign in again."""
    enable_user(_user(username), actor_name="cli")
    db.session.commit()
    click.echo(f"enabled {username}")


@users_cli.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def role(username, role):
    """Give USERNAME another ROLE; every session of theirs ends (they sign in again)."""
    change_role(_user(username), role, actor_name="cli")
    db.session.commit()
    click.echo(f"{username} is now {role}; their sessions have ended")


@users_cli.command("reset-password")
@click.argument("username")
def reset(username):
    """Give USERNAME a new one-time password (every session of theirs ends)."""
    password = reset_password(_user(username), actor_name="cli")
    db.session.commit()
    click.echo(f"one-time password for {username}: {password}")
