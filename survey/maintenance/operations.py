"""Maintenance operations on the database: they change state and flush; the command commits, so the
audit record lands together with the change."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select

from ..audit.operations import record
from ..extensions import db
from ..fieldwork.models import Collection
from ..responses.models import Response
from .retention import delete_after, is_due


@dataclass(frozen=True)
class RetentionStep:
    slug: str
    closes_on: date | None
    delete_after: date | None
    responses: int          # responses of the collection still stored
    due: bool


def retention_plan(today: date, default_days: int) -> list[RetentionStep]:
    counts = dict(db.session.execute(select(Response.collection_id, func.count()).group_by(Response.collection_id)).all())
    return [RetentionStep(c.slug, c.closes_on, delete_after(c.closes_on, c.retention_days, default_days),
                          counts.get(c.id, 0), is_due(c.closes_on, c.retention_days, default_days, today))
            for c in db.session.scalars(select(Collection).order_by(Collection.slug))]


def apply_retention(today: date, default_days: int, *, tz: str, actor_name: str = "cli") -> list[RetentionStep]:
    """Delete the responses of every collection past its retention period; one audit record each.

    The results' tallies outlive the raw answers, so every response not yet counted is counted first."""
    from ..results.tallies import catch_up_all
    catch_up_all(tz)
    done = []
    for step in retention_plan(today, default_days):
        if not step.due or not step.responses:
            continue
        collection = db.session.scalar(select(Collection).where(Collection.slug == step.slug))
        deleted = db.session.execute(delete(Response).where(Response.collection_id == collection.id)).rowcount
        record("retention.delete", actor_name=actor_name, obj=collection,
               detail=f"{deleted} responses deleted: closed {step.closes_on}, kept until {step.delete_after}")
        done.append(RetentionStep(step.slug, step.closes_on, step.delete_after, deleted, True))
    db.session.flush()
    return done


def set_retention(collection: Collection, days: int | None, *, actor=None, actor_name: str | None = None) -> None:
    """Set (or with None, reset to the default) how many days after closing its responses are kept."""
    before = collection.retention_days
    collection.retention_days = days
    record("collection.retention", actor=actor, actor_name=actor_name, obj=collection,
           detail=f"retention_days {before} -> {days}")
    db.session.flush()


def record_backup(action: str, path: str, counts, *, actor_name: str = "cli") -> None:
    summary = ", ".join(f"{c.table} {c.rows}" for c in counts if c.table != "alembic_version")
    record(action, actor_name=actor_name, object_type="database", object_id=path[-80:], detail=summary)
