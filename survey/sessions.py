"""The signed session cookie: Flask's, with the same format, made cheaper to open and save.

A respondent's unfinished answers live in their own session cookie (survey/respond/journey.py),
so every answer page opens it and saves it again. With Flask's own interface that was about a
fifth of the CPU of a last-page submission (benchmarks/README.md): the signing key derived anew
twice a request, every value walked in Python for tags, then dumped and loaded by the standard
json module. Here:

- the signing serializer is built once per secret, and the key it derives from a secret is kept;
- values that need no tag (strings, numbers, booleans, None, lists, dicts with string keys: what
  the journey, the CSRF token and Flask-Login keep) skip the tag walk and go through orjson, in
  the text Flask's serializer writes (sorted keys, compact, UTF-8); anything else (a tuple, a
  datetime, Markup, an integer beyond 64 bits, NaN) takes Flask's own path;
- a cookie is read by orjson, and scanned for tags only when its text can hold one.

Cookies written by either are read by both.
"""
from __future__ import annotations

import math
from functools import lru_cache

import orjson
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner


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


class KeptKeySigner(TimestampSigner):
    """itsdangerous' timestamp signer, keeping the key it derives from each secret (an HMAC each
    time it signs or checks a cookie, otherwise)."""

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else secret_key
        if isinstance(secret, str):
            secret = secret.encode("utf-8")
        return _derived_key(secret, self.salt, self.key_derivation, self.digest_method)


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, with its signing serializer built once per secret instead
    of on every request (most requests, the API's above all, carry no session cookie at all)."""

    serializer = FastTaggedJSONSerializer()

    def open_session(self, app, request):
        # a request without any cookie (a tablet's submission) has no session to read
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = getattr(self, "_kept", None)
        if kept is None or kept[0] != key:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                serializer.signer = KeptKeySigner
            kept = self._kept = (key, serializer)
        return kept[1]
