"""Who a rate limit counts, in one place: every key is a keyed hash, never a raw address or name.

- API and sign-in per address: `hashed_client_key` (survey/extensions.py, the limiter's default).
- Sign-in per account: `account_failures_key`, counting failed attempts only (`failed_sign_in`) over
  a short window, so a stranger can slow an account down but never lock its owner out for long,
  while the per-address limit bounds what any one source can try.
- The respondent's answer pages (POST /s/...): `respondent_key`. A kiosk tablet is counted on its
  own through the `kiosk` value the kiosk set-up puts in its signed session, so thirty tablets behind
  one event router never share a bucket; only a visitor without one is counted by address.
"""
from __future__ import annotations

import hashlib
import hmac
from functools import cache

from flask import current_app, request, session

from .extensions import hashed_client_key, limiter

KIOSK_SESSION_KEY = "kiosk"


def _keyed_hash(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return f"{kind}:" + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def respondent_key() -> str:
    kiosk = session.get(KIOSK_SESSION_KEY)
    if kiosk:
        return _keyed_hash("kiosk", str(kiosk))
    return "address:" + hashed_client_key()


def account_failures_key() -> str:
    # names are folded so that "Anna" and "anna " count together; the store sees only the hash
    return _keyed_hash("account", (request.form.get("username") or "").strip().casefold())


def failed_sign_in(response) -> bool:
    """A sign-in that succeeded redirects; anything else (wrong password, empty form) is a failure."""
    return response.status_code != 302


@cache
def _limit_answer_pages() -> None:
    # the blueprint is one object for every app built in this process: limit it once, not per app
    from .respond.views import bp as respond_bp
    limiter.limit(lambda: current_app.config["RESPONDENT_RATE_LIMIT"], key_func=respondent_key,
                  methods=["POST"])(respond_bp)


def init_app(_app) -> None:
    _limit_answer_pages()
