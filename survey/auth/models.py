"""Staff accounts. Respondents never have one."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from .permissions import ROLES, Permission, role_has


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(db.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    role: Mapped[str] = mapped_column(db.String(20))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=db.true())
    # Part of every session cookie of this user: a new token ends every session signed in before.
    session_token: Mapped[str] = mapped_column(db.String(32), default=new_session_token,
                                               server_default="initial")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def can(self, permission: Permission) -> bool:
        return role_has(self.role, permission)

    def end_sessions(self) -> None:
        """Every cookie issued before stops working (logout, new password, role change, disabling)."""
        self.session_token = new_session_token()
