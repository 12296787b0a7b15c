"""Shared fixtures: an app on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set), a client,
collections made in one line, and submissions that read like a respondent's story."""
from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from survey import create_app
from survey.config import database_url as normalise_url
from survey.extensions import db

from factories import load_fixture_form

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    url, drop = fresh_database(request.param, tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        db.engine.dispose()
    yield url
    drop()


@pytest.fixture
def app(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SURVEY_CONTACT": "enkat@example.org"})
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_collection(app):
    """make_collection(slug="summer", form="allkinds", opens_on=..., closes_on=..., ...) -> Collection."""
    from survey.fieldwork.operations import create_collection
    from survey.i18n import ui_languages

    def make(slug: str = "summer", form: str = "allkinds", **options):
        from survey.library.operations import latest_version
        if latest_version(form) is None:
            load_fixture_form(form)
        options.setdefault("activity", "Bästa sommaren 2026")
        options.setdefault("wave", "baseline")
        options.setdefault("guardian_consent", False)
        return create_collection(slug, form, ui_languages=ui_languages(), **options)
    return make


VALID_ANSWERS = {"birth_year": date.today().year - 10, "gender": 1, "day_face": 3,
                 "activities": ["sport"], "visits": 2, "sport_kind": "fotboll", "come_back": 1}


@pytest.fixture
def submit(client):
    """submit(slug, answers=..., client_id=..., language=..., **envelope) -> the API's response."""
    def post(slug: str = "summer", answers: dict | None = None, **envelope):
        payload = {"client_id": uuid.uuid4().hex, "language": "sv", "channel": "tablet",
                   "answers": dict(VALID_ANSWERS) if answers is None else answers}
        payload.update(envelope)
        return client.post(f"/api/v1/collections/{slug}/responses", json=payload)
    return post


def pytest_terminal_summary(terminalreporter):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser tests skipped" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"NOTE: {len(skipped)} browser test(s) were SKIPPED because Debian's chromium is missing "
            "(apt-get install chromium; .ci/run installs it).", yellow=True, bold=True)
