"""Collections: a questionnaire version put in front of people at an activity, for one wave."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..questionnaires.models import QuestionnaireVersion

AUDIENCES = ("child", "youth", "parent", "any")
CHANNELS = ("tablet", "link")
COLLECTION_CHANNELS = ("tablet", "link", "both")
WAVES = ("baseline", "follow-up", "yearly", "event")


class CollectionState(enum.StrEnum):
    """Where a collection stands on a local calendar day."""
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


class Collection(db.Model):
    __table_args__ = (
        CheckConstraint(f"audience IN {AUDIENCES}", name="audience"),
        CheckConstraint(f"channel IN {COLLECTION_CHANNELS}", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(63), unique=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    audience: Mapped[str] = mapped_column(db.String(10))
    activity: Mapped[str] = mapped_column(db.String(200))
    wave: Mapped[str] = mapped_column(db.String(40))
    opens_on: Mapped[date | None] = mapped_column(db.Date, nullable=True)
    closes_on: Mapped[date | None] = mapped_column(db.Date, nullable=True)
    languages: Mapped[list] = mapped_column(db.JSON)
    channel: Mapped[str] = mapped_column(db.String(10))
    guardian_consent: Mapped[bool] = mapped_column(default=False)
    # days raw responses are kept after closes_on; None: the server's RETENTION_DEFAULT_DAYS
    retention_days: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[QuestionnaireVersion] = relationship()

    def state_on(self, day: date) -> CollectionState:
        """The state on a local calendar day; a collection closes at the end of `closes_on`."""
        return collection_state(self.opens_on, self.closes_on, day)

    def accepts(self, answered_on: date, today: date, grace_days: int) -> bool:
        """Whether a response answered on `answered_on` is taken today: while open, and up to
        `grace_days` after closing for one answered while open (a tablet offline at the event)."""
        return accepts_answers(self.opens_on, self.closes_on, answered_on, today, grace_days)

    @property
    def response_channels(self) -> tuple[str, ...]:
        """The channels a response may arrive by; the last is the default (a link, when both are allowed)."""
        return response_channels(self.channel)


def collection_state(opens_on: date | None, closes_on: date | None, day: date) -> CollectionState:
    if opens_on and day < opens_on:
        return CollectionState.NOT_YET_OPEN
    if closes_on and day > closes_on:
        return CollectionState.CLOSED
    return CollectionState.OPEN


def accepts_answers(opens_on: date | None, closes_on: date | None, answered_on: date, today: date,
                    grace_days: int) -> bool:
    if collection_state(opens_on, closes_on, answered_on) is not CollectionState.OPEN:
        return False
    return collection_state(opens_on, closes_on, today) is CollectionState.OPEN or (
        closes_on is not None and today <= closes_on + timedelta(days=grace_days))


def response_channels(channel: str) -> tuple[str, ...]:
    return CHANNELS if channel == "both" else (channel,)
