"""Staff accounts, roles and permissions, sign-in, and the one check every request passes."""


def init_app(app) -> None:
    from .access import init_access
    from .cli import users_cli
    from .views import bp
    init_access(app)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
