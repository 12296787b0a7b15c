"""The respondent's path: language, information and consent, pages, thank-you. Works without JavaScript."""


def init_app(app) -> None:
    from flask import session

    from ..i18n import add_locale_hint
    from .journey import Journey
    from .views import bp
    app.register_blueprint(bp)
    add_locale_hint(app, lambda: Journey.language_in(session))
