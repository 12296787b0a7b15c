"""Stored responses. No name, IP address or user agent is ever stored."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..fieldwork.models import Collection
from ..questionnaires.models import QuestionnaireVersion


class Response(db.Model):
    """One submitted questionnaire, stored once per (collection, client id)."""

    __table_args__ = (
        UniqueConstraint("collection_id", "client_id"),
        # the few responses the results' tallies have not counted yet (survey/results/tallies.py, catch_up)
        Index("ix_response_pending_tally", "id", sqlite_where=text("pending_tally"),
              postgresql_where=text("pending_tally")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # no index of its own: the unique (collection_id, client_id) index serves look-ups by collection
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    client_id: Mapped[str] = mapped_column(db.String(64))
    language: Mapped[str] = mapped_column(db.String(8))
    channel: Mapped[str] = mapped_column(db.String(10))
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)   # minute precision
    submitted_at: Mapped[datetime]                                      # minute precision
    answers: Mapped[dict] = mapped_column(db.JSON)
    # True from storing until the results' tallies count it: counting is not on the submission's path
    pending_tally: Mapped[bool] = mapped_column(default=True, server_default=false())
    collection: Mapped[Collection] = relationship()
    version: Mapped[QuestionnaireVersion] = relationship()
