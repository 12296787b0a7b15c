"""The one intake: every response, from the respondent's pages, the JSON API or an offline queue,
is accepted here or refused with a reason.

The rule, in order: the collection must take answers on the day the response was answered (and
still today, or within the grace period after closing, for a tablet that was offline at the
event); the answers must pass the one validator; a client id is stored once. A re-send with the
same content is acknowledged again; the same client id with different content is a conflict: it
never overwrites what is stored, and is counted on the collection (`conflicting_resends`).

`accept` stores a new response in a transaction of its own, committed before it returns: on
SQLite the write lock is then held only for the driver's insert and commit (survey/responses/
writer.py, `store_now`). What else it writes (a conflict's counter) goes into the caller's session,
which the caller commits. `store_once` stores within the caller's transaction instead, for
commands that create a collection and its responses together.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ..clock import local_date, local_today, to_minute
from ..extensions import db
from ..fieldwork.models import Collection, CollectionState
from ..questionnaires.models import QuestionnaireVersion
from ..questionnaires.answers import check_answers
from ..questionnaires.errors import AnswerError
from .writer import holds_write_turn, statements, store_now, take_write_turn


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
    # the collection's state when it refused the response (NOT_OPEN); None when it took it
    state: CollectionState | None = None
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
        return IntakeResult(Outcome.INVALID, errors=checked.errors)
    # one statement: the results' tallies count it later (pending_tally, survey/results/tallies.py)
    if _has_written():
        # a second connection would wait for this transaction's write lock: store within it
        outcome = store_once(collection, version, submission, checked.answers, now)
    else:
        values = _values(collection, version, submission, checked.answers, now)
        outcome = _outcome(collection, submission, checked.answers, store_now(db.engine, values))
    return IntakeResult(outcome)


def _has_written() -> bool:
    # writers on SQLite take the turn first (take_write_turn); none of the callers writes before
    # accept today, but one that did would otherwise wait for itself until the busy timeout.
    # Asked without making the request's session: on the API nothing else needs one.
    return db.session.registry.has() and holds_write_turn(db.session())


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
    """Insert unless (collection, client id) is stored already, in the caller's transaction.

    The unique constraint decides, so two workers (or two hosts) receiving the same re-send at
    once store it once; ON CONFLICT DO NOTHING keeps the transaction usable either way.
    """
    values = _values(collection, version, submission, answers, now)
    insert_once, find_stored = statements(db.session.get_bind().dialect.name)
    take_write_turn(db.session)
    stored = None
    if db.session.execute(insert_once, values).first() is None:
        stored = tuple(db.session.execute(find_stored, values).one())
    return _outcome(collection, submission, answers, stored)


def _values(collection: Collection, version: QuestionnaireVersion, submission: Submission, answers: dict,
            now: datetime) -> dict:
    return dict(collection_id=collection.id, questionnaire_version_id=version.id,
                client_id=submission.client_id, language=submission.language, channel=submission.channel,
                answers=answers,
                started_at=to_minute(submission.started_at) if submission.started_at else None,
                submitted_at=to_minute(min(submission.submitted_at, now)))


def _outcome(collection: Collection, submission: Submission, answers: dict, stored: tuple | None) -> Outcome:
    """STORED when nothing was stored under the client id before; else what was stored decides."""
    if stored is None:
        return Outcome.STORED
    stored_answers, stored_language = stored
    if stored_answers == answers and stored_language == submission.language:
        return Outcome.REPEAT
    take_write_turn(db.session)
    # counted in SQL, so two workers refusing conflicts at once both count
    db.session.execute(update(Collection).where(Collection.id == collection.id)
                       .values(conflicting_resends=Collection.conflicting_resends + 1))
    db.session.flush()
    return Outcome.CONFLICT
