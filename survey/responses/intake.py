"""The one intake: every response, from the respondent's pages, the JSON API or an offline queue,
is accepted here or refused with a reason.

The rule, in order: the collection must take answers on the day the response was answered (and
still today, or within the grace period after closing, for a tablet that was offline at the
event); the answers must pass the one validator; a client id is stored once. A re-send with the
same content is acknowledged again; the same client id with different content is a conflict: it
never overwrites what is stored, and is counted on the collection (`conflicting_resends`).

`accept` adds and flushes; the caller commits, so an audit record or a counter written alongside
lands in the same transaction.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..clock import local_date, local_today, to_minute
from ..extensions import db
from ..fieldwork.models import Collection, CollectionState
from ..questionnaires.models import QuestionnaireVersion
from ..questionnaires.answers import check_answers
from ..questionnaires.errors import AnswerError
from .models import Response
from .writer import take_write_turn


@dataclass(frozen=True)
class Submission:
    client_id: str
    language: str
    channel: str
    answers: dict[str, Any]
    started_at: datetime | None
    submitted_at: datetime
    # the version number the respondent answered (an offline queue may outlive a publish); None: current
    questionnaire_version: int | None = None


class Outcome(enum.StrEnum):
    STORED = "stored"            # new: 201
    REPEAT = "repeat"            # stored before with the same content: 200
    CONFLICT = "conflict"        # stored before with other content: 409, nothing changed
    NOT_OPEN = "not_open"        # closed, or not yet open: 410
    INVALID = "invalid"          # answers refused: 422, nothing stored


@dataclass
class IntakeResult:
    outcome: Outcome
    state: CollectionState
    errors: dict[str, AnswerError] = field(default_factory=dict)


def accept(collection: Collection, submission: Submission, now: datetime, *, tz: str, grace_days: int) -> IntakeResult:
    today = local_today(tz)
    # a device clock ahead of ours must not let a response count as answered tomorrow
    answered_on = min(local_date(submission.submitted_at, tz), today)
    if not collection.accepts(answered_on, today, grace_days):
        return IntakeResult(Outcome.NOT_OPEN, collection.state_on(today))
    version = answered_version(collection, submission.questionnaire_version) or collection.version
    checked = check_answers(version.parsed, submission.answers)
    if not checked.ok:
        return IntakeResult(Outcome.INVALID, CollectionState.OPEN, checked.errors)
    # one statement: the results' tallies count it later (pending_tally, survey/results/tallies.py)
    outcome = store_once(collection, version, submission, checked.answers, now)
    return IntakeResult(outcome, collection.state_on(today))


def answered_version(collection: Collection, number: int | None) -> QuestionnaireVersion | None:
    """The version of the collection's questionnaire with this number (None when there is none).

    A tablet that queued answers to version 3 sends them after version 4 was published: they are
    checked against, and stored as answers to, the version the respondent saw.
    """
    if number is None:
        return None
    if number == collection.version.number:
        return collection.version
    return db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == collection.version.questionnaire_id,
        QuestionnaireVersion.number == number))


def store_once(collection: Collection, version: QuestionnaireVersion, submission: Submission, answers: dict,
               now: datetime) -> Outcome:
    """Insert unless (collection, client id) is stored already; one statement, no race.

    The unique constraint decides, so two workers (or two hosts) receiving the same re-send at
    once store it once; ON CONFLICT DO NOTHING keeps the transaction usable either way.
    """
    values = dict(collection_id=collection.id, questionnaire_version_id=version.id,
                  client_id=submission.client_id, language=submission.language, channel=submission.channel,
                  answers=answers,
                  started_at=to_minute(submission.started_at) if submission.started_at else None,
                  submitted_at=to_minute(min(submission.submitted_at, now)))
    insert_once, find_stored = _statements(db.session.get_bind().dialect.name)
    take_write_turn(db.session)
    if db.session.execute(insert_once, values).first() is not None:
        return Outcome.STORED
    stored = db.session.execute(find_stored, values).one()
    if stored.answers == answers and stored.language == submission.language:
        return Outcome.REPEAT
    # counted in SQL, so two workers refusing conflicts at once both count
    db.session.execute(update(Collection).where(Collection.id == collection.id)
                       .values(conflicting_resends=Collection.conflicting_resends + 1))
    db.session.flush()
    return Outcome.CONFLICT


_TABLE = Response.__table__
_STATEMENTS: dict[str, tuple] = {}


def _statements(dialect_name: str) -> tuple:
    """The insert and the look-up, built once per dialect: SQLAlchemy then keeps their cache keys
    and compiled forms instead of rebuilding them on every submission (the hot path)."""
    if dialect_name not in _STATEMENTS:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        insert_once = (dialect.insert(_TABLE).on_conflict_do_nothing(index_elements=["collection_id", "client_id"])
                       .returning(_TABLE.c.id))
        find_stored = select(_TABLE.c.answers, _TABLE.c.language).where(
            _TABLE.c.collection_id == bindparam("collection_id"), _TABLE.c.client_id == bindparam("client_id"))
        _STATEMENTS[dialect_name] = (insert_once, find_stored)
    return _STATEMENTS[dialect_name]
