"""Database tables: questionnaires and their frozen versions, collections, responses, staff users.

Constraints live in the schema (unique client id per collection, foreign keys, not-null), so a
bug in Python cannot store a duplicate or an orphan.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .questionnaires.definition import Definition

AUDIENCES = ("child", "youth", "parent", "any")
CHANNELS = ("tablet", "link")
COLLECTION_CHANNELS = ("tablet", "link", "both")
ROLES = ("admin", "coordinator", "researcher", "partner")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


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
        key = (self.id, self.content_hash)
        if key not in _PARSED:
            _PARSED[key] = Definition(self.definition)
        return _PARSED[key]


_PARSED: dict[tuple[int, str], Definition] = {}


class Collection(db.Model):
    """A questionnaire version put in front of people at an activity, for one wave."""

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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[QuestionnaireVersion] = relationship()

    @property
    def response_channels(self) -> tuple[str, ...]:
        """The channels a response may arrive by; the last is the default (a link, when both are allowed)."""
        return CHANNELS if self.channel == "both" else (self.channel,)


class Response(db.Model):
    """One submitted questionnaire. No name, IP address or user agent is ever stored."""

    __table_args__ = (UniqueConstraint("collection_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    client_id: Mapped[str] = mapped_column(db.String(64))
    language: Mapped[str] = mapped_column(db.String(8))
    channel: Mapped[str] = mapped_column(db.String(10))
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)   # minute precision
    submitted_at: Mapped[datetime]                                      # minute precision
    answers: Mapped[dict] = mapped_column(db.JSON)
    collection: Mapped[Collection] = relationship()
    version: Mapped[QuestionnaireVersion] = relationship()


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(db.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    role: Mapped[str] = mapped_column(db.String(20))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
