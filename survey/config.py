"""Configuration from the environment, with safe defaults for local use.

In production (SURVEY_ENV=production) the app refuses to start with the development secret or
without a contact address for respondents.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-secret-change-me"


def database_url(url: str | None, instance_path: str) -> str:
    if not url:
        return f"sqlite:///{Path(instance_path) / 'survey.db'}"
    # psycopg 3 is the driver we install; hosting platforms hand out postgres:// URLs
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    env = os.environ
    return {
        "SURVEY_ENV": env.get("SURVEY_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        # No ping before each use of a pooled connection: it doubled the round trips of a submission.
        # After a database restart the first request on a stale connection fails once and SQLAlchemy
        # replaces the whole pool; offline queues retry that send by themselves.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "pool_recycle": 1800},
        "FORMS_DIR": env.get("FORMS_DIR", str(REPO_ROOT / "forms")),
        "EXPORTS_DIR": env.get("EXPORTS_DIR", str(REPO_ROOT / "exports")),
        "DOCS_DIR": env.get("DOCS_DIR", str(REPO_ROOT / "docs")),
        # who respondents see as responsible, and whom they can contact
        "SURVEY_RESPONSIBLE": env.get("SURVEY_RESPONSIBLE",
                                      "Rädda Barnen Region Syd (Kraftsamling Herrgården)"),
        "SURVEY_CONTACT": env.get("SURVEY_CONTACT", ""),
        "TIMEZONE": env.get("SURVEY_TIMEZONE", "Europe/Stockholm"),
        # a tablet that was offline at the event may send its queue this many days after closing
        "SUBMISSION_GRACE_DAYS": int(env.get("SUBMISSION_GRACE_DAYS", "14")),
        # raw responses are deleted this many days after a collection closes (flask retention apply)
        # unless the collection sets its own period. Five years: outcomes are followed year over year
        # against a baseline, so raw answers outlive several waves; then data minimisation wins
        # (README, "Retention")
        "RETENTION_DEFAULT_DAYS": int(env.get("RETENTION_DEFAULT_DAYS", str(5 * 365 + 1))),
        # unfinished answers left on a shared tablet are dropped after this long without a tap
        "JOURNEY_IDLE_MINUTES": int(env.get("JOURNEY_IDLE_MINUTES", "60")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        # memory:// is per process; several workers or hosts share redis://127.0.0.1:6379
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # three tablets behind one event router may flush long offline queues at once
        "SUBMISSION_RATE_LIMIT": env.get("SUBMISSION_RATE_LIMIT", "600 per minute"),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute; 100 per day"),
        # the disclosure rule: counts below these are hidden on staff pages and on public pages
        "STAFF_MIN_CELL": int(env.get("STAFF_MIN_CELL", "5")),
        "PUBLIC_MIN_CELL": int(env.get("PUBLIC_MIN_CELL", "10")),
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "WTF_CSRF_TIME_LIMIT": None,  # a child may take long; the token is tied to the session anyway
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SURVEY_ENV") == "production",
    }


def refuse_unsafe_production(config: dict) -> None:
    if config.get("SURVEY_ENV") != "production":
        return
    if config.get("SECRET_KEY") in (None, "", DEV_SECRET):
        raise RuntimeError("Refusing to start in production with the development SECRET_KEY: set SECRET_KEY.")
    if not config.get("SURVEY_CONTACT"):
        raise RuntimeError("Refusing to start in production without SURVEY_CONTACT: respondents must see whom to contact.")
