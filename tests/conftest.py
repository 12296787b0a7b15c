"""Shared fixtures: an app on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set), a client,
collections made in one line, and submissions that read like a respondent's story."""
from __future__ import annotations

import os
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from survey import create_app
from survey.extensions import db

from databases import BACKENDS, fresh_database
from factories import load_fixture_form

ROOT = Path(__file__).resolve().parent.parent
# Tests say so explicitly: without it the app would run as production and refuse the missing secret.
os.environ["SURVEY_ENV"] = "test"


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


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as on a real server, so `g` (and Flask-Babel's
    per-request locale cache in it) never leaks from one request into the next."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url, request):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "SURVEY_CONTACT": "enkat@example.org", **getattr(request, "param", {})})
    app.test_client_class = FreshContextClient
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
def forms_dir(tmp_path):
    """A forms/ of the test's own (languages.yaml copied), so the real forms/ is never written."""
    directory = tmp_path / "forms"
    directory.mkdir()
    shutil.copy(ROOT / "forms" / "languages.yaml", directory / "languages.yaml")
    return directory


@pytest.fixture
def forms_runner(forms_dir):
    """A CLI runner on an app reading `forms_dir`; for commands that need no database."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "FORMS_DIR": str(forms_dir), "TESTING": True,
                      "DOCS_DIR": str(forms_dir.parent / "docs"), "EXPORTS_DIR": str(forms_dir.parent / "exports")})
    return app.test_cli_runner()


@pytest.fixture
def make_collection(app):
    """make_collection(slug="summer", form="allkinds", opens_on=..., closes_on=..., ...) -> Collection;
    guardians_confirmed=True records a coordinator's confirmation that the guardians agreed."""
    from survey.fieldwork.operations import create_collection
    from survey.i18n import ui_languages

    def make(slug: str = "summer", form: str = "allkinds", **options):
        from survey.questionnaires.versions import latest_version
        if latest_version(form) is None:
            load_fixture_form(form)
        options.setdefault("activity", "Bästa sommaren 2026")
        options.setdefault("wave", "baseline")
        options.setdefault("guardian_consent", False)
        confirmed = options.pop("guardians_confirmed", False)
        collection = create_collection(slug, form, ui_languages=ui_languages(), **options)
        if confirmed:
            from survey.auth.accounts import create_user
            from survey.fieldwork.operations import confirm_guardian_consent
            adult, _password = create_user(f"adult-{slug}", "coordinator", actor_name="test")
            confirm_guardian_consent(collection, actor=adult)
        db.session.commit()
        return collection
    return make


class StaffActions:
    """sign_in(role) in one line, as flaskr's AuthActions: an account of that role, signed in on `client`."""

    def __init__(self, client):
        self.client = client

    def create(self, username: str, role: str = "coordinator", password: str = "a-long-enough-passphrase"):
        from survey.auth.accounts import create_user, set_password
        user, _one_time = create_user(username, role, actor_name="test")
        set_password(user, password)
        db.session.commit()
        return user

    def sign_in(self, role: str = "coordinator", username: str | None = None,
                password: str = "a-long-enough-passphrase"):
        username = username or f"{role}-{uuid.uuid4().hex[:6]}"
        self.create(username, role, password)
        # staff pages follow the browser's language; these tests read them in English unless they say otherwise
        self.client.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        reply = self.client.post("/staff/login", data={"username": username, "password": password})
        assert reply.status_code == 302, reply.text
        return username


@pytest.fixture
def staff(client):
    return StaffActions(client)


VALID_ANSWERS = {"birth_year": date.today().year - 10, "gender": 1, "day_face": 3,
                 "activities": ["sport"], "visits": 2, "sport_kind": "fotboll", "come_back": 1}


@pytest.fixture
def valid_answers() -> dict:
    """Answers the `summer` collection's questionnaire accepts (a fresh copy)."""
    return dict(VALID_ANSWERS)


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
