"""The audit trail: written by collection, user and sign-in changes, in the same transaction as the
change, and never rewritten."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import AuditRecord, Collection


def actions() -> list[tuple[str, str, str | None]]:
    return [(r.action, r.actor, r.object_id) for r in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_creating_a_collection_from_the_command_line_is_audited(runner, app):
    runner.invoke(args=["forms", "load"])
    result = runner.invoke(args=["collections", "add", "forum-dec", "--form", "youth", "--activity", "Forum"])
    assert result.exit_code == 0, result.output
    assert ("collection.create", "cli", "forum-dec") in actions()


def test_an_audit_record_and_its_change_roll_back_together(app, make_collection):
    from survey.fieldwork.operations import create_collection
    from survey.i18n import ui_languages
    make_collection("first")  # loads the questionnaire; committed
    before = db.session.scalar(select(func.count(AuditRecord.id)))
    create_collection("second", "allkinds", activity="x", wave="event", ui_languages=ui_languages(),
                      actor_name="cli")
    # something else in the same transaction breaks a constraint: the commit fails
    db.session.add(Collection(slug="second", version=db.session.scalar(select(Collection)).version,
                              audience="any", activity="x", wave="event", languages=["sv"], channel="both"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditRecord.id))) == before
    assert db.session.scalar(select(Collection).where(Collection.slug == "second")) is None


def test_sign_ins_are_audited_and_failed_ones_too(client, staff):
    staff.create("anna", "coordinator", "the-right-passphrase")
    client.post("/staff/login", data={"username": "anna", "password": "wrong guess"})
    client.post("/staff/login", data={"username": "nobody-here", "password": "x"})
    client.post("/staff/login", data={"username": "anna", "password": "the-right-passphrase"})
    recorded = actions()
    assert ("signin.failed", "anonymous", "anna") in recorded
    assert ("signin", "anna", "anna") in recorded
    # a mistyped user name may be a password typed into the wrong field: it is never written down
    assert not any("nobody-here" in str(entry) for entry in recorded)
    assert all("the-right-passphrase" not in str(r.detail) for r in db.session.scalars(select(AuditRecord)))


def test_user_changes_are_audited(runner, app):
    runner.invoke(args=["users", "add", "bo", "--role", "researcher"])
    runner.invoke(args=["users", "reset-password", "bo"])
    assert [a for a in actions() if a[2] == "bo"] == [("user.create", "cli", "bo"), ("user.reset_password", "cli", "bo")]


def test_the_trail_is_append_only(runner, app):
    runner.invoke(args=["users", "add", "bo"])
    entry = db.session.scalar(select(AuditRecord))
    entry.detail = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditRecord)))
    with pytest.raises(ValueError, match="append-only"):
        db.session.commit()
    db.session.rollback()
