"""Backup and restore: a round trip keeps every table that matters, and a restored server takes a
re-sent offline queue without storing anything twice."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text

from survey.audit.models import AuditRecord
from survey.extensions import db

TABLES = ("response", "questionnaire", "questionnaire_version", "collection", "staff_user")


def rows(table: str) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()]


def snapshot() -> dict[str, list[tuple]]:
    db.session.commit()
    return {table: rows(table) for table in TABLES + ("audit_record",)}


@pytest.fixture
def stored(app, make_collection, submit, staff):
    """A collection with three responses and a staff account: the state the backup is taken of."""
    make_collection("summer")
    staff.create("backup-tester", "coordinator")
    ids = [uuid.uuid4().hex for _ in range(3)]
    for client_id in ids:
        assert submit("summer", client_id=client_id).status_code == 201
    return ids


def backup_file(runner, tmp_path):
    path = tmp_path / "backups" / "survey-backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_a_backup_lists_its_tables_and_rows(app, stored, runner, tmp_path):
    path = tmp_path / "b.db"
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        path = tmp_path / "b.dump"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "response" in result.output and " 3" in result.output
    checked = runner.invoke(args=["backup", "check", str(path)])
    assert checked.exit_code == 0, checked.output
    assert any(line.split() == ["response", "3"] for line in checked.output.splitlines())


def test_a_backup_is_in_the_audit_trail(app, stored, runner, tmp_path):
    backup_file(runner, tmp_path)
    entry = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "backup.create")).one()
    assert "response 3" in entry.detail


def test_restore_refuses_to_replace_a_database_holding_responses(app, stored, runner, tmp_path):
    path = backup_file(runner, tmp_path)
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code != 0
    assert "holds 3 responses" in result.output and "--force" in result.output


def test_a_check_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = runner.invoke(args=["backup", "check", str(junk)])
    assert result.exit_code != 0
    assert "neither a SQLite database nor a pg_dump" in result.output


def test_a_round_trip_gives_back_every_table_and_the_audit_trail(app, stored, runner, tmp_path, submit):
    before = snapshot()
    path = backup_file(runner, tmp_path)
    assert submit("summer").status_code == 201          # arrives after the backup, then lost by the restore
    db.session.commit()
    result = runner.invoke(args=["restore", "--force", str(path)])
    assert result.exit_code == 0, result.output
    after = snapshot()
    for table in TABLES:
        assert after[table] == before[table], table
    assert after["audit_record"][:-1] == before["audit_record"]
    assert db.session.get(AuditRecord, after["audit_record"][-1][0]).action == "restore"


def test_a_restored_server_takes_a_resent_queue_without_duplicates(app, stored, runner, tmp_path,
                                                                    submit):
    path = backup_file(runner, tmp_path)
    late = uuid.uuid4().hex
    assert submit("summer", client_id=late).status_code == 201
    db.session.commit()
    assert runner.invoke(args=["restore", "--force", str(path)]).exit_code == 0
    # the tablets still hold every response they were not sure of, and send them all again
    statuses = [submit("summer", client_id=client_id).status_code for client_id in stored + [late]]
    assert statuses == [200, 200, 200, 201]
    assert db.session.execute(text("SELECT count(*), count(DISTINCT client_id) FROM response")).one() == (4, 4)
