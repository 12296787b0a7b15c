"""Maintenance: backups and restores of the database, and the retention of raw responses."""


def init_app(app) -> None:
    from .cli import backup_cli, restore, retention_cli
    app.cli.add_command(backup_cli)
    app.cli.add_command(restore)
    app.cli.add_command(retention_cli)
