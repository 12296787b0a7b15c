"""Submissions from many threads and processes at once: each stored once, none lost, none stuck.

On SQLite writers take turns (survey/responses/writer.py): a worker's threads on a Python lock,
the workers on an flock of a file beside the database; the turn must be given back however the
transaction ends. The live intake stores a response in a transaction of its own."""
from __future__ import annotations

import dataclasses
import fcntl
import json
import multiprocessing
import os
import threading
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import Text, cast, func, select

from survey import stored_json
from survey.extensions import db
from survey.models import Response
from survey.responses import writer
from survey.responses.intake import Outcome, Submission, accept, store_once


def sqlite_only():
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("the write turn is SQLite's")


def test_threads_of_one_worker_store_every_response_once(app, make_collection, valid_answers):
    make_collection()
    ids = [uuid.uuid4().hex for _ in range(40)]
    replies: list[int] = []
    start = threading.Barrier(8)

    def tablet(mine: list[str]) -> None:
        client = app.test_client()
        start.wait()
        for client_id in mine + mine[:2]:          # the first two again: a lost acknowledgement
            reply = client.post("/api/v1/collections/summer/responses", json={
                "client_id": client_id, "language": "sv", "channel": "tablet", "answers": dict(valid_answers)})
            replies.append(reply.status_code)

    threads = [threading.Thread(target=tablet, args=(ids[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(set(replies)) == [200, 201] and replies.count(201) == 40 and replies.count(200) == 16
    assert db.session.scalar(select(func.count(Response.id))) == 40
    assert not writer._TURN.locked()


def test_the_write_turn_is_given_back_on_commit_and_on_rollback(app, make_collection, submit):
    make_collection()
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    writer.take_write_turn(db.session)
    assert writer._TURN.locked() is sqlite
    db.session.commit()
    assert not writer._TURN.locked()
    writer.take_write_turn(db.session)
    writer.take_write_turn(db.session)          # the same transaction asks again: no second wait
    db.session.rollback()
    assert not writer._TURN.locked()
    assert submit().status_code == 201          # a failed request's teardown gives it back too
    assert not writer._TURN.locked()


def _lock_is_free(path: str, answer) -> None:
    # another process, as a second gunicorn worker is
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        answer.put(True)
    except BlockingIOError:
        answer.put(False)
    finally:
        os.close(descriptor)


def another_process_could_write(path: str) -> bool:
    context = multiprocessing.get_context("fork")
    answer = context.Queue()
    process = context.Process(target=_lock_is_free, args=(path, answer))
    process.start()
    process.join(timeout=30)
    return answer.get(timeout=5)


def test_other_processes_wait_for_the_turn_until_the_transaction_ends(app, make_collection):
    sqlite_only()
    make_collection()
    path = writer.lock_path(db.engine.url.database)
    writer.take_write_turn(db.session)
    assert os.path.exists(path) and not another_process_could_write(path)
    db.session.commit()
    assert another_process_could_write(path)
    writer.take_write_turn(db.session)
    db.session.rollback()
    assert another_process_could_write(path)


def test_no_lock_file_for_a_database_in_memory():
    assert writer.lock_path(None) is None and writer.lock_path(":memory:") is None
    assert writer.lock_path("instance/survey.db").endswith("instance/survey.db-writer.lock")


def submission(answers: dict, client_id: str | None = None, language: str = "sv") -> Submission:
    now = datetime.now(timezone.utc)
    return Submission(client_id or uuid.uuid4().hex, language, "tablet", answers, now, now)


def stored_rows() -> list[tuple]:
    db.session.expire_all()
    return [(r.client_id, r.language, r.channel, r.answers, r.started_at, r.submitted_at, r.pending_tally,
             r.questionnaire_version_id) for r in db.session.scalars(select(Response).order_by(Response.id))]


def test_the_live_insert_stores_the_same_row_as_the_orm_and_commits_it_at_once(app, make_collection, valid_answers):
    collection = make_collection()
    config = dict(tz=app.config["TIMEZONE"], grace_days=0)
    together = submission(valid_answers, "together")
    live = dataclasses.replace(together, client_id="live")
    assert accept(collection, live, live.submitted_at, **config).outcome is Outcome.STORED
    db.session.rollback()                      # the caller's transaction has nothing of it: it is committed
    assert store_once(collection, collection.version, together, together.answers, together.submitted_at) is Outcome.STORED
    db.session.commit()
    first, second = stored_rows()
    assert first[1:] == second[1:] and first[6] is True      # pending for the results' tallies
    # the answers' stored JSON text too, byte for byte (PostgreSQL's JSON type keeps the text as sent)
    live_text, orm_text = db.session.scalars(select(cast(Response.answers, Text)).order_by(Response.id)).all()
    assert live_text == orm_text
    # written by the engine's serializer (survey/stored_json.py): compact, not json.dumps' ", " and ": "
    assert orm_text == stored_json.dumps(json.loads(orm_text))
    # the same again: acknowledged; other answers under the same id: a conflict, counted, nothing changed
    assert accept(collection, live, live.submitted_at, **config).outcome is Outcome.REPEAT
    other = dataclasses.replace(live, answers={**valid_answers, "gender": 2})
    assert accept(collection, other, live.submitted_at, **config).outcome is Outcome.CONFLICT
    db.session.commit()
    assert stored_rows()[0] == first and collection.conflicting_resends == 1


def test_a_caller_that_already_writes_gets_its_response_in_its_own_transaction(app, make_collection, valid_answers):
    sqlite_only()    # on PostgreSQL a second connection does not wait for the first
    collection = make_collection()
    writer.take_write_turn(db.session)         # as a command that wrote before would hold it
    answered = submission(valid_answers)
    result = accept(collection, answered, answered.submitted_at, tz=app.config["TIMEZONE"], grace_days=0)
    assert result.outcome is Outcome.STORED
    db.session.rollback()                      # stored with the caller's transaction: gone with it
    assert stored_rows() == []


@pytest.mark.parametrize("moment", [datetime(2026, 6, 20, 14, 5), datetime(999, 1, 2, 3, 4, 5, 6),
                                    datetime(2026, 12, 31, 23, 59, 59, 999999),
                                    datetime(2026, 6, 20, 14, 5, tzinfo=timezone.utc)])
def test_the_live_insert_writes_sqlite_times_as_the_orm_does(moment):
    from sqlalchemy.dialects import sqlite
    dialect = sqlite.dialect()
    orm = Response.__table__.c.submitted_at.type.dialect_impl(dialect).bind_processor(dialect)
    assert writer.PreparedInsert(dialect).convert["submitted_at"](moment) == orm(moment)
