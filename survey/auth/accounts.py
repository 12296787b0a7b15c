"""Staff accounts: argon2 password hashes and one-time passwords that must be changed at first sign-in.

Operations add and flush (with their audit record); the view or command commits.
"""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ..audit.operations import record
from ..extensions import db
from .models import StaffUser
from .permissions import ROLES

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def create_user(username: str, role: str = "coordinator", *, actor=None,
                actor_name: str | None = None) -> tuple[StaffUser, str]:
    """Create an account with a one-time password, returned once and never stored in clear."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if find_user(username):
        raise ValueError(f"the user '{username}' exists already")
    password = one_time_password()
    user = StaffUser(username=username, role=role, password_hash=_hasher.hash(password), must_change_password=True)
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=actor, actor_name=actor_name, obj=user, detail=f"role {role}")
    return user, password


def reset_password(user: StaffUser, *, actor=None, actor_name: str | None = None) -> str:
    password = one_time_password()
    user.password_hash = _hasher.hash(password)
    user.must_change_password = True
    user.end_sessions()
    record("user.reset_password", actor=actor, actor_name=actor_name, obj=user)
    return password


def set_password(user: StaffUser, password: str) -> None:
    user.password_hash = _hasher.hash(password)
    user.must_change_password = False
    user.end_sessions()
    record("user.change_password", actor=user, obj=user)


def find_user(username: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def authenticate(username: str, password: str) -> StaffUser | None:
    """The user if the password is right and the account active; every attempt is audited."""
    user = find_user(username)
    if user is None:
        _hasher.hash(password)  # same work either way, so timing does not tell which usernames exist
        # the typed name is not recorded: it may be a password typed into the wrong field
        record("signin.failed", detail="unknown user name")
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        record("signin.failed", obj=user, detail="wrong password")
        return None
    if not user.active:
        record("signin.failed", obj=user, detail="account disabled")
        return None
    record("signin", actor=user, obj=user)
    return user


def change_role(user: StaffUser, role: str, *, actor) -> None:
    """Give `user` another role; their sessions end, so the new rights apply from the next sign-in."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    before = user.role
    user.role = role
    user.end_sessions()
    record("user.change_role", actor=actor, obj=user, detail=f"{before} -> {role}")
    db.session.flush()


def disable_user(user: StaffUser, *, actor) -> None:
    """Disable an account: it can no longer sign in, and every session of it ends at once."""
    user.active = False
    user.end_sessions()
    record("user.disable", actor=actor, obj=user)
    db.session.flush()


def all_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.username)))
