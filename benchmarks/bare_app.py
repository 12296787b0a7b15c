"""Baseline for the benchmarks: the least a Flask endpoint can do to store a submission durably.

It takes the same requests as the survey server's submission paths and commits each body to one
table, with nothing else: no validation, no ORM, no sessions, no rate limit, no translations.
One database connection is opened per gunicorn worker thread and kept (as the app's pool keeps one
per thread). SQLite gets the app's own
settings (WAL, a busy timeout, the default `synchronous`), so both pay the same for durability.

    BARE_DATABASE_URL=sqlite:////tmp/bare.db python benchmarks/bare_app.py   # create the table
    BARE_DATABASE_URL=... gunicorn -w 2 --pythonpath benchmarks bare_app:app
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import threading

from flask import Flask, jsonify, redirect, request

DATABASE_URL = os.environ["BARE_DATABASE_URL"]  # sqlite:///<path> or postgresql://...
SQLITE = DATABASE_URL.startswith("sqlite:///")
MARK = "?" if SQLITE else "%s"
INSERT = (f"INSERT INTO bare_submission (client_id, body) VALUES ({MARK}, {MARK}) "
          "ON CONFLICT (client_id) DO NOTHING")

app = Flask(__name__)
_local = threading.local()
_write_turn = threading.Lock()
_lock_file: dict[int, int] = {}   # process id -> the lock file beside the database


def connection():
    """This thread's connection, opened at its first request and kept (never shared across a fork or
    between threads: one sqlite3 connection used by two threads at once fails)."""
    conn = getattr(_local, "connection", None)
    if conn is None:
        if SQLITE:
            conn = sqlite3.connect(DATABASE_URL[len("sqlite:///"):])
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=5000")
        else:
            import psycopg
            conn = psycopg.connect(DATABASE_URL)
        _local.connection = conn
    return conn


@contextlib.contextmanager
def write_turn():
    """The app's advantage given to the baseline too (survey/responses/writer.py): a worker's
    threads take turns writing to SQLite on a Python lock, and the workers on an flock of a file
    beside the database, so writers are woken by the kernel instead of SQLite's sleeping busy handler."""
    if not SQLITE:
        yield
        return
    with _write_turn:
        pid = os.getpid()
        if pid not in _lock_file:
            _lock_file[pid] = os.open(os.path.abspath(DATABASE_URL[len("sqlite:///"):]) + "-writer.lock",
                                      os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(_lock_file[pid], fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(_lock_file[pid], fcntl.LOCK_UN)


def store(client_id: str | None, body: str) -> None:
    conn = connection()
    with write_turn():
        try:
            conn.execute(INSERT, (client_id, body))
            conn.commit()
        except Exception:
            conn.rollback()
            raise


@app.post("/api/v1/collections/<slug>/responses")
def api_submission(slug):
    payload = request.get_json(silent=True) or {}
    store(payload.get("client_id"), json.dumps(payload, ensure_ascii=False))
    return jsonify(stored=True), 201


@app.post("/s/<slug>/p/<int:number>")
def last_page(slug, number):
    store(None, json.dumps(request.form.to_dict(flat=False), ensure_ascii=False))
    return redirect(f"/s/{slug}/thanks?lang=sv")


@app.get("/healthz")
def healthz():
    conn = connection()
    if SQLITE:
        settings = {"journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
                    "synchronous": conn.execute("PRAGMA synchronous").fetchone()[0]}
    else:
        settings = {"synchronous_commit": conn.execute("SHOW synchronous_commit").fetchone()[0]}
        conn.rollback()
    return jsonify(status="ok", **settings)


def create_table() -> None:
    key = "id INTEGER PRIMARY KEY" if SQLITE else "id BIGSERIAL PRIMARY KEY"
    conn = connection()
    conn.execute(f"CREATE TABLE IF NOT EXISTS bare_submission ({key}, client_id TEXT UNIQUE, body TEXT NOT NULL, "
                 "received_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)")
    conn.commit()


if __name__ == "__main__":
    create_table()
