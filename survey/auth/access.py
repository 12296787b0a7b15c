"""The central check: before any view runs, the permission it declared is compared with the
signed-in staff member's role. A view that declares nothing is refused, never open.

On API routes a script identifies itself with `Authorization: Bearer <token>` (survey/auth/tokens.py):
the token's user then stands for the request, as if signed in, with the same permission check. A
wrong, revoked or orphaned token is 401, whatever cookie comes with it."""
from __future__ import annotations

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from ..clock import epoch_seconds
from ..extensions import db, login_manager
from .models import StaffUser
from .permissions import Permission, declared_permission
from .tokens import bearer_secret, token_for

# Flask's own static-file view carries no declaration of ours; its files are public.
PUBLIC_ENDPOINTS = frozenset({"static"})
# When the staff member last made a request, in the (signed) session; refreshed by every staff request.
LAST_SEEN = "staff_seen"


def init_access(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(check_request)


def load_user(session_id: str) -> StaffUser | None:
    """The user a session cookie names, if its token is still the user's current one."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def start_staff_session() -> None:
    """At sign-in: a new CSRF token (one seen before sign-in is worth nothing after) and a fresh clock."""
    session.pop("csrf_token", None)
    session[LAST_SEEN] = epoch_seconds()


def idle_too_long(idle_hours: float) -> bool:
    """A session without a last-seen stamp was not started by our sign-in (a remember-me cookie,
    a cookie from before this rule): it counts as expired too."""
    seen = session.get(LAST_SEEN)
    return not isinstance(seen, int) or epoch_seconds() - seen > idle_hours * 3600


def required_permission(app, endpoint: str | None) -> Permission | None:
    if endpoint in PUBLIC_ENDPOINTS:
        return Permission.PUBLIC
    view = app.view_functions.get(endpoint) if endpoint else None
    return declared_permission(view) if view else None


def check_request():
    # the request itself, not Flask's proxy: every request asks this, and each look-up through
    # the proxy costs several times the question (benchmarks/README.md, ninth round)
    endpoint = request._get_current_object().endpoint
    if endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    permission = required_permission(current_app._get_current_object(), endpoint)
    if permission is None:
        abort(403)  # an undeclared route stays closed
    if permission is Permission.PUBLIC:
        return None
    api = request.path.startswith("/api/")
    if api and "Authorization" in request.headers:
        return _check_token(permission)
    if current_user.is_authenticated and idle_too_long(current_app.config["STAFF_IDLE_HOURS"]):
        logout_user()
    if not current_user.is_authenticated:
        if api:
            abort(401)
        return login_manager.unauthorized()
    session[LAST_SEEN] = epoch_seconds()
    if current_user.must_change_password and request.endpoint not in ("auth.change_password", "auth.logout"):
        return redirect(url_for("auth.change_password"))
    if not current_user.can(permission):
        abort(403)
    return None


def _check_token(permission: Permission):
    secret = bearer_secret(request.headers.get("Authorization"))
    token = token_for(secret) if secret else None
    if token is None:
        abort(401)
    # the token's user stands for this request only: nothing goes into the session cookie
    login_manager._update_request_context_with_user(token.user)
    g.api_token = token
    if not token.user.can(permission):
        abort(403)
    return None


def current_token():
    """The API token of this request, if it came with one (for the scope to collections)."""
    return g.get("api_token")
