"""Read-only snapshots of a collection for the respondent's path and the API: one Core query, no ORM.

A submission is the hot path: building ORM objects for a collection and its version cost more
than validating and storing the answers (profiled with pyinstrument; benchmarks/README.md).
A snapshot carries every column of the collection row, so a column added later is there too,
and the same rules as the model (state_on, accepts, response_channels). Anything that changes a
collection loads the model instead.
"""
from __future__ import annotations

from types import FunctionType, MethodType
from typing import Any, Mapping

from sqlalchemy import select, text

from ..extensions import db
from ..questionnaires.models import QuestionnaireVersion, parsed_definition
from .models import Collection

_COLLECTION = Collection.__table__
_VERSION = QuestionnaireVersion.__table__
_COLUMNS = (*_COLLECTION.columns, _VERSION.c.number.label("version_number"),
            _VERSION.c.content_hash.label("version_content_hash"))
# Written once as typed text: SQLAlchemy then neither rebuilds a cache key for a many-column select
# nor runs ORM compilation on every request, and still converts dates and JSON as the model does.
_BY_SLUG = text(
    f"SELECT {', '.join(f'collection.{c.name}' for c in _COLLECTION.columns)}, "
    "questionnaire_version.number AS version_number, questionnaire_version.content_hash AS version_content_hash "
    "FROM collection JOIN questionnaire_version ON questionnaire_version.id = collection.questionnaire_version_id "
    "WHERE collection.slug = :slug").columns(*_COLUMNS)


class VersionView:
    """The questionnaire version a collection shows: its id, number and parsed definition."""
    __slots__ = ("id", "number", "content_hash")

    def __init__(self, version_id: int, number: int, content_hash: str):
        self.id, self.number, self.content_hash = version_id, number, content_hash

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
        self.version = VersionView(row["questionnaire_version_id"], row["version_number"], row["version_content_hash"])

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


def collection_view(slug: str) -> CollectionView | None:
    row = db.session.execute(_BY_SLUG, {"slug": slug}).mappings().first()
    return CollectionView(row) if row is not None else None
