"""Configuration from the environment, with safe defaults.

The safe side is the default: unless SURVEY_ENV says `development` or `test` (or the app is built
with TESTING=True), the app runs as in production and refuses to start with a missing, known or
short SECRET_KEY, without a contact address for respondents, with the debugger, or with per-worker
rate limits under several workers. `make run` sets SURVEY_ENV=development and gets a random
secret kept under instance/.
"""
from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from . import stored_json

REPO_ROOT = Path(__file__).resolve().parent.parent
# The public secret of earlier versions: anyone could sign a staff cookie with it, so it is refused.
DEV_SECRET = "dev-only-secret-change-me"
SAFE_ENVIRONMENTS = ("development", "test")
MIN_SECRET_BYTES = 32
SECRET_FILE = "secret_key"


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
        "SURVEY_ENV": env.get("SURVEY_ENV", "production"),
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        # No ping before each use of a pooled connection: it doubled the round trips of a submission.
        # After a database restart the first request on a stale connection fails once and SQLAlchemy
        # replaces the whole pool; offline queues retry that send by themselves.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "pool_recycle": 1800},
        "GUNICORN_THREADS": int(env.get("GUNICORN_THREADS", "1")),
        "FORMS_DIR": env.get("FORMS_DIR", str(REPO_ROOT / "forms")),
        "EXPORTS_DIR": env.get("EXPORTS_DIR", str(REPO_ROOT / "exports")),
        "DOCS_DIR": env.get("DOCS_DIR", str(REPO_ROOT / "docs")),
        # the key of panel link keys (a keyed hash of a respondent's own code); never written to an
        # export. Empty: pseudonymized exports are refused. At least 16 bytes; keep it stable across waves.
        "LINK_KEY_SECRET": env.get("LINK_KEY_SECRET", ""),
        # a researcher's prepared export (web page) is kept this long for the download, then deleted
        "EXPORT_KEEP_HOURS": int(env.get("EXPORT_KEEP_HOURS", "24")),
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
        # a parent on their own phone may come back to unfinished answers for this long (in their cookie only)
        "PHONE_JOURNEY_DAYS": int(env.get("PHONE_JOURNEY_DAYS", "14")),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(env.get("PHONE_JOURNEY_DAYS", "14"))),
        # the address phones reach this server at, for links and QR codes (e.g. https://enkat.example.org
        # or http://192.168.1.20:5000 on the event laptop); empty: the address the staff page was opened at
        "PUBLIC_URL": env.get("PUBLIC_URL", ""),
        # a kiosk's default inactivity timeout (the coordinator may choose another per kiosk),
        # and how long its thank-you screen stays before the language picker returns
        "KIOSK_IDLE_SECONDS": int(env.get("KIOSK_IDLE_SECONDS", "90")),
        "KIOSK_THANKS_SECONDS": int(env.get("KIOSK_THANKS_SECONDS", "6")),
        # how long a worker keeps a collection's row for the answer pages and the API (survey/fieldwork/snapshots.py);
        # a change made in another worker or host reaches it within this many seconds. 0: read every time
        "COLLECTION_SNAPSHOT_SECONDS": float(env.get("COLLECTION_SNAPSHOT_SECONDS", "2")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        # memory:// is per process; several workers or hosts share redis://127.0.0.1:6379
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # X-RateLimit-* headers cost a second storage round trip on every request; a refused request
        # still says when to come back (Retry-After, see retry_after in survey/extensions.py)
        "RATELIMIT_HEADERS_ENABLED": False,
        # gunicorn.conf.py exports the worker count it chose, so the app can refuse memory:// with several
        "WORKERS": int(env.get("WEB_CONCURRENCY", "1")),
        # how many reverse proxies in front set X-Forwarded-For/-Proto; 0 trusts no such header
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # three tablets behind one event router may flush long offline queues at once
        "SUBMISSION_RATE_LIMIT": env.get("SUBMISSION_RATE_LIMIT", "600 per minute"),
        # sign-in: every attempt from one address counts; per account only failures count, over a
        # short window, so a stranger can slow an account down but never lock its owner out for long
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute; 100 per day"),
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get("LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute"),
        # answer pages (POST /s/...): per kiosk device, or per address for strangers; thirty tablets
        # without a kiosk token behind one event router share an address, hence the generous default
        "RESPONDENT_RATE_LIMIT": env.get("RESPONDENT_RATE_LIMIT", "600 per minute"),
        # a staff session ends after this long without a request
        "STAFF_IDLE_HOURS": float(env.get("STAFF_IDLE_HOURS", "8")),
        # the disclosure rule: counts below these are hidden on staff pages and on public pages
        "STAFF_MIN_CELL": int(env.get("STAFF_MIN_CELL", "5")),
        "PUBLIC_MIN_CELL": int(env.get("PUBLIC_MIN_CELL", "10")),
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "WTF_CSRF_TIME_LIMIT": None,  # a child may take long; the token is tied to the session anyway
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
    }


def environment(config: dict) -> str:
    """`development`, `test` or `production`: anything not explicitly safe counts as production."""
    if config.get("TESTING"):
        return "test"
    return config.get("SURVEY_ENV") if config.get("SURVEY_ENV") in SAFE_ENVIRONMENTS else "production"


def settle(config: dict, instance_path: str) -> None:
    """Fill in what depends on the environment once the app's own overrides are in."""
    env = config["SURVEY_ENV"] = environment(config)
    if not config.get("SECRET_KEY") and env == "development":
        config["SECRET_KEY"] = instance_secret(instance_path)
    elif not config.get("SECRET_KEY") and env == "test":
        config["SECRET_KEY"] = secrets.token_urlsafe(48)
    # cookies only over HTTPS in production; the development server and the test client speak HTTP
    config["SESSION_COOKIE_SECURE"] = env == "production"
    # JSON columns written by orjson, the live insert and the ORM alike (survey/stored_json.py)
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("json_serializer", stored_json.dumps)
    size_pool(config)


def size_pool(config: dict) -> None:
    """A kept connection for each of a gunicorn worker's threads (gunicorn.conf.py tells their
    number): with SQLAlchemy's default pool of 5, eight busy threads opened and closed connections
    beyond it on every burst. An in-memory SQLite database has one shared connection and no pool size."""
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        return
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and (url.database or ":memory:") == ":memory:":
        return
    options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options.setdefault("pool_size", max(5, config.get("GUNICORN_THREADS", 1)))


def instance_secret(instance_path: str) -> str:
    """A random secret made once for this machine and kept in instance/ (readable by its owner only)."""
    path = Path(instance_path) / SECRET_FILE
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; read theirs
        else:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def refuse_unsafe_production(config: dict) -> None:
    if config.get("SURVEY_ENV") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET or len(secret.encode()) < MIN_SECRET_BYTES:
        raise RuntimeError(
            f"Refusing to start in production without a SECRET_KEY of at least {MIN_SECRET_BYTES} bytes "
            "(missing, short or the old development secret). Set SECRET_KEY, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'; "
            "for local use set SURVEY_ENV=development (as `make run` does).")
    if not config.get("SURVEY_CONTACT"):
        raise RuntimeError("Refusing to start in production without SURVEY_CONTACT: respondents must see whom to contact.")
    # `flask run --debugger` turns the debugger on without FLASK_DEBUG, so the command line counts too
    if config.get("DEBUG") or "--debugger" in sys.argv:
        raise RuntimeError("Refusing to start in production with the debugger on (FLASK_DEBUG): "
                           "it runs any code a visitor sends. Unset FLASK_DEBUG or set SURVEY_ENV=development.")
    if (config.get("RATELIMIT_ENABLED", True) and config.get("WORKERS", 1) > 1
            and config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://")):
        raise RuntimeError(
            f"Refusing to start in production with {config['WORKERS']} workers and rate limits kept in memory: "
            "each worker would count on its own, allowing several times every limit. "
            "Set RATELIMIT_STORAGE_URI=redis://HOST:6379 (shared), or WEB_CONCURRENCY=1.")
