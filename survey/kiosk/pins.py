"""The coordinator's kiosk PIN: one digest format that Python's hashlib and the browser's WebCrypto
(PBKDF2-SHA256) both compute, so the tablet can check it offline and the server online."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

PIN = re.compile(r"^[0-9]{4,8}$")
# A tablet computes this in about 0.1 s; enough to make guessing from a copied page slow, not a vault.
ROUNDS = 100_000


def pin_is_acceptable(pin: str) -> bool:
    return bool(PIN.match(pin or ""))


def digest(pin: str, salt: str, rounds: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), rounds).hex()


def new_pin(pin: str) -> tuple[str, int, str]:
    """(salt, rounds, digest) for a new PIN."""
    salt = secrets.token_hex(16)
    return salt, ROUNDS, digest(pin, salt, ROUNDS)


def pin_matches(pin: str, salt: str, rounds: int, expected: str) -> bool:
    if not pin_is_acceptable(pin):
        return False
    return hmac.compare_digest(digest(pin, salt, rounds), expected)
