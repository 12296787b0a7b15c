"""`flask backup PATH`, `flask backup check DUMP`, `flask restore PATH`, `flask retention ...`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..clock import local_today
from ..extensions import db
from ..fieldwork.operations import by_slug
from . import backup as backups
from .operations import apply_retention, record_backup, retention_plan, set_retention


class BackupGroup(AppGroup):
    """`backup PATH` makes a backup; `backup check DUMP` checks one: a path is not a subcommand."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["create", *args]
        return super().parse_args(ctx, args)


backup_cli = BackupGroup("backup", help="Back up the database (PATH), or check a backup (check DUMP).")


def _database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _echo_counts(counts) -> None:
    for count in counts:
        click.echo(f"  {count.table:<28} {count.rows:>9}")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create(path):
    """Write a consistent backup to PATH while the server runs (SQLite: a database file; PostgreSQL:
    a pg_dump custom-format file). Restore it with `flask --app wsgi restore PATH`."""
    url = _database_url()
    try:
        database = backups.sqlite_path(url)
        if database is not None:
            counts = backups.backup_sqlite(database, path)
        elif url.startswith("postgres"):
            counts = backups.backup_postgresql(url, path)
        else:
            raise backups.BackupError(f"backups are made of SQLite files and PostgreSQL databases, not {url.split(':')[0]}")
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    record_backup("backup.create", str(path), counts)
    db.session.commit()
    click.echo(f"backup written: {path}")
    _echo_counts(counts)


@backup_cli.command("check")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(dump):
    """Check a backup without restoring it: list its tables and the rows in each."""
    try:
        counts = (backups.check_sqlite(dump) if backups.kind_of(dump) == "sqlite" else backups.check_pg_dump(dump))
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"{dump}: a readable {backups.kind_of(dump)} backup")
    _echo_counts(counts)


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds responses.")
@with_appcontext
def restore(path, force):
    """Replace the database with the backup at PATH, in one transaction. Refuses to replace a
    database that holds responses unless --force is given."""
    url = _database_url()
    try:
        kind = backups.kind_of(path)
        database = backups.sqlite_path(url)
        if (kind == "sqlite") != (database is not None):
            raise backups.BackupError(f"{path} is a {kind} backup, but the server's database is not {kind}.")
        held = backups.sqlite_responses(database) if database else _responses_in_postgresql()
        if held and not force:
            raise backups.BackupError(
                f"The database holds {held} responses; restoring would replace them. Make a backup of it first "
                f"(flask --app wsgi backup PATH), then run restore again with --force.")
        # no open transaction of ours holds a lock the restore waits for, no pooled connection the old schema
        db.session.remove()
        db.engine.dispose()
        counts = backups.restore_sqlite(path, database) if database else backups.restore_postgresql(path, url)
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    record_backup("restore", str(path), counts)
    db.session.commit()
    click.echo(f"restored from {path} (replacing {held} responses)")
    _echo_counts(counts)


def _responses_in_postgresql() -> int:
    from sqlalchemy import inspect, text
    if not inspect(db.engine).has_table("response"):
        return 0
    return db.session.execute(text("SELECT count(*) FROM response")).scalar_one()


retention_cli = AppGroup("retention", help="How long raw responses are kept after a collection closes.")


def _default_days() -> int:
    return current_app.config["RETENTION_DEFAULT_DAYS"]


@retention_cli.command("apply")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
def apply(dry_run):
    """Delete the responses of collections past their retention period (counted from the closing
    date). Exported files are never touched. Try --dry-run first."""
    today = local_today(current_app.config["TIMEZONE"])
    plan = retention_plan(today, _default_days())
    due = [step for step in plan if step.due and step.responses]
    for step in plan:
        until = step.delete_after.isoformat() if step.delete_after else "no closing date: kept"
        click.echo(f"  {step.slug:<30} {step.responses:>7} responses  kept until {until}"
                   + ("  DUE" if step.due and step.responses else ""))
    if dry_run:
        click.echo(f"dry run: {sum(s.responses for s in due)} responses in {len(due)} collections would be deleted")
        return
    done = apply_retention(today, _default_days(), tz=current_app.config["TIMEZONE"])
    db.session.commit()
    click.echo(f"deleted {sum(s.responses for s in done)} responses in {len(done)} collections")


@retention_cli.command("set")
@click.argument("slug")
@click.argument("days", required=False, type=click.IntRange(min=0))
@click.option("--default", "use_default", is_flag=True, help="Use the server's default period again.")
def set_days(slug, days, use_default):
    """Keep the responses of collection SLUG for DAYS days after it closes."""
    collection = by_slug(slug)
    if collection is None:
        raise click.ClickException(f"no collection '{slug}'")
    if (days is None) == (not use_default):
        raise click.ClickException("give DAYS or --default")
    grace = current_app.config["SUBMISSION_GRACE_DAYS"]
    if days is not None and days < grace:
        raise click.ClickException(f"at least {grace} days: tablets may still send answers that long after closing "
                                   "(SUBMISSION_GRACE_DAYS)")
    set_retention(collection, days, actor_name="cli")
    db.session.commit()
    click.echo(f"{slug}: responses kept {days if days is not None else _default_days()} days after closing")
