"""`flask kiosk start SLUG`: a one-time link that turns the tablet that opens it into a kiosk."""
from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.models import StaffUser
from ..auth.permissions import Permission
from ..clock import utcnow
from ..extensions import db
from ..fieldwork.operations import by_slug
from .operations import IDLE_LIMITS, LINK_VALID, KioskError, start_kiosk

kiosk_cli = AppGroup("kiosk", help="Turn shared tablets into survey kiosks.")


@kiosk_cli.command("start")
@click.argument("slug")
@click.option("--coordinator", required=True,
              help="Your user name: the kiosk, and any guardians' confirmation, is recorded as yours.")
@click.option("--pin", prompt="PIN for leaving kiosk mode (4 to 8 digits)", hide_input=True,
              confirmation_prompt=True, help="Asked for when left out, without showing it.")
@click.option("--idle-seconds", type=click.IntRange(*IDLE_LIMITS),
              help="Unfinished answers are dropped after this long without a tap (default: KIOSK_IDLE_SECONDS, 90).")
@click.option("--guardians-agreed", is_flag=True,
              help="For a children's collection: you confirm that the guardians have agreed.")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="The server's address as the tablet reaches it.")
def start(slug, coordinator, pin, idle_seconds, guardians_agreed, base_url):
    """Print a one-time link (valid 12 hours) to open on the tablet that becomes the kiosk for SLUG."""
    collection = by_slug(slug)
    if collection is None:
        raise click.ClickException(f"no collection '{slug}' (flask --app wsgi collections list)")
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == coordinator))
    if user is None or not user.active or not user.can(Permission.MANAGE_COLLECTIONS):
        raise click.ClickException(f"'{coordinator}' is not an active user who may manage collections")
    if collection.guardian_consent and not guardians_agreed:
        guardians_agreed = click.confirm("This collection is for children: do you confirm that the guardians "
                                         "of the children who answer have agreed?", default=False)
    idle_seconds = idle_seconds or current_app.config["KIOSK_IDLE_SECONDS"]
    try:
        _kiosk, token = start_kiosk(collection, pin, idle_seconds=idle_seconds, guardians_confirmed=guardians_agreed,
                                    actor=user, now=utcnow(), on_this_device=False)
    except KioskError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    hours = int(LINK_VALID.total_seconds() // 3600)
    with current_app.test_request_context(base_url=base_url):
        link = url_for("kiosk.open_", token=token, _external=True)
    click.echo(f"Open this link once on the tablet (valid {hours} hours, works once):\n{link}")
