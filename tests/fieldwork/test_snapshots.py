"""The collection rows a worker keeps for the answer pages and the API (survey/fieldwork/snapshots.py)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from survey.clock import local_today
from survey.extensions import db
from survey.fieldwork.models import Collection
from survey.fieldwork.snapshots import EXTENSION, SnapshotCache


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_row_is_kept_for_its_seconds_then_read_again():
    clock, reads = Clock(), []
    cache = SnapshotCache(2, clock)

    def read(slug):
        reads.append(slug)
        return {"slug": slug, "read": len(reads)}
    assert cache.get("summer", read)["read"] == 1
    clock.now += 1.9
    assert cache.get("summer", read)["read"] == 1
    clock.now += 0.2
    assert cache.get("summer", read)["read"] == 2
    cache.clear()
    assert cache.get("summer", read)["read"] == 3


def test_a_missing_collection_is_not_kept_and_zero_seconds_keeps_nothing():
    clock = Clock()
    rows = {}
    cache = SnapshotCache(2, clock)
    assert cache.get("later", rows.get) is None
    rows["later"] = {"slug": "later"}
    assert cache.get("later", rows.get) == {"slug": "later"}     # created a moment later: found at once
    never = SnapshotCache(0, clock)
    assert never.get("later", rows.get) == {"slug": "later"}
    rows["later"] = {"slug": "later", "changed": True}
    assert never.get("later", rows.get)["changed"]


def test_closing_a_collection_in_this_worker_refuses_the_next_submission_at_once(app, make_collection, submit):
    collection = make_collection("summer")
    assert app.config["COLLECTION_SNAPSHOT_SECONDS"] > 0
    assert submit("summer").status_code == 201                  # the row is now kept
    # as the staff page does: through the model, in this process (closed before the grace days began)
    collection.opens_on = local_today(app.config["TIMEZONE"]) - timedelta(days=90)
    collection.closes_on = local_today(app.config["TIMEZONE"]) - timedelta(days=60)
    db.session.commit()
    assert submit("summer").status_code == 410


def test_a_change_made_elsewhere_reaches_this_worker_once_its_seconds_are_over(app, make_collection, submit):
    make_collection("summer")
    cache = app.extensions[EXTENSION]
    clock = Clock()
    cache.clock = clock
    assert submit("summer").status_code == 201
    # another worker or `flask collections close` changes the row: not through this process's session
    long_ago = local_today(app.config["TIMEZONE"]) - timedelta(days=60)
    db.session.execute(update(Collection).where(Collection.slug == "summer").values(closes_on=long_ago))
    db.session.commit()
    assert submit("summer").status_code == 201                  # still the kept row, within its seconds
    clock.now += cache.seconds + 0.1
    assert submit("summer").status_code == 410
