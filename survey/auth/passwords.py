"""What a staff password must be: long enough, not a common one, not the one-time password kept.

Plain Python: the account operations, the password form and `flask users add --password-stdin`
all ask `password_problem`, so the rule lives here once.
"""
from __future__ import annotations

import enum
from functools import cache

MIN_LENGTH = 12
# The most common passwords first; 10,000 of them cover what guessing tries first.
COMMON_COUNT = 10_000


class PasswordProblem(enum.StrEnum):
    TOO_SHORT = "too_short"
    COMMON = "common"
    UNCHANGED = "unchanged"   # the one-time password (or the current one) typed again


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords of zxcvbn's list (leaked-password frequency data, the xato
    corpus; MIT licence), loaded on first use only: the module is large."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_COUNT])


def password_problem(password: str, *, same_as_current: bool = False) -> PasswordProblem | None:
    if len(password) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if password.lower() in common_passwords():
        return PasswordProblem.COMMON
    if same_as_current:
        return PasswordProblem.UNCHANGED
    return None
