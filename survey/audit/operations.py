"""Writing the audit trail. `record` adds and flushes; the caller's commit makes it land with the change."""
from __future__ import annotations

from ..extensions import db
from .models import AuditRecord

DETAIL_LENGTH = 500


def record(action: str, *, actor=None, actor_name: str | None = None, obj=None, object_type: str | None = None,
           object_id=None, detail: str = "") -> AuditRecord:
    """Record `action` by `actor` (a StaffUser) or `actor_name` ("cli"), on `obj` or (object_type, object_id)."""
    if obj is not None:
        object_type = object_type or type(obj).__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "slug", None) or getattr(obj, "username", None) or obj.id
    entry = AuditRecord(actor_id=getattr(actor, "id", None),
                        actor=getattr(actor, "username", None) or actor_name or "anonymous",
                        action=action, object_type=object_type,
                        object_id=None if object_id is None else str(object_id)[:80],
                        detail=detail[:DETAIL_LENGTH])
    db.session.add(entry)
    db.session.flush()
    return entry
