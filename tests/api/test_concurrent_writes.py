"""Submissions from many threads of one worker at once: each stored once, none lost, none stuck.

On SQLite a worker's threads take turns writing on a Python lock (survey/responses/writer.py);
the turn must be given back however the transaction ends."""
from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from survey.responses import writer

from conftest import VALID_ANSWERS


def test_threads_of_one_worker_store_every_response_once(app, make_collection):
    make_collection()
    ids = [uuid.uuid4().hex for _ in range(40)]
    replies: list[int] = []
    start = threading.Barrier(8)

    def tablet(mine: list[str]) -> None:
        client = app.test_client()
        start.wait()
        for client_id in mine + mine[:2]:          # the first two again: a lost acknowledgement
            reply = client.post("/api/v1/collections/summer/responses", json={
                "client_id": client_id, "language": "sv", "channel": "tablet", "answers": dict(VALID_ANSWERS)})
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
