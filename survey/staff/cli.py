"""`flask users ...` for staff accounts and `flask demo setup` for a ready-to-try server."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..fieldwork.operations import CollectionError, by_slug, create_collection
from ..i18n import ui_languages
from ..models import ROLES
from .accounts import create_user, find_user, reset_password

users_cli = AppGroup("users", help="Staff accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the server locally.")


@users_cli.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="coordinator", show_default=True)
def add(username, role):
    """Create a staff account and print its one-time password (changed at first sign-in)."""
    try:
        _user, password = create_user(username, role)
    except ValueError as error:
        raise click.ClickException(str(error))
    click.echo(f"created {username} ({role}); one-time password: {password}")


@users_cli.command("reset-password")
@click.argument("username")
def reset(username):
    """Give USERNAME a new one-time password."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    click.echo(f"one-time password for {username}: {reset_password(user)}")


@demo_cli.command("setup")
@click.option("--port", default=5000, show_default=True, help="Port the server will listen on (for the printed links).")
def setup(port):
    """Create the open demo collection (slug demo, every UI language) and a local admin account."""
    base = f"http://127.0.0.1:{port}"
    if by_slug("demo") is None:
        try:
            create_collection("demo", "demo", activity="Demo", wave="event", ui_languages=ui_languages(),
                              audience="any", channel="both", guardian_consent=False)
        except CollectionError as error:
            raise click.ClickException(str(error))
    click.echo(f"Respondents: {base}/s/demo   (Arabic directly: {base}/s/demo?lang=ar)")
    if find_user("admin") is None:
        _user, password = create_user("admin", "admin")
        click.echo(f"Staff: {base}/staff/   user: admin   one-time password: {password}")
        click.echo("(You choose a new password at first sign-in.)")
    else:
        click.echo(f"Staff: {base}/staff/   user: admin   "
                   "(forgot the password? flask --app wsgi users reset-password admin)")
