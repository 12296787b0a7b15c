"""The survey server of Kraftsamling Herrgården: the application factory."""
from __future__ import annotations

import os

from flask import Flask

from . import config as config_module


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    config_module.refuse_unsafe_production(app.config)
    # UTF-8 in JSON and in the session cookie: Arabic text stays a third of its escaped size
    app.json.ensure_ascii = False

    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from . import i18n, logs

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.REPO_ROOT / "migrations"))
    babel.init_app(app, locale_selector=i18n.get_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    logs.init_app(app)

    from .api import bp as api_bp
    from .health import bp as health_bp
    from .respond import bp as respond_bp
    from .staff import bp as staff_bp
    from .errors import register_error_pages

    app.register_blueprint(respond_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(health_bp)
    csrf.exempt(api_bp)  # the API takes JSON from offline clients, not forms
    register_error_pages(app)

    from .fieldwork.cli import collections_cli
    from .library.cli import forms_cli
    from .library import document_cli, xlsform_cli  # noqa: F401  (they add commands to forms_cli)
    from .translation_workflow.cli import translations_cli
    from .staff.cli import demo_cli, users_cli

    for group in (forms_cli, collections_cli, users_cli, demo_cli, translations_cli):
        app.cli.add_command(group)
    return app
