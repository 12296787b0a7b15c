"""Kiosks: a shared tablet turned into a survey station for one collection until a coordinator ends it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..fieldwork.models import Collection


class Kiosk(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id"), index=True)
    # The coordinator's PIN as PBKDF2-SHA256 (salt, rounds, digest): the server checks it with hashlib,
    # and the tablet checks the same digest with WebCrypto when it is offline. Never the PIN itself.
    pin_salt: Mapped[str] = mapped_column(db.String(32))
    pin_rounds: Mapped[int]
    pin_digest: Mapped[str] = mapped_column(db.String(64))
    idle_seconds: Mapped[int] = mapped_column(default=90)
    # A one-time link (`flask kiosk start`) is kept as a SHA-256 digest until the tablet opens it.
    link_digest: Mapped[str | None] = mapped_column(db.String(64), unique=True, nullable=True)
    link_expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(nullable=True)   # when the tablet took it
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    collection: Mapped[Collection] = relationship()

    @property
    def active(self) -> bool:
        return self.ended_at is None and self.opened_at is not None
