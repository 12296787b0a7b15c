"""Empty test databases: a SQLite file always, a PostgreSQL schema of its own when TEST_DATABASE_URL is set."""
from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text

from survey.config import database_url as normalise_url

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def fresh_database(kind: str, tmp_path_factory) -> tuple[str, callable]:
    """A URL of an empty database of `kind`, and a function that removes it."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'survey.db'}", lambda: None
    base = normalise_url(os.environ["TEST_DATABASE_URL"], "")
    schema = f"test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}", drop
