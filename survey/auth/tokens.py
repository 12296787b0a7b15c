"""API tokens: how a researcher's script (R, Python) fetches exports without a browser session.

A token is 32 random bytes shown once; only its SHA-256 is stored, so a copy of the database
gives no working token. A token acts as its user: it works only while the user is active and their
role still has the permission asked for, and optionally only for some collections.

Operations add and flush (with their audit record); the view or command commits.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.operations import record
from ..clock import utcnow
from ..extensions import db
from .models import StaffUser
from .permissions import Permission

PREFIX = "ksh_"   # lets secret scanners and people recognise a leaked token


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(80))
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)   # sha256 hex of the token
    # collection slugs this token may export; None: every collection the user's role may export
    collections: Mapped[list | None] = mapped_column(db.JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    user: Mapped[StaffUser] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, slug: str) -> bool:
        return self.collections is None or slug in self.collections


class TokenError(ValueError):
    """A token cannot be made as asked; the message says why."""


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: StaffUser, name: str, collections: list[str] | None = None, *, actor=None,
                 actor_name: str | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; the secret is returned once and never stored."""
    if not user.active:
        raise TokenError(f"the account '{user.username}' is disabled")
    if not user.can(Permission.EXPORT_DATA):
        raise TokenError(f"the role '{user.role}' may not export data, so its tokens would do nothing")
    name = (name or "").strip()[:80] or "token"
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(secret),
                     collections=sorted(set(collections)) if collections else None)
    db.session.add(token)
    db.session.flush()
    scope = ", ".join(token.collections) if token.collections else "all collections"
    record("token.create", actor=actor, actor_name=actor_name, obj=token, detail=f"for {user.username}: {name}; {scope}")
    return token, secret


def revoke_token(token: ApiToken, *, actor=None, actor_name: str | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record("token.revoke", actor=actor, actor_name=actor_name, obj=token, detail=f"of {token.user.username}")


def tokens_of(user: StaffUser) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def token_for(secret: str) -> ApiToken | None:
    """The active token with this secret, whose user is active; None for anything else."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    wanted = hash_token(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == wanted))
    # the look-up is by hash, so timing tells nothing of the secret; compared again in constant time anyway
    if token is None or not hmac.compare_digest(token.token_hash, wanted):
        return None
    if not token.active or not token.user.active:
        return None
    return token


def bearer_secret(header: str | None) -> str | None:
    scheme, _, secret = (header or "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None
