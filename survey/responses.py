"""Storing a response: one transaction, once per client id, whatever path it came by."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Collection, Response


def to_minute(moment: datetime) -> datetime:
    """UTC, naive, to the minute: finer timestamps could help single a respondent out."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(second=0, microsecond=0)


def store_response(collection: Collection, *, client_id: str, language: str, channel: str,
                   answers: dict, started_at: datetime | None, submitted_at: datetime) -> tuple[Response, bool]:
    """Store checked answers; returns (response, created). A repeated client id returns the stored one.

    The unique constraint on (collection, client id) is what makes a re-sent queue safe even when
    two workers receive the same response at once.
    """
    existing = _find(collection, client_id)
    if existing is not None:
        return existing, False
    response = Response(collection_id=collection.id, questionnaire_version_id=collection.questionnaire_version_id,
                        client_id=client_id, language=language, channel=channel, answers=answers,
                        started_at=to_minute(started_at) if started_at else None,
                        submitted_at=to_minute(submitted_at))
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _find(collection, client_id)
        if existing is None:
            raise
        return existing, False
    return response, True


def _find(collection: Collection, client_id: str) -> Response | None:
    return db.session.scalar(select(Response).where(Response.collection_id == collection.id,
                                                    Response.client_id == client_id))
