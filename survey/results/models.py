"""Running aggregates behind every results page, and who may see which collection.

Nothing here is per person: the tallies hold sums per (collection, day), (collection, language,
channel) and (collection, indicator, year, gender) cell, so the overview and the yearly report read a few
hundred rows whatever the number of stored responses. `flask results rebuild` recomputes every
tally from the stored responses (after an indicator changes); journey starts cannot be rebuilt,
they exist only as these counters.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class JourneyStart(db.Model):
    """How many respondents began on the respondent's pages, per collection and local day."""
    __tablename__ = "journey_start"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(db.Date, primary_key=True)
    started: Mapped[int] = mapped_column(default=0)


class ResponseTally(db.Model):
    """Stored responses per collection and local day of sending (today's count, the timeline)."""
    __tablename__ = "response_tally"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(db.Date, primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)


class ResponseMix(db.Model):
    """Stored responses per collection, language and channel (kept apart from the days, so that
    the overview reads a few hundred rows rather than collections × days × languages × channels)."""
    __tablename__ = "response_mix"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(db.String(8), primary_key=True)
    channel: Mapped[str] = mapped_column(db.String(10), primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)


class IndicatorTally(db.Model):
    """n, sum and sum of squares of one indicator's values per collection, year and gender group."""
    __tablename__ = "indicator_tally"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    indicator: Mapped[str] = mapped_column(db.String(63), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    gender: Mapped[str] = mapped_column(db.String(10), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
    total: Mapped[float] = mapped_column(db.Float, default=0.0)
    total_sq: Mapped[float] = mapped_column(db.Float, default=0.0)


class AnswerTally(db.Model):
    """How often each value of the event-feedback item was chosen, per collection."""
    __tablename__ = "answer_tally"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    var: Mapped[str] = mapped_column(db.String(63), primary_key=True)
    value: Mapped[str] = mapped_column(db.String(20), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class PartnerScope(db.Model):
    """The collections a partner may see results of; partners see nothing else."""
    __tablename__ = "partner_scope"
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)


class PublicResults(db.Model):
    """A collection whose results page for participants is switched on (shown once it has closed)."""
    __tablename__ = "public_results"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
