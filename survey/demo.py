"""`flask demo setup`: an open demo collection and a local admin account, for trying the server."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .auth.accounts import create_user, find_user
from .extensions import db
from .fieldwork.operations import CollectionError, by_slug, create_collection
from .i18n import ui_languages

demo_cli = AppGroup("demo", help="Demo data for trying the server locally.")


def init_app(app) -> None:
    app.cli.add_command(demo_cli)


@demo_cli.command("setup")
@click.option("--port", default=5000, show_default=True, help="Port the server will listen on (for the printed links).")
def setup(port):
    """Create the open demo collection (slug demo, every UI language) and a local admin account."""
    base = f"http://127.0.0.1:{port}"
    if by_slug("demo") is None:
        try:
            create_collection("demo", "demo", activity="Demo", wave="event", ui_languages=ui_languages(),
                              audience="any", channel="both", guardian_consent=False, actor_name="demo setup")
        except CollectionError as error:
            raise click.ClickException(str(error))
    password = None
    if find_user("admin") is None:
        _user, password = create_user("admin", "admin", actor_name="demo setup")
    db.session.commit()
    click.echo(f"Respondents: {base}/s/demo   (Arabic directly: {base}/s/demo?lang=ar)")
    if password:
        click.echo(f"Staff: {base}/staff/   user: admin   one-time password: {password}")
        click.echo("(You choose a new password at first sign-in.)")
    else:
        click.echo(f"Staff: {base}/staff/   user: admin   "
                   "(forgot the password? flask --app wsgi users reset-password admin)")
