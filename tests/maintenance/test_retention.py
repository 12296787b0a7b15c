"""Retention: responses go when their collection's period has run out, never before, never exports."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from survey.audit.models import AuditRecord
from survey.clock import local_today
from survey.extensions import db
from survey.fieldwork.models import Collection
from survey.fieldwork.operations import by_slug
from survey.maintenance.retention import delete_after, is_due
from survey.responses.models import Response


def test_a_collection_without_a_closing_date_is_never_due():
    assert delete_after(None, 30, 1826) is None
    assert not is_due(None, 30, 1826, date(2099, 1, 1))


def test_the_period_counts_from_the_closing_date_and_the_last_day_is_kept():
    closes = date(2026, 8, 31)
    assert delete_after(closes, None, 1826) == date(2031, 8, 31)   # five years, one leap day
    assert not is_due(closes, 30, 1826, date(2026, 9, 30))
    assert is_due(closes, 30, 1826, date(2026, 10, 1))


def collection_with_responses(make_collection, submit, slug, count, closed_days_ago=None, retention_days=None):
    make_collection(slug)
    for _ in range(count):
        assert submit(slug).status_code == 201
    collection = by_slug(slug)
    if closed_days_ago is not None:
        collection.closes_on = local_today("Europe/Stockholm") - timedelta(days=closed_days_ago)
    collection.retention_days = retention_days
    db.session.commit()
    return collection


def stored(slug):
    return db.session.scalar(select(func.count()).select_from(Response).join(Response.collection)
                             .where(Collection.slug == slug))


def test_a_dry_run_says_what_would_go_and_deletes_nothing(app, runner, make_collection, submit):
    collection_with_responses(make_collection, submit, "old", 3, closed_days_ago=6 * 365)
    result = runner.invoke(args=["retention", "apply", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "3 responses in 1 collections would be deleted" in result.output
    assert stored("old") == 3
    assert not db.session.scalars(select(AuditRecord).where(AuditRecord.action == "retention.delete")).all()


def test_responses_past_the_default_period_are_deleted_and_counted(app, runner, make_collection, submit):
    collection_with_responses(make_collection, submit, "old", 3, closed_days_ago=6 * 365)
    collection_with_responses(make_collection, submit, "recent", 2, closed_days_ago=365)
    result = runner.invoke(args=["retention", "apply"])
    assert result.exit_code == 0, result.output
    assert "deleted 3 responses in 1 collections" in result.output
    assert (stored("old"), stored("recent")) == (0, 2)


def test_responses_not_yet_in_the_results_tallies_are_counted_before_they_go(app, runner, make_collection, submit):
    from survey.results.models import ResponseTally
    collection = collection_with_responses(make_collection, submit, "old", 3, closed_days_ago=6 * 365)
    assert db.session.scalars(select(ResponseTally)).all() == []       # nobody has looked at results yet
    assert runner.invoke(args=["retention", "apply"]).exit_code == 0
    assert stored("old") == 0
    assert db.session.scalar(select(func.sum(ResponseTally.responses))
                             .where(ResponseTally.collection_id == collection.id)) == 3


def test_a_collection_s_own_period_overrides_the_default(app, runner, make_collection, submit):
    collection_with_responses(make_collection, submit, "short", 2, closed_days_ago=60, retention_days=30)
    collection_with_responses(make_collection, submit, "short-recent", 2, closed_days_ago=10, retention_days=30)
    runner.invoke(args=["retention", "apply"])
    assert (stored("short"), stored("short-recent")) == (0, 2)


def test_an_open_collection_is_never_touched(app, runner, make_collection, submit):
    collection_with_responses(make_collection, submit, "ongoing", 2, retention_days=30)
    runner.invoke(args=["retention", "apply"])
    assert stored("ongoing") == 2


def test_each_deletion_is_in_the_audit_trail(app, runner, make_collection, submit):
    collection_with_responses(make_collection, submit, "old", 3, closed_days_ago=6 * 365)
    runner.invoke(args=["retention", "apply"])
    entry = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "retention.delete")).one()
    assert (entry.object_id, entry.actor) == ("old", "cli")
    assert entry.detail.startswith("3 responses deleted")


def test_exports_already_delivered_are_never_touched(app, runner, make_collection, submit, tmp_path):
    app.config["EXPORTS_DIR"] = str(tmp_path)
    delivered = tmp_path / "old-anonymized.zip"
    delivered.write_bytes(b"the dataset the university received")
    collection_with_responses(make_collection, submit, "old", 3, closed_days_ago=6 * 365)
    runner.invoke(args=["retention", "apply"])
    assert delivered.read_bytes() == b"the dataset the university received"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old-anonymized.zip"]


def test_setting_a_period_shorter_than_the_grace_days_is_refused(app, runner, make_collection):
    make_collection("summer")
    result = runner.invoke(args=["retention", "set", "summer", "3"])
    assert result.exit_code != 0 and "SUBMISSION_GRACE_DAYS" in result.output
    assert by_slug("summer").retention_days is None


def test_setting_a_period_is_audited(app, runner, make_collection):
    make_collection("summer")
    result = runner.invoke(args=["retention", "set", "summer", "400"])
    assert result.exit_code == 0, result.output
    assert by_slug("summer").retention_days == 400
    entry = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "collection.retention")).one()
    assert entry.detail == "retention_days None -> 400"
