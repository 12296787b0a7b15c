"""Backups and restores of the whole database: SQLite through its online backup API, PostgreSQL
through pg_dump and pg_restore (custom format). Plain functions on a database URL; no Flask.

SQLite: `sqlite3.Connection.backup` copies a consistent snapshot while the server keeps writing
(WAL readers never block writers), and a restore copies the file back the same way, into the live
database in one transaction, so a running server sees either the old data or the restored data.
"""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# tables whose rows a restore must never silently replace
RESPONSES_TABLE = "response"


class BackupError(Exception):
    """A backup or restore that cannot be done as asked; the message says why and what helps."""


@dataclass(frozen=True)
class TableCount:
    table: str
    rows: int


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:///... URL, or None for another database (or an in-memory one)."""
    if not url.startswith("sqlite:"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return Path(unquote(path.split("?", 1)[0])) if path and path != ":memory:" else None


def libpq_url(url: str) -> tuple[str, str]:
    """(a URL pg_dump understands, the schema the app uses): `postgresql+psycopg://` becomes
    `postgresql://`; the schema comes from `options=-csearch_path=...`, else public."""
    plain = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)
    options = parse_qs(urlsplit(plain).query).get("options", [""])[0]
    found = re.search(r"search_path=([A-Za-z0-9_]+)", options)
    return plain, found.group(1) if found else "public"


# -- SQLite ---------------------------------------------------------------------------------------

def _counts(connection: sqlite3.Connection) -> list[TableCount]:
    tables = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return [TableCount(t, connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables]


def backup_sqlite(database: Path, target: Path) -> list[TableCount]:
    """Copy the live database to `target` (written beside it first, then renamed into place)."""
    target = Path(target)
    if target.resolve() == Path(database).resolve():
        raise BackupError("The backup cannot be written over the database itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=".backup-", dir=target.parent)
    os.close(handle)
    try:
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        copy = sqlite3.connect(scratch)
        try:
            source.backup(copy)
            # one file with no -wal beside it: the backup is complete on its own
            copy.execute("PRAGMA journal_mode=DELETE")
            counts = _counts(copy)
        finally:
            copy.close()
            source.close()
        os.replace(scratch, target)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return counts


def check_sqlite(path: Path) -> list[TableCount]:
    """Open a backup read-only, check its integrity, and count the rows of every table."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{path} is damaged: {verdict}")
        counts = _counts(connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from error
    finally:
        connection.close()
    if "alembic_version" not in {c.table for c in counts}:
        raise BackupError(f"{path} is a SQLite database, but not one of this server (no alembic_version table).")
    return counts


def sqlite_responses(database: Path) -> int:
    if not Path(database).exists():
        return 0
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(f"SELECT count(*) FROM {RESPONSES_TABLE}").fetchone()[0]
    except sqlite3.OperationalError:   # no response table: an empty or new database
        return 0
    finally:
        connection.close()


def restore_sqlite(backup: Path, database: Path) -> list[TableCount]:
    """Copy a checked backup into the live database in one transaction (the backup API, reversed)."""
    counts = check_sqlite(backup)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    live = sqlite3.connect(database, timeout=30)
    try:
        source.backup(live)     # pages=-1: every page in one step, one write transaction
    finally:
        live.close()
        source.close()
    return counts


# -- PostgreSQL -----------------------------------------------------------------------------------

def _run(command: list[str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client): {error}") from error
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-800:]}")
    return done


def backup_postgresql(url: str, target: Path) -> list[TableCount]:
    """pg_dump of the app's schema in the custom format, written beside `target` then renamed."""
    plain, schema = libpq_url(url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.partial")
    try:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--schema={schema}", f"--file={scratch}", plain], "pg_dump")
        counts = check_pg_dump(scratch)
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)
    return counts


COPY_LINE = re.compile(r'^COPY (?:"?[\w]+"?\.)?"?([\w]+)"? \(')


def check_pg_dump(path: Path) -> list[TableCount]:
    """The tables in a custom-format dump and their rows, read by pg_restore without any database:
    its SQL output has one COPY block per table, one line per row, ended by a line `\\.`."""
    listing = _run(["pg_restore", "--list", str(path)], "pg_restore --list").stdout
    tables = sorted(set(re.findall(r"TABLE DATA \S+ (\S+) ", listing)))
    script = subprocess.Popen(["pg_restore", "--data-only", "--file=-", str(path)], stdout=subprocess.PIPE, text=True)
    counts: dict[str, int] = {t: 0 for t in tables}
    current = None
    for line in script.stdout:
        if current is None:
            found = COPY_LINE.match(line)
            if found:
                current = found.group(1)
                counts.setdefault(current, 0)
        elif line.rstrip("\n") == "\\.":
            current = None
        else:
            counts[current] += 1
    if script.wait() != 0:
        raise BackupError(f"{path} could not be read by pg_restore")
    if "alembic_version" not in counts:
        raise BackupError(f"{path} is a PostgreSQL dump, but not one of this server (no alembic_version table).")
    return [TableCount(t, n) for t, n in sorted(counts.items())]


def restore_postgresql(dump: Path, url: str) -> list[TableCount]:
    """pg_restore into the app's database in one transaction, dropping the objects it replaces."""
    counts = check_pg_dump(dump)
    plain, _schema = libpq_url(url)
    _run(["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", f"--dbname={plain}", str(dump)],
         "pg_restore")
    return counts


def kind_of(path: Path) -> str:
    """'sqlite' or 'postgresql', from the file's first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom-format file.")
