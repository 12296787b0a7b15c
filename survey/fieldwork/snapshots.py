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


def collection_view(slug: str) -> CollectionView | None:
    row = db.session.execute(_BY_SLUG, {"slug": slug}).mappings().first()
    return CollectionView(row) if row is not None else None
