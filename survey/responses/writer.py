"""One SQLite writer per process at a time, queued in Python rather than in SQLite's busy handler.

SQLite lets one connection write at a time. A second writer waits in its busy handler, which
sleeps and retries (1, 2, 5, 10 ... 100 ms) instead of being woken when the lock is free: with
gunicorn's threads, submissions in one worker queued that way and the slowest waited over a
second (benchmarks/README.md). Threads of one process take turns on a Python lock instead, handed
over at once; only the workers' own turns still meet in SQLite. PostgreSQL needs none of this.
"""
from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

_TURN = threading.Lock()
_KEY = "sqlite_write_turn"
WAIT_SECONDS = 5   # as the busy timeout: past it, SQLite's own waiting decides


def take_write_turn(session: Session) -> None:
    """Before the first write of a transaction on SQLite; given back when the transaction ends."""
    if _KEY in session.info:
        return
    # begin the session's transaction first: the end of that transaction gives the turn back
    if session.connection().dialect.name != "sqlite":
        return
    if _TURN.acquire(timeout=WAIT_SECONDS):
        session.info[_KEY] = True


@event.listens_for(Session, "after_transaction_end")
def _give_back(session: Session, transaction) -> None:
    if transaction.parent is None and session.info.pop(_KEY, None):
        _TURN.release()
