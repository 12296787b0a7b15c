"""Flask extensions, created unbound here and bound to an app in create_app()."""
import hashlib
import hmac
import sqlite3

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints, so migrations can drop and alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate(render_as_batch=True)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


def hashed_client_key() -> str:
    """Rate limits count per client, but the store (Redis in production) only sees a keyed hash,
    never the address itself."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (request.remote_addr or "-").encode(), hashlib.sha256).hexdigest()[:32]


limiter = Limiter(hashed_client_key)


def commit_if_begun() -> None:
    """Commit the request's session if anything began a transaction in it. On the submission paths
    the response is committed by the intake itself, and an empty ORM commit is not free there."""
    session = db.session()
    if session.in_transaction():
        session.commit()


def retry_after(error) -> dict[str, str]:
    """The Retry-After header for a refused request: the length of the limit's window, at most."""
    # Flask-Limiter's exception holds its Limit (whose .limit is the item); ours holds the item itself
    limit = getattr(error, "limit", None)
    limit = getattr(limit, "limit", limit)
    return {"Retry-After": str(int(limit.get_expiry()) if limit is not None else 60)}


def init_extensions(app, migrations: str) -> None:
    """Bind the extensions that every feature shares (Babel is bound by i18n, with its locale selector)."""
    db.init_app(app)
    migrate.init_app(app, db, directory=migrations)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers work while a response is written; the busy timeout makes writers wait, not fail."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
