"""Questionnaires and their frozen versions in the database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .definition import Definition


class Questionnaire(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(db.String(63), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number")

    @property
    def latest(self) -> QuestionnaireVersion | None:
        return self.versions[-1] if self.versions else None


class QuestionnaireVersion(db.Model):
    """A definition as it was loaded. Once it has responses it never changes: a changed file becomes a new version."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("questionnaire_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"))
    number: Mapped[int]
    label: Mapped[str] = mapped_column(db.String(20))
    content_hash: Mapped[str] = mapped_column(db.String(64))
    # Deferred: up to ~120 KB of JSON, needed only when this process has not parsed the version yet.
    definition: Mapped[dict] = mapped_column(db.JSON, deferred=True)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")

    @property
    def parsed(self) -> Definition:
        """The definition object, built once per process for each (version, content)."""
        return parsed_definition(self.id, self.content_hash, lambda: self.definition)


_PARSED: dict[tuple[int, str], Definition] = {}


def parsed_definition(version_id: int, content_hash: str, load_json) -> Definition:
    """The parsed definition of a version, kept per process: `load_json` runs only the first time."""
    key = (version_id, content_hash)
    if key not in _PARSED:
        _PARSED[key] = Definition(load_json())
    return _PARSED[key]
