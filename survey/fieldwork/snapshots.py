"""Read-only snapshots of a collection for the respondent's path and the API: one Core query, no ORM.

A submission is the hot path: building ORM objects for a collection and its version cost more
than validating and storing the answers (profiled with pyinstrument; benchmarks/README.md).
A snapshot carries every column of the collection row, so a column added later is there too,
and the same rules as the model (state_on, accepts, response_channels). Anything that changes a
collection loads the model instead.

The row read is kept per process for COLLECTION_SNAPSHOT_SECONDS (a tablet flushing its queue
sends hundreds of responses to one collection, and the query was a tenth of each submission's
time). A change made in this process (staff pages, kiosk set-up) forgets it at once, through the
session's flush; a change made by another worker, host or command reaches each process within
that many seconds. Nothing turns on a few seconds here: an intake that sees a collection as open
for two more seconds takes what a tablet may send within the grace days anyway.
"""
from __future__ import annotations

import time
from types import FunctionType, MethodType
from typing import Any, Callable, Mapping

from flask import current_app
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from ..extensions import db
from ..questionnaires.models import Questionnaire, QuestionnaireVersion, parsed_definition
from .models import Collection

_COLLECTION = Collection.__table__
_VERSION = QuestionnaireVersion.__table__
_QUESTIONNAIRE = Questionnaire.__table__
_COLUMNS = (*_COLLECTION.columns, _VERSION.c.number.label("version_number"),
            _VERSION.c.content_hash.label("version_content_hash"),
            _VERSION.c.questionnaire_id.label("version_questionnaire_id"), _QUESTIONNAIRE.c.form_id.label("form_id"))
# Written once as typed text: SQLAlchemy then neither rebuilds a cache key for a many-column select
# nor runs ORM compilation on every request, and still converts dates and JSON as the model does.
_BY_SLUG = text(
    f"SELECT {', '.join(f'collection.{c.name}' for c in _COLLECTION.columns)}, "
    "questionnaire_version.number AS version_number, questionnaire_version.content_hash AS version_content_hash, "
    "questionnaire_version.questionnaire_id AS version_questionnaire_id, questionnaire.form_id AS form_id "
    "FROM collection JOIN questionnaire_version ON questionnaire_version.id = collection.questionnaire_version_id "
    "JOIN questionnaire ON questionnaire.id = questionnaire_version.questionnaire_id "
    "WHERE collection.slug = :slug").columns(*_COLUMNS)


class QuestionnaireView:
    __slots__ = ("id", "form_id")

    def __init__(self, questionnaire_id: int, form_id: str):
        self.id, self.form_id = questionnaire_id, form_id


class VersionView:
    """The questionnaire version a collection shows: its id, number, questionnaire and parsed definition."""
    __slots__ = ("id", "number", "content_hash", "questionnaire_id", "questionnaire")

    def __init__(self, version_id: int, number: int, content_hash: str, questionnaire: QuestionnaireView):
        self.id, self.number, self.content_hash = version_id, number, content_hash
        self.questionnaire_id, self.questionnaire = questionnaire.id, questionnaire

    @property
    def parsed(self):
        return parsed_definition(self.id, self.content_hash, self._definition_json)

    def _definition_json(self) -> dict:
        return db.session.scalar(select(QuestionnaireVersion.definition).where(QuestionnaireVersion.id == self.id))


class CollectionView:
    """A collection row as it was read for this request."""
    __slots__ = ("_row", "version")

    def __init__(self, row: Mapping[str, Any]):
        self._row = row
        self.version = VersionView(row["questionnaire_version_id"], row["version_number"], row["version_content_hash"],
                                   QuestionnaireView(row["version_questionnaire_id"], row["form_id"]))

    def __getattr__(self, name: str) -> Any:
        if name in self._row:
            return self._row[name]
        # the model's own rules (state_on, accepts, response_channels...), run on this row: never a copy
        rule = Collection.__dict__.get(name)
        if isinstance(rule, property):
            return rule.fget(self)
        if isinstance(rule, FunctionType):
            return MethodType(rule, self)
        raise AttributeError(name)


class SnapshotCache:
    """Rows by slug, each kept `seconds` after it was read (a missing collection is not kept)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds, self.clock = seconds, clock
        self._rows: dict[str, tuple[float, Mapping[str, Any]]] = {}

    def get(self, slug: str, read: Callable[[str], Mapping[str, Any] | None]) -> Mapping[str, Any] | None:
        kept = self._rows.get(slug)
        now = self.clock()
        if kept is not None and now < kept[0]:
            return kept[1]
        row = read(slug)
        if row is not None and self.seconds > 0:
            self._rows[slug] = (now + self.seconds, row)
        else:
            self._rows.pop(slug, None)
        return row

    def clear(self) -> None:
        self._rows.clear()


EXTENSION = "collection_snapshots"


def init_app(app) -> None:
    app.extensions[EXTENSION] = SnapshotCache(float(app.config.get("COLLECTION_SNAPSHOT_SECONDS", 2)))


def _read(slug: str) -> Mapping[str, Any] | None:
    row = db.session.execute(_BY_SLUG, {"slug": slug}).mappings().first()
    return dict(row) if row is not None else None    # a dict answers `name in row` faster, on every request


def collection_view(slug: str) -> CollectionView | None:
    cache = current_app.extensions.get(EXTENSION)
    row = cache.get(slug, _read) if cache is not None else _read(slug)
    return CollectionView(row) if row is not None else None


_WATCHED = (Collection, QuestionnaireVersion, Questionnaire)


@event.listens_for(Session, "after_flush")
def _forget_changed_collections(session, _flush_context) -> None:
    """A collection (or its questionnaire) changed through the ORM in this process: forget every
    kept row, so this worker's next request reads it anew (before the commit, too: harmless)."""
    if any(isinstance(obj, _WATCHED) for obj in (*session.new, *session.dirty, *session.deleted)):
        cache = current_app.extensions.get(EXTENSION) if current_app else None
        if cache is not None:
            cache.clear()
