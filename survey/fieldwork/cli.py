"""`flask collections ...`: put a questionnaire in front of people."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..clock import local_today
from ..extensions import db
from ..i18n import ui_languages
from ..results.counts import responses_per_collection
from .models import AUDIENCES, COLLECTION_CHANNELS, WAVES, Collection
from .operations import CollectionError, create_collection

collections_cli = AppGroup("collections", help="Create and list collections (a questionnaire at an activity).")


@collections_cli.command("add")
@click.argument("slug")
@click.option("--form", "form_id", required=True, help="Questionnaire id, e.g. youth (see forms/).")
@click.option("--activity", required=True, help='Activity or event, e.g. "Bästa sommaren 2026".')
@click.option("--wave", type=click.Choice(WAVES), default="event", show_default=True)
@click.option("--audience", type=click.Choice(AUDIENCES),
              help="Defaults to the questionnaire's audience.")
@click.option("--languages", help="Comma-separated codes, e.g. sv,en,ar. Defaults to every language offered.")
@click.option("--opens", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@click.option("--closes", type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD).")
@click.option("--channel", type=click.Choice(COLLECTION_CHANNELS),
              help="tablet, link or both. Default: tablet for children (never a public link), both otherwise.")
@click.option("--guardian-consent/--no-guardian-consent", default=None,
              help="Ask the coordinator to confirm guardians' consent (default: yes for child and youth).")
def add(slug, form_id, activity, wave, audience, languages, opens, closes, channel, guardian_consent):
    """Create the collection SLUG; respondents open it at /s/SLUG."""
    try:
        collection = create_collection(
            slug, form_id, activity=activity, wave=wave, audience=audience, ui_languages=ui_languages(),
            languages=[x.strip() for x in languages.split(",")] if languages else None,
            opens_on=opens.date() if opens else None, closes_on=closes.date() if closes else None,
            channel=channel, guardian_consent=guardian_consent, actor_name="cli")
    except CollectionError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"created /s/{collection.slug}: {form_id} version {collection.version.number}, "
               f"languages {', '.join(collection.languages)}")


@collections_cli.command("list")
def list_():
    """List collections with their state, number of responses and refused conflicting re-sends."""
    today = local_today(current_app.config["TIMEZONE"])
    counts = responses_per_collection()
    for c in db.session.scalars(select(Collection).order_by(Collection.slug)):
        click.echo(f"{c.slug:24} {c.state_on(today):13} {c.version.questionnaire.form_id:16} "
                   f"{c.wave:10} {counts.get(c.id, 0):5} responses {c.conflicting_resends:3} conflicts  {c.activity}")
