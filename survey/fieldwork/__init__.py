"""Fieldwork: collections (a questionnaire version put in front of people at an activity, with dates
and languages), their states, and the staff pages and commands that manage them."""


def init_app(app) -> None:
    from . import snapshots
    from .cli import collections_cli
    from .views import bp
    snapshots.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(collections_cli)
