"""Creating and finding collections. Operations add and flush; the view or command commits."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit.operations import record
from ..extensions import db
from ..questionnaires.versions import latest_version
from .models import AUDIENCES, COLLECTION_CHANNELS, WAVES, Collection

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


class CollectionError(ValueError):
    """A collection cannot be created as asked; the message says why in plain words."""


def by_slug(slug: str) -> Collection | None:
    """The collection with its version in one query (the definition JSON itself stays deferred)."""
    return db.session.scalar(select(Collection).options(joinedload(Collection.version))
                             .where(Collection.slug == slug))


def create_collection(slug: str, form_id: str, *, activity: str, wave: str, ui_languages: list[str],
                      audience: str | None = None, languages: list[str] | None = None,
                      opens_on: date | None = None, closes_on: date | None = None,
                      channel: str = "both", guardian_consent: bool | None = None,
                      actor=None, actor_name: str | None = None) -> Collection:
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
    db.session.flush()
    record("collection.create", actor=actor, actor_name=actor_name, obj=collection,
           detail=f"{form_id} v{version.number}, {audience}, {wave}, {opens_on or '-'}..{closes_on or '-'}, "
                  f"{','.join(languages)}, {channel}")
    return collection


def confirm_guardian_consent(collection: Collection, *, actor) -> None:
    """Record a coordinator's confirmation that the guardians of the children answering have agreed.

    Minimal version (the coordinator branch owns the full one): the audit record is the
    confirmation, with who and when.
    """
    record("collection.guardians_confirmed", actor=actor, obj=collection,
           detail="the coordinator confirmed that guardians have agreed")
    db.session.flush()
