"""Audit records: append-only, written in the same transaction as the change they record."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class AuditRecord(db.Model):
    __tablename__ = "audit_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # the staff member who acted; none for the command line or a failed sign-in by an unknown name
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    actor: Mapped[str] = mapped_column(db.String(80))     # a username, "cli" or "anonymous"
    action: Mapped[str] = mapped_column(db.String(60))    # e.g. "collection.create", "signin.failed"
    object_type: Mapped[str | None] = mapped_column(db.String(40), nullable=True)
    object_id: Mapped[str | None] = mapped_column(db.String(80), nullable=True)
    detail: Mapped[str] = mapped_column(db.String(500), default="")


@event.listens_for(AuditRecord, "before_update")
@event.listens_for(AuditRecord, "before_delete")
def _append_only(_mapper, _connection, record):
    raise ValueError(f"audit record {record.id} cannot be changed or deleted: the trail is append-only")
