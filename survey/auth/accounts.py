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
from .passwords import PasswordProblem, password_problem
from .permissions import ROLES

_hasher = PasswordHasher()


class PasswordRejected(ValueError):
    def __init__(self, problem: PasswordProblem):
        super().__init__(f"password rejected: {problem}")
        self.problem = problem


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


def new_password_problem(user: StaffUser, password: str) -> PasswordProblem | None:
    """Why `password` cannot be the user's new one, or None; the one-time password cannot be kept."""
    return password_problem(password, same_as_current=_matches(user, password))


def set_password(user: StaffUser, password: str, *, actor_name: str | None = None) -> None:
    """The user's own password (by the user, or by `actor_name` such as the CLI); sessions end."""
    problem = new_password_problem(user, password)
    if problem:
        raise PasswordRejected(problem)
    user.password_hash = _hasher.hash(password)
    user.must_change_password = False
    user.end_sessions()
    record("user.change_password", actor=None if actor_name else user, actor_name=actor_name, obj=user)


def disable_user(user: StaffUser, *, actor=None, actor_name: str | None = None) -> None:
    """The account can no longer sign in, and every session of it ends now."""
    user.active = False
    user.end_sessions()
    record("user.disable", actor=actor, actor_name=actor_name, obj=user)


def enable_user(user: StaffUser, *, actor=None, actor_name: str | None = None) -> None:
    user.active = True
    record("user.enable", actor=actor, actor_name=actor_name, obj=user)


def change_role(user: StaffUser, role: str, *, actor=None, actor_name: str | None = None) -> None:
    """A new role; sessions signed in under the old one end, so no page keeps its old rights."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    before = user.role
    user.role = role
    user.end_sessions()
    record("user.role", actor=actor, actor_name=actor_name, obj=user, detail=f"{before} -> {role}")


def all_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.username)))


def _matches(user: StaffUser, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


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

