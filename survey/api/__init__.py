"""The JSON API under /api/v1: the path offline tablets and scripts use."""


def init_app(app) -> None:
    from ..extensions import csrf
    from .views import bp
    app.register_blueprint(bp)
    csrf.exempt(bp)  # the API takes JSON from offline clients, not forms
