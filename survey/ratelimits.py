"""Who a rate limit counts, in one place: every key is a keyed hash, never a raw address or name.

- API and sign-in per address: `hashed_client_key` (survey/extensions.py, the limiter's default).
  The submission API counts through `submission_limit` below (the same key, store and 429).
- Sign-in per account: `account_failures_key`, counting failed attempts only (`failed_sign_in`) over
  a short window, so a stranger can slow an account down but never lock its owner out for long,
  while the per-address limit bounds what any one source can try.
- The respondent's answer pages (POST /s/...): `respondent_key`, counted by `_answer_page_limit`.
  A session carrying a `kiosk` value is counted on its own, so tablets behind one event router
  need not share a bucket; a visitor without one is counted by address. (The kiosk pages send
  their outbox to the submission API, counted per address under SUBMISSION_RATE_LIMIT.)
"""
from __future__ import annotations

import hashlib
import hmac
import threading
import time
from functools import lru_cache, wraps

from flask import current_app, request, session
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from .extensions import hashed_client_key, limiter

KIOSK_SESSION_KEY = "kiosk"


def _keyed_hash(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return f"{kind}:" + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def respondent_key() -> str:
    kiosk = session._get_current_object().get(KIOSK_SESSION_KEY)
    if kiosk:
        return _keyed_hash("kiosk", str(kiosk))
    return "address:" + hashed_client_key()


def account_failures_key() -> str:
    # names are folded so that "Anna" and "anna " count together; the store sees only the hash
    return _keyed_hash("account", (request.form.get("username") or "").strip().casefold())


def failed_sign_in(response) -> bool:
    """A sign-in that succeeded redirects; anything else (wrong password, empty form) is a failure."""
    return response.status_code != 302


class TooFast(TooManyRequests):
    """More requests than a limit allows; `limit` says for how long (the Retry-After header)."""

    def __init__(self, limit: RateLimitItem):
        super().__init__()
        self.limit = limit


@lru_cache(maxsize=16)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


# A lease is at most this share of a limit, and at most LEASE_MAX hits (see Leases).
LEASE_SHARE = 50
LEASE_MAX = 20


def lease_size(item: RateLimitItem) -> int:
    """600 per minute (the default) leases 12 hits at a time; a limit under 100 is counted one by one."""
    return max(1, min(LEASE_MAX, item.amount // LEASE_SHARE))


class Leases:
    """Hits counted in the shared store ahead of use, then spent by this process's threads.

    Under gunicorn's threads each round trip to Redis was a wait that handed the interpreter lock
    to another thread and back: about 1 ms of CPU per submission (benchmarks/README.md). So a
    process counts `lease_size` hits in the store at once and spends them locally. The store's
    count is never below the hits let through, so a limit is never exceeded: a lease is spent only
    within the window it was counted in (it ends at the window's reset), and what it leaves unspent
    when the window ends stays counted. The price is on the safe side and bounded: a client close
    to its limit may be refused up to a lease per process early. (A lease that ended sooner than
    its window would waste its rest each time: a client sending slowly would pay a whole lease per
    request and be refused long before its limit.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[tuple, list] = {}    # (item, *key parts) -> [hits left, ends at (time.time())]

    def spend(self, lease: tuple) -> bool:
        with self._lock:
            held = self._open.get(lease)
            if held is None or held[0] <= 0 or time.time() >= held[1]:
                return False
            held[0] -= 1
            return True

    def window_end(self, lease: tuple) -> float | None:
        """When the window this process last counted `lease` in ends, while it has not ended.

        A fixed window's end does not move, so a lease counted in it later needs no second round
        trip to learn it. (Were the store's count reset meanwhile, its new window would end later
        than this: the lease would end early, never late.)"""
        with self._lock:
            held = self._open.get(lease)
            return held[1] if held is not None and held[1] > time.time() else None

    def keep(self, lease: tuple, left: int, ends_at: float) -> None:
        """Add a lease just counted in the store. Threads that ran out at the same moment each take
        one: all are kept (replacing one by another would leave the first counted and unspent),
        spent until the earliest end among them, so none outlives the window it was counted in."""
        with self._lock:
            now = time.time()
            if len(self._open) > 10_000:      # one per client address: forget the ended ones
                self._open = {key: held for key, held in self._open.items() if held[1] > now}
            held = self._open.get(lease)
            if held is not None and held[1] > now:
                held[0] += left
                held[1] = min(held[1], ends_at)
            else:
                self._open[lease] = [left, ends_at]


def hit(config_name: str, key: str, scope: str) -> None:
    """Count one request against the limit named by `config_name`; TooFast when it is used up.

    The two submission paths (the API, the answer pages) count with the `limits` library straight
    on Flask-Limiter's own storage (Redis in production): the same keyed hashes, fixed windows and
    429 with Retry-After. There Flask-Limiter's per-request machinery (gathering, filtering and
    scoping every declared limit, twice a request) cost as much CPU as the store's round trip
    itself (benchmarks/README.md, "Where the app's time goes"); this is one hit per limit, and for
    limits of 100 and more, one round trip per lease of hits (Leases).
    """
    app = current_app._get_current_object()
    config = app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return
    parts = [part for part in (config.get("RATELIMIT_KEY_PREFIX"), key, scope) if part]
    strategy = limiter.limiter
    leases = app.extensions["survey_rate_leases"]
    for item in _parsed(config[config_name]):
        size = lease_size(item)
        lease = (item, *parts)
        if size > 1 and leases.spend(lease):
            continue
        if size > 1:
            known_end = leases.window_end(lease)     # asked before counting: a window ending between is safe
            if strategy.hit(item, *parts, cost=size):
                leases.keep(lease, size - 1, known_end or strategy.get_window_stats(item, *parts).reset_time)
                continue
        # a single hit: limits under 100, and near the end of a window where a lease no longer fits
        if not strategy.hit(item, *parts):
            raise TooFast(item)


def submission_limit(view):
    """SUBMISSION_RATE_LIMIT per client address (keyed hash) on a submission API view."""
    @wraps(view)
    def limited(*args, **kwargs):
        hit("SUBMISSION_RATE_LIMIT", hashed_client_key(), "submission")
        return view(*args, **kwargs)
    limited.counted_by_hit = True
    return limiter.exempt(limited)


def _counted_by_hit() -> bool:
    """Flask-Limiter skips the routes counted here before it sorts through its own limits for them
    (survey/extensions.py, `_Limiter`). Asked by three of its hooks per request: answered once."""
    this = request._get_current_object()    # the request itself: a look-up through the proxy costs more
    environ = this.environ
    counted = environ.get(_COUNTED)
    if counted is None:
        counted = environ[_COUNTED] = this.blueprint == "respond" or getattr(
            current_app.view_functions.get(this.endpoint), "counted_by_hit", False)
    return counted


_COUNTED = "survey.counted_by_hit"   # the answer for this request, in its WSGI environ


def _answer_page_limit():
    # a hook of the respondent's blueprint (init_app): the API and staff pages never ask
    if request._get_current_object().method == "POST":
        hit("RESPONDENT_RATE_LIMIT", respondent_key(), "answer-pages")


def init_app(app) -> None:
    app.extensions["survey_rate_leases"] = Leases()
    limiter.counted_elsewhere = _counted_by_hit
    # a limit that cannot be read stops the start, with its name, rather than failing every submission
    for name in ("SUBMISSION_RATE_LIMIT", "RESPONDENT_RATE_LIMIT"):
        try:
            _parsed(app.config[name])
        except ValueError as error:
            raise RuntimeError(f"{name}={app.config[name]!r} is not a rate limit such as '600 per minute': {error}")
    # after the app's own hooks (the CSRF check, the permission check), as when it was one of them
    app.before_request_funcs.setdefault("respond", []).append(_answer_page_limit)
