"""Writing a response: one SQLite writer at a time, and the live intake's insert kept short.

**Taking turns.** SQLite lets one connection write at a time. A second writer waits in its busy
handler, which sleeps and retries (1, 2, 5, 10 ... 100 ms) instead of being woken when the lock is
free. With gunicorn's threads, submissions in one worker queued that way and the slowest waited
over a second; with two workers, each meeting of the two in SQLite put a worker to sleep for a
millisecond or more (benchmarks/README.md). So a writer first takes its turn:

- among the threads of one process, on a Python lock;
- among processes (gunicorn's workers, or two servers on one machine), on an exclusive `flock`
  of a file beside the database, `<database>-writer.lock`. The kernel wakes the next waiter the
  moment the holder lets go, and lets go by itself when a process dies, so a killed worker never
  leaves the turn taken.

Writers that do not take a turn (a CLI command, a migration) are still safe: they meet the others
in SQLite's own locking, as before. PostgreSQL needs none of this.

**The live insert** (`store_now`). Whoever holds SQLite's write lock holds up every other
submission, and any Python run while holding it competes for the interpreter with the other
threads of the worker, so it stretches: with the ORM's commit after the insert, the lock was held
several times longer than the insert and its commit themselves. The live intake therefore
prepares the driver's SQL and parameters first and then, holding the turn, runs only the
driver's insert and commit, as the bare baseline does.
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, bindparam, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session

from .models import Response

try:
    import fcntl
except ImportError:     # not on Windows: there the processes meet in SQLite's busy handler
    fcntl = None

_TURN = threading.Lock()
_KEY = "sqlite_write_turn"
WAIT_SECONDS = 5   # as the busy timeout: past it, SQLite's own waiting decides
_lock_files: dict[tuple[int, str], int] = {}     # (process id, database path) -> open lock file
_NOT_TAKEN = object()


def lock_path(database: str | None) -> str | None:
    """The lock file beside a database file; None for an in-memory or URI-named database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return os.path.abspath(database) + "-writer.lock"


def _lock_file(database: str | None) -> int | None:
    path = lock_path(database)
    if path is None or fcntl is None:
        return None
    # opened once per process: after gunicorn forks, a worker must not share its parent's file
    key = (os.getpid(), path)
    if key not in _lock_files:
        _lock_files[key] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[key]


def _take(engine: Engine):
    """The turn for this engine's database: the lock file held (or None), or _NOT_TAKEN."""
    if engine.dialect.name != "sqlite" or not _TURN.acquire(timeout=WAIT_SECONDS):
        return _NOT_TAKEN
    try:
        lock_file = _lock_file(engine.url.database)
        if lock_file is not None:
            # no time limit needed: the holder lets go when its transaction ends, and SQLite's
            # busy timeout bounds how long that transaction can wait for a writer outside the queue
            fcntl.flock(lock_file, fcntl.LOCK_EX)
    except BaseException:
        _TURN.release()
        raise
    return lock_file


def _give(taken) -> None:
    if taken is _NOT_TAKEN:
        return
    try:
        if taken is not None:
            fcntl.flock(taken, fcntl.LOCK_UN)
    finally:
        _TURN.release()


@contextlib.contextmanager
def write_turn(engine: Engine):
    taken = _take(engine)
    try:
        yield
    finally:
        _give(taken)


def take_write_turn(session: Session) -> None:
    """Before the first write of a session's transaction on SQLite; given back when it ends."""
    if _KEY in session.info:
        return
    # begin the session's transaction first: the end of that transaction gives the turn back
    taken = _take(session.connection().engine)
    if taken is not _NOT_TAKEN:
        session.info[_KEY] = taken


def holds_write_turn(session: Session) -> bool:
    return _KEY in session.info


@event.listens_for(Session, "after_transaction_end")
def _give_back(session: Session, transaction) -> None:
    if transaction.parent is None and _KEY in session.info:
        _give(session.info.pop(_KEY))


# --- the live insert -------------------------------------------------------------------------

_TABLE = Response.__table__
COLUMNS = ("collection_id", "questionnaire_version_id", "client_id", "language", "channel",
           "started_at", "submitted_at", "answers", "pending_tally")
KEY_COLUMNS = ("collection_id", "client_id")


@dataclass(frozen=True)
class _Statement:
    sql: str
    order: tuple[str, ...] | None       # the parameters' order for a positional driver (SQLite)

    @classmethod
    def compiled(cls, statement, dialect: Dialect, keys) -> "_Statement":
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        return cls(compiled.string, tuple(compiled.positiontup) if compiled.positional else None)

    def parameters(self, values: dict[str, Any]):
        return tuple(values[name] for name in self.order) if self.order is not None else values


_STATEMENTS: dict[str, tuple] = {}


def statements(dialect_name: str) -> tuple:
    """The insert-once (ON CONFLICT DO NOTHING, returning the new id) and the look-up of what is
    stored under a client id, built once per dialect: SQLAlchemy then keeps their cache keys and
    compiled forms instead of rebuilding them on every submission."""
    if dialect_name not in _STATEMENTS:
        module = postgresql if dialect_name == "postgresql" else sqlite
        insert = (module.insert(_TABLE).on_conflict_do_nothing(index_elements=list(KEY_COLUMNS))
                  .returning(_TABLE.c.id))
        find = select(_TABLE.c.answers, _TABLE.c.language).where(
            *(_TABLE.c[name] == bindparam(name) for name in KEY_COLUMNS))
        _STATEMENTS[dialect_name] = (insert, find)
    return _STATEMENTS[dialect_name]


class PreparedInsert:
    """The insert-once and its look-up as the driver's own SQL, compiled once per dialect, with the
    columns' own conversions (JSON text, SQLite's date format) so the stored row is the same as the
    ORM's."""

    def __init__(self, dialect: Dialect):
        _, find = statements(dialect.name)
        module = postgresql if dialect.name == "postgresql" else sqlite
        # no RETURNING (`inline`: PostgreSQL's would return the new id): the driver's row count says
        # whether the row was new, and the turn is held for one step of the statement fewer
        insert = module.insert(_TABLE).inline().on_conflict_do_nothing(index_elements=list(KEY_COLUMNS))
        # positional parameters: psycopg reorders named ones in Python on every execute
        written = dialect if dialect.positional else type(dialect)(paramstyle="format")
        self.insert = _Statement.compiled(insert, written, COLUMNS)
        self.find = _Statement.compiled(find, written, KEY_COLUMNS)
        self.convert = {name: processor for name in COLUMNS
                        if (processor := _TABLE.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None}
        if dialect.name == "postgresql":
            # the answers as JSON text for the `::JSON` cast, as psycopg's Json wrapper sends them
            # (through the engine's serializer, survey/stored_json.py, else json.dumps); a test
            # compares the text with the ORM's
            self.convert["answers"] = dialect._json_serializer or json.dumps
        for name, processor in self.convert.items():
            if isinstance(_TABLE.c[name].type, DateTime) and dialect.name == "sqlite":
                self.convert[name] = _iso_datetime(processor)
        self.read_answers = _TABLE.c.answers.type.dialect_impl(dialect).result_processor(dialect, None)

    def bound(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: (self.convert[name](value) if name in self.convert and value is not None else value)
                for name, value in values.items()}


_SAMPLE = datetime(987, 6, 5, 4, 3, 2, 1)


def _iso_datetime(processor):
    """SQLite's DATETIME text as SQLAlchemy writes it ("2026-06-20 14:05:00.000000"), for a naive
    datetime by `isoformat` (one call in C, not a %-format of seven attributes in Python); anything
    else, or a column whose format differs, by SQLAlchemy's own processor."""
    if processor(_SAMPLE) != _SAMPLE.isoformat(" ", "microseconds"):
        return processor

    def process(value):
        if type(value) is datetime and value.tzinfo is None:
            return value.isoformat(" ", "microseconds")
        return processor(value)
    return process


# per dialect object (it carries the engine's JSON serializer), forgotten with its engine
_PREPARED: weakref.WeakKeyDictionary[Dialect, PreparedInsert] = weakref.WeakKeyDictionary()


def prepared_for(dialect: Dialect) -> PreparedInsert:
    prepared = _PREPARED.get(dialect)
    if prepared is None:
        prepared = _PREPARED[dialect] = PreparedInsert(dialect)
    return prepared


class _ThreadConnections(threading.local):
    def __init__(self) -> None:
        # engine -> (process id, the driver's connection); forgotten with the engine
        self.by_engine: weakref.WeakKeyDictionary[Engine, tuple[int, Any]] = weakref.WeakKeyDictionary()


_thread_connections = _ThreadConnections()


def _thread_connection(engine: Engine):
    """This thread's own SQLite connection for the live insert, opened once and kept, as the bare
    baseline keeps one per thread: the pool's check-out and check-in cost more than the insert.

    It is taken from the engine's pool and detached from it, so the engine's connect events (WAL,
    busy timeout, foreign keys) have set it up; an SQLite connection does not go stale. Opened in
    the thread that uses it, and anew in a forked process."""
    kept = _thread_connections.by_engine.get(engine)
    if kept is None or kept[0] != os.getpid():
        pooled = engine.raw_connection()
        pooled.detach()
        kept = _thread_connections.by_engine[engine] = (os.getpid(), pooled.dbapi_connection)
    return kept[1]


def store_now(engine: Engine, values: dict[str, Any]) -> tuple[dict, str] | None:
    """Insert the response unless (collection, client id) is stored already, and commit it at once
    in a transaction of its own. None when it was stored now; else the stored (answers, language).

    The unique constraint decides, so two workers (or two hosts) receiving the same re-send at once
    store it once. Nothing but the driver's calls runs while the turn is held.
    """
    prepared = prepared_for(engine.dialect)
    bound = prepared.bound({**values, "pending_tally": True})
    insert, find = prepared.insert.parameters(bound), prepared.find.parameters(
        {name: bound[name] for name in KEY_COLUMNS})
    kept = engine.dialect.name == "sqlite"
    connection = _thread_connection(engine) if kept else engine.raw_connection()
    try:
        cursor = connection.cursor()
        with write_turn(engine):
            cursor.execute(prepared.insert.sql, insert)
            stored = cursor.rowcount == 0 and cursor.execute(prepared.find.sql, find).fetchone()
            connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        if not kept:
            connection.close()      # back to the pool
    if not stored:
        return None
    answers, language = stored
    return (prepared.read_answers(answers) if prepared.read_answers else answers), language
