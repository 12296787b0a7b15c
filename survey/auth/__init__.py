"""Staff accounts, roles and permissions, sign-in, API tokens, and the one check every request passes."""


def init_app(app) -> None:
    from . import token_views  # noqa: F401  (adds the token routes to the auth blueprint)
    from .access import init_access
    from .cli import users_cli
    from .token_cli import tokens_cli
    from .views import bp
    init_access(app)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
