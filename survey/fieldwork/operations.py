"""Creating, finding, opening, closing and re-dating collections, and the guardians' confirmation.

Operations change state, write their audit record and flush; the view or command commits.
Error messages are English msgids marked with N_ so the staff pages show them translated
(`CollectionError.message`, `.params`); str(error) is the English sentence for the CLI.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit.operations import record
from ..clock import utcnow
from ..extensions import db
from ..questionnaires.versions import latest_version
from .consent import confirmation_required_to_open
from .models import AUDIENCES, COLLECTION_CHANNELS, WAVES, Collection

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def N_(message: str) -> str:
    """Marks a msgid for `pybabel extract` (-k N_); it is translated where it is shown."""
    return message


class CollectionError(ValueError):
    """A collection cannot be changed as asked; the message says why in plain words."""

    def __init__(self, message: str, **params):
        self.message, self.params = message, params
        super().__init__(message % params if params else message)


def by_slug(slug: str) -> Collection | None:
    """The collection with its version in one query (the definition JSON itself stays deferred)."""
    return db.session.scalar(select(Collection).options(joinedload(Collection.version))
                             .where(Collection.slug == slug))


def suggest_slug(activity: str, day: date | None = None) -> str:
    """A short, readable, unused link name from the activity (and the day), e.g. 'eid-fest-2026-06-16'."""
    ascii_text = unicodedata.normalize("NFKD", activity.replace("ö", "o").replace("ä", "a").replace("å", "a"))
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.encode("ascii", "ignore").decode().lower()).strip("-")
    base = (words[:40].strip("-") or "survey")
    if day is not None and day.isoformat() not in base:
        base = f"{base}-{day.isoformat()}"
    if len(base) < 2:
        base = f"survey-{base}"
    slug, n = base, 2
    while by_slug(slug) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_collection(slug: str, form_id: str, *, activity: str, wave: str, ui_languages: list[str],
                      audience: str | None = None, languages: list[str] | None = None,
                      opens_on: date | None = None, closes_on: date | None = None,
                      channel: str | None = None, guardian_consent: bool | None = None,
                      actor=None, actor_name: str | None = None) -> Collection:
    if not SLUG.match(slug):
        raise CollectionError(N_("'%(slug)s' is not a usable link name: use 2–63 lower-case letters, digits and hyphens"),
                              slug=slug)
    if by_slug(slug):
        raise CollectionError(N_("a collection called '%(slug)s' exists already"), slug=slug)
    version = latest_version(form_id)
    if version is None:
        raise CollectionError(N_("no questionnaire '%(form)s' is loaded (flask --app wsgi forms load)"), form=form_id)
    definition = version.parsed
    audience = audience or definition.audience
    if audience not in AUDIENCES:
        raise CollectionError(N_("audience must be one of %(choices)s"), choices=", ".join(AUDIENCES))
    # children answer on a tablet (or a kiosk) with an adult beside them, never from a public link
    channel = channel or ("tablet" if audience == "child" else "both")
    if channel not in COLLECTION_CHANNELS:
        raise CollectionError(N_("channel must be one of %(choices)s"), choices=", ".join(COLLECTION_CHANNELS))
    if audience == "child" and channel != "tablet":
        raise CollectionError(N_("children answer on a tablet with an adult nearby: a children's collection "
                                 "cannot be a public link"))
    if wave not in WAVES:
        raise CollectionError(N_("wave must be one of %(choices)s"), choices=", ".join(WAVES))
    offered = [lang for lang in definition.languages if lang in ui_languages]
    languages = languages or offered
    unusable = [lang for lang in languages if lang not in offered]
    if unusable:
        raise CollectionError(N_("%(languages)s: not offered by '%(form)s' together with a UI catalogue "
                                 "(usable: %(usable)s)"),
                              languages=", ".join(unusable), form=form_id, usable=", ".join(offered))
    _check_dates(opens_on, closes_on)
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


def _check_dates(opens_on: date | None, closes_on: date | None) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise CollectionError(N_("the closing date is before the opening date"))


def confirm_guardian_consent(collection: Collection, *, actor) -> None:
    """Record that a signed-in adult from the project confirms the guardians of the children (and
    young people under 15) who will answer have agreed. Asked of the coordinator in their own
    language when a collection is opened or a tablet is started for a group; never of the child."""
    if actor is None or getattr(actor, "id", None) is None:
        raise CollectionError(N_("only a signed-in member of staff can confirm the guardians' consent"))
    collection.guardians_confirmed_at = utcnow()
    collection.guardians_confirmed_by_id = actor.id
    db.session.flush()
    record("collection.confirm_guardians", actor=actor, obj=collection,
           detail="the adult confirms that the guardians of the respondents under 15 have agreed")


def open_now(collection: Collection, *, today: date, actor, guardians_confirmed: bool = False) -> None:
    """Open today: the opening date moves to today if later, a past closing date to today, and a
    collection closed by hand opens again. A children's collection needs the guardians'
    confirmation, given here (`guardians_confirmed`) or earlier."""
    if guardians_confirmed:
        confirm_guardian_consent(collection, actor=actor)
    if confirmation_required_to_open(collection.audience, collection.guardian_consent) \
            and not collection.guardians_confirmed:
        raise CollectionError(N_("confirm that the guardians have agreed before opening a children's collection"))
    before = _dates(collection)
    if collection.opens_on is None or collection.opens_on > today:
        collection.opens_on = today
    if collection.closes_on is not None and collection.closes_on < today:
        collection.closes_on = today
    collection.closed_at = None
    db.session.flush()
    record("collection.open", actor=actor, obj=collection, detail=f"{before} -> {_dates(collection)}")


def close_now(collection: Collection, *, today: date, actor) -> None:
    """Close at once for new respondents. The closing date becomes today, so answers a tablet queued
    offline while the collection was open still arrive within the grace period."""
    before = _dates(collection)
    if collection.closes_on is None or collection.closes_on > today:
        collection.closes_on = today
    if collection.opens_on is not None and collection.opens_on > collection.closes_on:
        collection.opens_on = collection.closes_on
    collection.closed_at = utcnow()
    db.session.flush()
    record("collection.close", actor=actor, obj=collection, detail=f"{before} -> {_dates(collection)}")


def change_dates(collection: Collection, *, opens_on: date | None, closes_on: date | None, actor) -> None:
    _check_dates(opens_on, closes_on)
    before = _dates(collection)
    collection.opens_on, collection.closes_on = opens_on, closes_on
    collection.closed_at = None  # new dates replace a closing by hand
    db.session.flush()
    record("collection.dates", actor=actor, obj=collection, detail=f"{before} -> {_dates(collection)}")


def _dates(collection: Collection) -> str:
    closed = " closed by hand" if collection.closed_at else ""
    return f"{collection.opens_on or '-'}..{collection.closes_on or '-'}{closed}"

