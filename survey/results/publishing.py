"""Switching a collection's results page for participants on and off (audited)."""
from __future__ import annotations

from ..audit.operations import record
from ..extensions import db
from .models import PublicResults


def is_published(collection) -> bool:
    return db.session.get(PublicResults, collection.id) is not None


def set_published(collection, published: bool, *, actor=None, actor_name: str | None = None) -> bool:
    """Returns whether anything changed. The caller commits."""
    current = db.session.get(PublicResults, collection.id)
    if published == (current is not None):
        return False
    if published:
        db.session.add(PublicResults(collection_id=collection.id))
    else:
        db.session.delete(current)
    db.session.flush()
    record("results.publish" if published else "results.unpublish", actor=actor, actor_name=actor_name,
           obj=collection)
    return True
