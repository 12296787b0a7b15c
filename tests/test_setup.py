"""The application starts safely: configuration, migrations both ways, SQLite in WAL mode."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from survey import create_app
from survey.config import DEV_SECRET, database_url
from survey.extensions import db

from databases import BACKENDS, fresh_database

TABLES = {"questionnaire", "questionnaire_version", "collection", "response", "staff_user", "audit_record"}


def test_production_refuses_the_development_secret():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SURVEY_ENV": "production", "SECRET_KEY": DEV_SECRET, "SURVEY_CONTACT": "x@example.org"})


STRONG_SECRET = "x" * 48


def test_production_refuses_to_start_without_a_contact_for_respondents():
    with pytest.raises(RuntimeError, match="SURVEY_CONTACT"):
        create_app({"SURVEY_ENV": "production", "SECRET_KEY": STRONG_SECRET})


def test_without_an_explicit_environment_the_app_refuses_a_missing_secret(monkeypatch):
    monkeypatch.delenv("SURVEY_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SURVEY_CONTACT", "x@example.org")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_an_unknown_environment_name_counts_as_production():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SURVEY_ENV": "staging", "SECRET_KEY": None, "SURVEY_CONTACT": "x@example.org"})


def test_production_refuses_a_secret_shorter_than_32_bytes():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SURVEY_ENV": "production", "SECRET_KEY": "s3cret-from-the-vault", "SURVEY_CONTACT": "x@example.org"})


def test_production_refuses_the_debugger():
    with pytest.raises(RuntimeError, match="debugger"):
        create_app({"SURVEY_ENV": "production", "SECRET_KEY": STRONG_SECRET, "SURVEY_CONTACT": "x@example.org",
                    "DEBUG": True})


def test_production_refuses_per_worker_rate_limits_under_several_workers():
    with pytest.raises(RuntimeError, match="redis://"):
        create_app({"SURVEY_ENV": "production", "SECRET_KEY": STRONG_SECRET, "SURVEY_CONTACT": "x@example.org",
                    "WORKERS": 4, "RATELIMIT_STORAGE_URI": "memory://"})


def test_production_cookies_are_secure():
    app = create_app({"SURVEY_ENV": "production", "SECRET_KEY": STRONG_SECRET, "SURVEY_CONTACT": "x@example.org",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_each_gunicorn_thread_has_a_kept_database_connection(tmp_path, monkeypatch):
    import importlib.util
    from types import SimpleNamespace
    spec = importlib.util.spec_from_file_location("gunicorn_conf", "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(workers=2, threads=12)))   # gunicorn --threads 12
    app = create_app({"SURVEY_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pool.db'}"})
    with app.app_context():
        assert db.engine.pool.size() == 12
    # an in-memory SQLite database has one shared connection and takes no pool size
    app = create_app({"SURVEY_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_development_keeps_one_random_secret_readable_by_its_owner_only(tmp_path):
    import stat
    from survey.config import instance_secret
    first = instance_secret(str(tmp_path))
    assert len(first) >= 32 and instance_secret(str(tmp_path)) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_development_without_a_secret_uses_the_instance_secret(monkeypatch, tmp_path):
    from survey import config
    monkeypatch.setattr(config, "instance_secret", lambda path: "from-instance-" + "y" * 40)
    settled = {"SURVEY_ENV": "development", "SECRET_KEY": None}
    config.settle(settled, str(tmp_path))
    assert settled["SECRET_KEY"].startswith("from-instance-") and settled["SESSION_COOKIE_SECURE"] is False


def test_postgres_urls_use_psycopg_3():
    assert database_url("postgres://u@h/db", "/i") == "postgresql+psycopg://u@h/db"
    assert database_url(None, "/srv/instance") == "sqlite:////srv/instance/survey.db"


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_upgrade_downgrade_and_upgrade_again(backend, tmp_path_factory):
    url, drop = fresh_database(backend, tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade()
            assert TABLES <= set(inspect(db.engine).get_table_names())
            downgrade(revision="base")
            assert not TABLES & set(inspect(db.engine).get_table_names())
            upgrade()
            assert TABLES <= set(inspect(db.engine).get_table_names())
            db.engine.dispose()
    finally:
        drop()


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_models_and_the_migrations_agree(backend, tmp_path_factory):
    """An autogenerate comparison after `upgrade` must come out empty: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    url, drop = fresh_database(backend, tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, db.metadata) == []
            db.engine.dispose()
    finally:
        drop()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        db.engine.dispose()


def test_ensure_sync_answers_as_flask_does_and_keeps_the_answer(app):
    def plain():
        return 1

    assert app.ensure_sync(plain) is plain and app.ensure_sync(plain) is plain

    async def coroutine():
        return 1

    # a coroutine function is never handed back as if it were plain (Flask wraps it, given its
    # async extra, which this project does not install)
    with pytest.raises(RuntimeError, match="async"):
        app.ensure_sync(coroutine)
    with pytest.raises(RuntimeError, match="async"):
        app.ensure_sync(coroutine)
