"""The survey server of Kraftsamling Herrgården: the application factory."""
from __future__ import annotations

import os

from flask import Flask
from sqlalchemy.orm import configure_mappers

from . import config as config_module

# Each feature binds itself with init_app(app): its blueprint, commands, hooks and templates.
FEATURES = (
    "security", "i18n", "logs", "auth", "audit", "questionnaires", "fieldwork", "responses",
    "respond", "api", "datasets", "kiosk", "results", "maintenance", "ratelimits", "health", "errors", "demo",
)


class SurveyFlask(Flask):
    """Flask, with `ensure_sync`'s answer kept per function.

    Flask asks it of every hook and view of every request (about a dozen times for a submission),
    and each time inspects the function to tell a coroutine function from a plain one. The
    functions are the same ones on every request; what it answered is kept for them."""

    _SYNC_KEPT_MAX = 2048   # hooks and views are a fixed set; anything beyond is asked afresh

    def ensure_sync(self, func):
        kept = self.__dict__.setdefault("_sync_kept", {})
        try:
            return kept[func]
        except KeyError:
            pass
        except TypeError:   # an unhashable callable
            return super().ensure_sync(func)
        sync = super().ensure_sync(func)
        if len(kept) < self._SYNC_KEPT_MAX:
            kept[func] = sync
        return sync

    def request_context(self, environ):
        """Flask's, with the request's size limits taken from the config now.

        Flask's request reads MAX_CONTENT_LENGTH, MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS through
        `current_app` each time it is asked: ten look-ups through the proxy when a form is read.
        Set on the request (as Flask 3.1 lets a view do), they are read once, and a view can
        still set its own."""
        ctx = super().request_context(environ)
        config, request = self.config, ctx.request
        request.max_content_length = config["MAX_CONTENT_LENGTH"]
        request.max_form_memory_size = config["MAX_FORM_MEMORY_SIZE"]
        request.max_form_parts = config["MAX_FORM_PARTS"]
        return ctx


def create_app(config: dict | None = None) -> Flask:
    app = SurveyFlask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    config_module.settle(app.config, app.instance_path)
    config_module.refuse_unsafe_production(app.config)
    # UTF-8 in JSON and in the session cookie: Arabic text stays a third of its escaped size
    app.json.ensure_ascii = False

    from .extensions import init_extensions
    init_extensions(app, migrations=str(config_module.REPO_ROOT / "migrations"))

    from . import models  # noqa: F401  (every table known before a migration or a query runs)
    # Mappers configured now, once per process, not inside the first request or export that queries
    # (tens of milliseconds there); a mapping mistake then stops the start instead of a request.
    configure_mappers()
    from importlib import import_module
    for feature in FEATURES:
        import_module(f".{feature}", __name__).init_app(app)
    return app
