"""The signed session cookie: Flask's, with the same format, made cheaper to open and save.

A respondent's unfinished answers live in their own session cookie (survey/respond/journey.py),
so every answer page opens it and saves it again. With Flask's own interface that was about a
fifth of the CPU of a last-page submission (benchmarks/README.md): the signing key derived anew
twice a request, every value walked in Python for tags, then dumped and loaded by the standard
json module. Here:

- the signing serializer is built once per secret, with its signers, and the key it derives from a
  secret is kept;
- the HMAC is one call of `hmac.digest` (itsdangerous hands `hmac.new` a digest constructor, which
  takes Python's slower HMAC path);
- values that need no tag (strings, numbers, booleans, None, lists, dicts with string keys: what
  the journey, the CSRF token and Flask-Login keep) skip the tag walk and go through orjson, in
  the text Flask's serializer writes (sorted keys, compact, UTF-8); anything else (a tuple, a
  datetime, Markup, an integer beyond 64 bits, NaN) takes Flask's own path;
- a cookie is read by orjson, and scanned for tags only when its text can hold one.

Cookies written by either are read by both.

The CSRF token of every form post is checked here too (`check_csrf_token`), as Flask-WTF checks
it, by a serializer kept per secret: Flask-WTF builds one, derives its key and computes its HMAC in
Python on every post.
"""
from __future__ import annotations

import hmac
import math
from functools import lru_cache
from typing import Mapping

import orjson
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.signer import HMACAlgorithm
from werkzeug.http import dump_cookie
from wtforms import ValidationError


class FastTaggedJSONSerializer(TaggedJSONSerializer):
    def dumps(self, value) -> str:
        if _untagged(value, self.tags):
            try:
                return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
            except TypeError:   # an integer beyond 64 bits
                pass
        return super().dumps(value)

    def loads(self, value):
        try:
            data = orjson.loads(value)
        except orjson.JSONDecodeError:   # NaN or Infinity, which Flask's writer lets through
            return super().loads(value)
        # a tagged value is a one-item object whose key starts with a space: `{" t":[...]}`
        text = value if isinstance(value, str) else value.decode("utf-8", "replace")
        return self._untag_scan(data) if '{" ' in text else data


_PLAIN = (str, int, bool, type(None))


def _untagged(value, tags) -> bool:
    """Whether Flask's tagging would leave `value` as it is, so plain JSON writes it the same."""
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind in _PLAIN:
            continue
        if kind is float:
            if not math.isfinite(node):
                return False
        elif kind is dict:
            if len(node) == 1 and next(iter(node)) in tags:
                return False   # Flask tags such a dict so it is not read back as a tag
            for key, child in node.items():
                if type(key) is not str:
                    return False
                stack.append(child)
        elif kind is list:
            stack.extend(node)
        else:   # a tuple, bytes, Markup, a UUID, a datetime, a subclass of anything above...
            return False
    return True


@lru_cache(maxsize=32)
def _derived_key(secret_key: bytes, salt: bytes, key_derivation: str, digest_method) -> bytes:
    return TimestampSigner(secret_key, salt=salt, key_derivation=key_derivation,
                           digest_method=digest_method).derive_key()


class DigestHMAC(HMACAlgorithm):
    """itsdangerous' HMAC, computed by `hmac.digest` when hashlib knows the digest by name: the
    same bytes, in one C call instead of an `hmac.HMAC` object built in Python."""

    def __init__(self, digest_method=None):
        super().__init__(digest_method)
        try:
            self.name = self.digest_method().name
            hmac.digest(b"", b"", self.name)
        except (TypeError, ValueError, AttributeError):   # a digest hashlib cannot name: itsdangerous' way
            self.name = None

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        if self.name is None:
            return super().get_signature(key, value)
        return hmac.digest(key, value, self.name)


class KeptKeySigner(TimestampSigner):
    """itsdangerous' timestamp signer, keeping the key it derives from each secret (an HMAC each
    time it signs or checks a cookie, otherwise), and signing by `DigestHMAC`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if type(self.algorithm) is HMACAlgorithm:   # the default, not one the caller chose
            self.algorithm = DigestHMAC(self.digest_method)

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else secret_key
        if isinstance(secret, str):
            secret = secret.encode("utf-8")
        return _derived_key(secret, self.salt, self.key_derivation, self.digest_method)


class KeptSignerSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe timed serializer, keeping its signer per salt (it builds one for every
    value it signs or reads). A signer holds only its settings, so one serves every request."""

    default_signer = KeptKeySigner

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._signers: dict = {}

    def make_signer(self, salt=None):
        key = self.salt if salt is None else salt
        signer = self._signers.get(key)
        if signer is None:
            signer = self._signers[key] = super().make_signer(salt)
        return signer


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, with its signing serializer built once per secret instead
    of on every request (most requests, the API's above all, carry no session cookie at all)."""

    serializer = FastTaggedJSONSerializer()

    def open_session(self, app, request):
        # a request without any cookie (a tablet's submission) has no session to read
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if session or not session.modified:
            return super().save_session(app, session, response)
        # Emptied in this request (an ended journey, survey/respond/journey.py): Flask deletes the
        # cookie. Its Set-Cookie header depends only on the cookie settings, so it is written once
        # per setting by werkzeug's own `dump_cookie` (which formats a date and quotes every part on
        # each call), and "Vary: Cookie" is set without parsing a Vary header that is not there.
        # 6 % of a last page's instructions before (benchmarks/README.md).
        header = _deletion_header(self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app),
                                  self.get_cookie_secure(app), self.get_cookie_partitioned(app),
                                  self.get_cookie_samesite(app), self.get_cookie_httponly(app))
        response.headers.add("Set-Cookie", header)
        if "Vary" in response.headers:
            response.vary.add("Cookie")
        else:
            response.headers["Vary"] = "Cookie"
        return None

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = getattr(self, "_kept", None)
        if kept is None or kept[0] != key:
            stock = super().get_signing_serializer(app)   # Flask's keys, in Flask's order
            serializer = None if stock is None else KeptSignerSerializer(
                stock.secret_keys, salt=stock.salt, serializer=self.serializer, signer_kwargs=stock.signer_kwargs)
            kept = self._kept = (key, serializer)
        return kept[1]


@lru_cache(maxsize=8)
def _deletion_header(name, domain, path, secure, partitioned, samesite, httponly) -> str:
    """The Set-Cookie header that deletes a cookie, as Flask's `delete_cookie` writes it."""
    return dump_cookie(name, expires=0, max_age=0, path=path, domain=domain, secure=secure,
                       httponly=httponly, samesite=samesite, partitioned=partitioned)


@lru_cache(maxsize=8)
def _csrf_serializer(secret_key) -> KeptSignerSerializer:
    return KeptSignerSerializer(secret_key, salt="wtf-csrf-token")   # Flask-WTF's salt and defaults


def check_csrf_token(data, config: Mapping, secret_key, session: Mapping) -> None:
    """Flask-WTF's `validate_csrf(data)`: the same checks in the same order, the same messages, the
    same ValidationError; only the serializer is kept. `config` and `secret_key` are the app's."""
    secret_key = config.get("WTF_CSRF_SECRET_KEY", secret_key)
    if secret_key is None:
        raise RuntimeError("A secret key is required to use CSRF.")
    field_name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field_name is None:
        raise RuntimeError("A field name is required to use CSRF.")
    time_limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if not data:
        raise ValidationError("The CSRF token is missing.")
    if field_name not in session:
        raise ValidationError("The CSRF session token is missing.")
    try:
        token = _csrf_serializer(secret_key).loads(data, max_age=time_limit)
    except SignatureExpired as e:
        raise ValidationError("The CSRF token has expired.") from e
    except BadData as e:
        raise ValidationError("The CSRF token is invalid.") from e
    if not hmac.compare_digest(session[field_name], token):
        raise ValidationError("The CSRF tokens do not match.")
