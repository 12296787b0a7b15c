"""Loading definitions into the database as versions, without ever changing what a response answered.

Operations add and flush; the command that calls them commits."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from .definition import Definition
from .models import Questionnaire, QuestionnaireVersion


@dataclass
class LoadOutcome:
    form_id: str
    action: str      # "new", "unchanged", "updated", "new version"
    version: QuestionnaireVersion


def version_has_responses(version: QuestionnaireVersion) -> bool:
    from ..responses.models import Response  # responses depend on versions, not the other way round
    return db.session.scalar(select(func.count(Response.id)).where(
        Response.questionnaire_version_id == version.id)) > 0


def store_definition(definition: Definition) -> LoadOutcome:
    """Store a checked definition.

    Unchanged content is a no-op. Changed content replaces the latest version while nobody has
    answered it yet; once it has responses the version is frozen and the change becomes a new
    version, so older responses keep pointing to exactly what they answered.
    """
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.form_id == definition.id))
    if questionnaire is None:
        questionnaire = Questionnaire(form_id=definition.id)
        db.session.add(questionnaire)
    latest = questionnaire.latest
    if latest is not None and latest.content_hash == definition.content_hash:
        return LoadOutcome(definition.id, "unchanged", latest)
    if latest is not None and not version_has_responses(latest):
        latest.definition = definition.data
        latest.content_hash = definition.content_hash
        latest.label = definition.version
        db.session.flush()
        return LoadOutcome(definition.id, "updated", latest)
    version = QuestionnaireVersion(
        questionnaire=questionnaire, number=(latest.number + 1 if latest else 1),
        label=definition.version, content_hash=definition.content_hash, definition=definition.data)
    db.session.add(version)
    db.session.flush()
    return LoadOutcome(definition.id, "new version" if latest else "new", version)


def latest_version(form_id: str) -> QuestionnaireVersion | None:
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.form_id == form_id))
    return questionnaire.latest if questionnaire else None
