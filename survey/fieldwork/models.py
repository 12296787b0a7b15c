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
    # True: respondents under 15 need an adult's recorded confirmation that guardians agreed
    guardian_consent: Mapped[bool] = mapped_column(default=False)
    # that confirmation, given by a signed-in coordinator (fieldwork.operations.confirm_guardian_consent)
    guardians_confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    guardians_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    # "close now": new respondents are turned away at once, while answers a tablet queued offline
    # earlier that day still arrive within the grace period (the dates decide those)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # days raw responses are kept after closes_on; None: the server's RETENTION_DEFAULT_DAYS
    retention_days: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # re-sends of a stored client id with other answers: refused (409), counted so staff see a
    # device whose client ids are not unique, or one that edits answers after sending
    conflicting_resends: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[QuestionnaireVersion] = relationship()
    guardians_confirmed_by = relationship("StaffUser")

    def state_on(self, day: date) -> CollectionState:
        """The state on a local calendar day; a collection closes at the end of `closes_on`, or
        at once when closed by hand on that day."""
        if self.closed_at is not None and self.closes_on is not None and day >= self.closes_on:
            return CollectionState.CLOSED
        return collection_state(self.opens_on, self.closes_on, day)

    @property
    def guardians_confirmed(self) -> bool:
        return self.guardians_confirmed_at is not None

    @property
    def offered_as_link(self) -> bool:
        """Whether the collection may have a public link, QR code and poster (never for children)."""
        return "link" in self.response_channels

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
