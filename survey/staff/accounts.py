"""Staff accounts: argon2 password hashes and one-time passwords that must be changed at first sign-in."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ..extensions import db
from ..models import ROLES, StaffUser

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def create_user(username: str, role: str = "coordinator") -> tuple[StaffUser, str]:
    """Create an account with a one-time password, returned once and never stored in clear."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if find_user(username):
        raise ValueError(f"the user '{username}' exists already")
    password = one_time_password()
    user = StaffUser(username=username, role=role, password_hash=_hasher.hash(password), must_change_password=True)
    db.session.add(user)
    db.session.commit()
    return user, password


def reset_password(user: StaffUser) -> str:
    password = one_time_password()
    user.password_hash = _hasher.hash(password)
    user.must_change_password = True
    db.session.commit()
    return password


def set_password(user: StaffUser, password: str) -> None:
    user.password_hash = _hasher.hash(password)
    user.must_change_password = False
    db.session.commit()


def find_user(username: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def authenticate(username: str, password: str) -> StaffUser | None:
    user = find_user(username)
    if user is None:
        _hasher.hash(password)  # same work either way, so timing does not tell which usernames exist
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user
