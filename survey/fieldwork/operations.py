"""Creating collections and deciding whether one takes answers now."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..extensions import db
from ..models import AUDIENCES, COLLECTION_CHANNELS, Collection
from ..library.operations import latest_version

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
WAVES = ("baseline", "follow-up", "yearly", "event")


class CollectionError(ValueError):
    """A collection cannot be created as asked; the message says why in plain words."""


def local_today(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def local_date(moment: datetime, tz: str) -> date:
    """The calendar day at the activity's place; a naive moment is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(tz)).date()


def state(collection: Collection, today: date) -> str:
    """'open', 'not_yet_open' or 'closed' on a local calendar day (a collection closes at the end of closes_on)."""
    if collection.opens_on and today < collection.opens_on:
        return "not_yet_open"
    if collection.closes_on and today > collection.closes_on:
        return "closed"
    return "open"


def accepts_queued(collection: Collection, answered_on: date, today: date, grace_days: int) -> bool:
    """A response answered while the collection was open is taken up to `grace_days` after it closed,
    so a tablet that was offline at the event does not lose its queue."""
    if state(collection, answered_on) != "open":
        return False
    return state(collection, today) == "open" or (
        collection.closes_on is not None and today <= collection.closes_on + timedelta(days=grace_days))


def by_slug(slug: str) -> Collection | None:
    return db.session.scalar(select(Collection).where(Collection.slug == slug))


def create_collection(slug: str, form_id: str, *, activity: str, wave: str, ui_languages: list[str],
                      audience: str | None = None, languages: list[str] | None = None,
                      opens_on: date | None = None, closes_on: date | None = None,
                      channel: str = "both", guardian_consent: bool | None = None) -> Collection:
    if not SLUG.match(slug):
        raise CollectionError(f"'{slug}' is not a usable slug: use 2–63 lower-case letters, digits and hyphens")
    if by_slug(slug):
        raise CollectionError(f"a collection called '{slug}' exists already")
    version = latest_version(form_id)
    if version is None:
        raise CollectionError(f"no questionnaire '{form_id}' is loaded (flask --app wsgi forms load)")
    definition = version.parsed
    audience = audience or definition.audience
    if audience not in AUDIENCES:
        raise CollectionError(f"audience must be one of {', '.join(AUDIENCES)}")
    if channel not in COLLECTION_CHANNELS:
        raise CollectionError(f"channel must be one of {', '.join(COLLECTION_CHANNELS)}")
    if wave not in WAVES:
        raise CollectionError(f"wave must be one of {', '.join(WAVES)}")
    offered = [lang for lang in definition.languages if lang in ui_languages]
    languages = languages or offered
    unusable = [lang for lang in languages if lang not in offered]
    if unusable:
        raise CollectionError(f"{', '.join(unusable)}: not offered by '{form_id}' together with a UI catalogue "
                              f"(usable: {', '.join(offered)})")
    if opens_on and closes_on and closes_on < opens_on:
        raise CollectionError("the closing date is before the opening date")
    if guardian_consent is None:
        # children, and youth from 13, may be under 15: guardians' consent is asked for unless switched off
        guardian_consent = audience in ("child", "youth")
    collection = Collection(slug=slug, version=version, audience=audience, activity=activity, wave=wave,
                            opens_on=opens_on, closes_on=closes_on, languages=list(languages),
                            channel=channel, guardian_consent=guardian_consent)
    db.session.add(collection)
    db.session.commit()
    return collection
