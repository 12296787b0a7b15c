"""Flask extensions, created unbound here and bound to an app in create_app()."""
import hmac
import logging
import sqlite3
from typing import Callable

from flask import current_app, g, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from flask_wtf.csrf import same_origin
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from wtforms import ValidationError

from .sessions import KeptSerializerSessionInterface, check_csrf_token

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


class _CSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, its `protect` as Flask-WTF 1.3 writes it, except that the token
    is checked by `check_csrf_token` (survey/sessions.py: the same checks and messages, with a
    serializer kept per secret instead of one built on every post). tests/test_csrf.py holds the
    two to the same answers."""

    def __init__(self, app=None):
        self._exempt_endpoints: dict[str | None, bool] = {}
        super().__init__(app)

    def protect(self, apply_exemptions=False):
        # the request itself, not Flask's proxy, for the questions every request is asked
        this = request._get_current_object()
        if apply_exemptions and (not this.endpoint or self._is_exempt()):
            return
        config = current_app.config
        if this.method not in config["WTF_CSRF_METHODS"]:
            return
        try:
            check_csrf_token(self._get_csrf_token(), config, current_app.secret_key, session)
        except ValidationError as e:
            _csrf_log.info(e.args[0])
            self._error_response(e.args[0])
        if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True   # as Flask-WTF marks it

    def _is_exempt(self) -> bool:
        """Flask-WTF's answer, kept per endpoint: it looked up the blueprint and the view through
        `request` and `current_app` and formatted the view's dotted name on every request. An
        endpoint's blueprint and view are the same on every request; `exempt` forgets the answers."""
        endpoint = request._get_current_object().endpoint
        exempt = self._exempt_endpoints.get(endpoint)
        if exempt is None:
            exempt = super()._is_exempt()
            if len(self._exempt_endpoints) < 4096:   # the routes are a fixed set
                self._exempt_endpoints[endpoint] = exempt
        return exempt

    def exempt(self, view):
        self._exempt_endpoints.clear()
        return super().exempt(view)


_csrf_log = logging.getLogger("flask_wtf.csrf")   # where Flask-WTF logs a refused token
csrf = _CSRFProtect()


class _LoginManager(LoginManager):
    """Flask-Login, without its remember-me hook's work on requests that carry no cookie.

    Remember-me is never used here (`login_user(..., remember=False)`), so the hook can only have
    something to do when the request brought a cookie (sign-out clears a remember cookie it
    finds). Asking the session for "_remember" otherwise made every cookieless reply (a tablet's
    submission) load the session and carry "Vary: Cookie"."""

    def _update_remember_cookie(self, response):
        # asked of the WSGI environ: `request.cookies` would parse an empty header into a dict
        if not request.environ.get("HTTP_COOKIE"):
            return response
        return super()._update_remember_cookie(response)


login_manager = _LoginManager()


def hashed_client_key() -> str:
    """Rate limits count per client, but the store (Redis in production) only sees a keyed hash,
    never the address itself."""
    secret = current_app._get_current_object().config["SECRET_KEY"].encode()
    return hmac.digest(secret, (request._get_current_object().remote_addr or "-").encode(), "sha256").hex()[:32]


class _Limiter(Limiter):
    """Flask-Limiter, first asking `counted_elsewhere` (set by survey/ratelimits.py) whether a
    request is counted by the feature itself. Its own request filters are consulted only after it
    has sorted through its limits and exemptions for the request, which on the submission paths
    cost more than the counting (benchmarks/README.md)."""

    counted_elsewhere: Callable[[], bool] = staticmethod(lambda: False)

    def init_app(self, app) -> None:
        after = list(app.after_request_funcs.get(None, ()))
        teardown = list(app.teardown_request_funcs.get(None, ()))
        super().init_app(app)
        # Its after-request hook (header injection, conditional deductions) and its teardown hook
        # (its per-request context) have nothing to do on a request it never looked at; each found
        # that out only after several look-ups in `g` and the request.
        app.after_request_funcs[None] = [
            hook if hook in after else _unless(self._skips, hook, passed_through=True)
            for hook in app.after_request_funcs.get(None, ())]
        app.teardown_request_funcs[None] = [
            hook if hook in teardown else _unless(self._skips, hook, passed_through=False)
            for hook in app.teardown_request_funcs.get(None, ())]

    def _skips(self) -> bool:
        return self.counted_elsewhere()   # looked up per call: survey/ratelimits.py sets it after init_app

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and self.counted_elsewhere():
            return
        super()._check_request_limit(callable_name, in_middleware)


def _unless(skip: Callable[[], bool], hook: Callable, passed_through: bool) -> Callable:
    """`hook`, except on requests where `skip()` is true: then an after-request hook hands the
    response on untouched, and a teardown hook does nothing."""
    def hook_unless(value):
        if skip():
            return value if passed_through else None
        return hook(value)
    hook_unless.__wrapped__ = hook
    return hook_unless


limiter = _Limiter(hashed_client_key)


def commit_if_begun() -> None:
    """Commit the request's session if anything began a transaction in it. On the submission paths
    the response is committed by the intake itself, and an empty ORM commit is not free there."""
    if not db.session.registry.has():   # no session made in this request: nothing to commit
        return
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
    app.session_interface = KeptSerializerSessionInterface()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers work while a response is written; the busy timeout makes writers wait, not fail."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
