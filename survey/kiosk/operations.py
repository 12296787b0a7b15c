"""Starting, opening and ending kiosks. Operations add and flush; the view or command commits."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..audit.operations import record
from ..fieldwork.models import Collection
from ..fieldwork.operations import confirm_guardian_consent
from ..extensions import db
from .models import Kiosk
from .pins import new_pin, pin_is_acceptable, pin_matches

LINK_VALID = timedelta(hours=12)
IDLE_LIMITS = (15, 900)   # seconds: long enough to read a question, short enough for the next child


class KioskError(ValueError):
    """A kiosk cannot be started as asked; the message says why in plain words."""


def start_kiosk(collection: Collection, pin: str, *, idle_seconds: int, guardians_confirmed: bool,
                actor, now: datetime, on_this_device: bool) -> tuple[Kiosk, str | None]:
    """Start a kiosk; returns it with the one-time link token when it is to be opened on another device.

    A children's collection (guardian_consent) needs the coordinator's confirmation that the
    guardians have agreed, recorded before the first child answers.
    """
    if not pin_is_acceptable(pin):
        raise KioskError("the PIN must be 4 to 8 digits")
    if not IDLE_LIMITS[0] <= idle_seconds <= IDLE_LIMITS[1]:
        raise KioskError(f"the inactivity timeout must be {IDLE_LIMITS[0]} to {IDLE_LIMITS[1]} seconds")
    if collection.guardian_consent:
        if not guardians_confirmed:
            raise KioskError("confirm that the guardians of the children who answer have agreed")
        confirm_guardian_consent(collection, actor=actor)
    salt, rounds, digest = new_pin(pin)
    token = None if on_this_device else secrets.token_urlsafe(24)
    kiosk = Kiosk(collection=collection, pin_salt=salt, pin_rounds=rounds, pin_digest=digest,
                  idle_seconds=idle_seconds, started_by_id=getattr(actor, "id", None), started_at=now,
                  opened_at=now if on_this_device else None,
                  link_digest=_link_digest(token) if token else None,
                  link_expires_at=None if on_this_device else now + LINK_VALID)
    db.session.add(kiosk)
    db.session.flush()
    record("kiosk.start", actor=actor, obj=collection,
           detail=f"kiosk {kiosk.id}, {'on this device' if on_this_device else 'one-time link'}, "
                  f"idle {idle_seconds} s")
    return kiosk, token


def open_link(token: str, now: datetime) -> Kiosk | None:
    """The kiosk a one-time link starts, consumed; None when the link is unknown, used or expired."""
    kiosk = db.session.scalar(select(Kiosk).where(Kiosk.link_digest == _link_digest(token)))
    if kiosk is None or kiosk.ended_at or kiosk.link_expires_at is None or now > kiosk.link_expires_at:
        return None
    kiosk.link_digest = None          # one time only: a photographed link is useless afterwards
    kiosk.link_expires_at = None
    kiosk.opened_at = now
    db.session.flush()
    record("kiosk.open", actor_name="kiosk", obj=kiosk.collection, detail=f"kiosk {kiosk.id} opened by link")
    return kiosk


def end_kiosk(kiosk: Kiosk, pin: str, now: datetime) -> bool:
    """End kiosk mode when the PIN is right; the tablet keeps any queued responses and sends them."""
    if kiosk.ended_at or not pin_matches(pin, kiosk.pin_salt, kiosk.pin_rounds, kiosk.pin_digest):
        return False
    kiosk.ended_at = now
    db.session.flush()
    record("kiosk.end", actor_name="kiosk", obj=kiosk.collection, detail=f"kiosk {kiosk.id} ended with the PIN")
    return True


def _link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
