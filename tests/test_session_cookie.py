"""The session cookie (survey/sessions.py): the same text and the same values as Flask's own
serializer and signer, only cheaper; cookies written by either are read by both."""
from __future__ import annotations

import math
import uuid
from datetime import datetime, timezone

import pytest
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, TimestampSigner
from markupsafe import Markup

from survey.sessions import FastTaggedJSONSerializer, KeptKeySigner, KeptSerializerSessionInterface

JOURNEY = {"csrf_token": "f" * 40, "journey": {
    "slug": "summer", "lang": "ar", "version": 3, "channel": "tablet", "cid": "0123abcd" * 4, "consent": True,
    "started": "2026-12-03T17:00:00+00:00", "touched": "2026-12-03T17:05:12+00:00", "at": 2, "age_band": None,
    "answers": {"birth_year": 2015, "gender": 1, "activities": ["sport", "music"], "visits": 2.5,
                "wish": "أريد المزيد من كرة القدم في المساء", "quote": 'a "b" {" t": 1} \\ \u2028'}}}

VALUES = [
    JOURNEY, {}, {"x": []}, {"_flashes": [("info", "Sparad.")]},            # flash messages are tuples
    {"when": datetime(2026, 12, 3, 17, 5, tzinfo=timezone.utc)}, {"raw": b"\x00\xff"},
    {"html": Markup("<b>fet</b>")}, {"id": uuid.UUID(int=7)}, {"one": {" t": [1, 2]}},   # looks like a tag
    {"big": 2 ** 70}, {"keys": {1: "a", 2: "b"}}, {"deep": [[[{"a": [1, (2, 3)]}]]]}, {"s": " t"},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_values_are_written_as_flask_writes_them_and_read_back_alike(app, value):
    fast, flask_own = FastTaggedJSONSerializer(), TaggedJSONSerializer()
    with app.test_request_context():   # Flask's serializer writes with the app's JSON settings
        text = fast.dumps(value)
        assert text == flask_own.dumps(value)
        assert fast.loads(text) == flask_own.loads(text)


def test_not_a_number_is_kept_as_flask_keeps_it(app):
    fast, flask_own = FastTaggedJSONSerializer(), TaggedJSONSerializer()
    with app.test_request_context():
        text = fast.dumps({"x": float("nan"), "y": float("inf")})
        assert text == flask_own.dumps({"x": float("nan"), "y": float("inf")})
        read = fast.loads(text)
    assert math.isnan(read["x"]) and read["y"] == math.inf


def test_the_kept_key_is_the_key_itsdangerous_derives(app):
    for secret, salt in [("a-secret", "cookie-session"), (b"\x00bytes", b"salt"), ("åäö", None)]:
        kept = KeptKeySigner(secret, salt=salt, key_derivation="hmac")
        assert kept.derive_key() == TimestampSigner(secret, salt=salt, key_derivation="hmac").derive_key()
        assert kept.derive_key("other") == TimestampSigner(secret, salt=salt, key_derivation="hmac").derive_key("other")


def test_cookies_written_by_flasks_own_interface_are_read_and_ours_are_read_by_it(app):
    ours, stock = KeptSerializerSessionInterface(), SecureCookieSessionInterface()
    value = {"journey": {"lang": "so", "answers": {"gender": 2}}, "_flashes": [("info", "Waa la keydiyey.")]}
    with app.test_request_context():
        from_stock = stock.get_signing_serializer(app).dumps(value)
        from_ours = ours.get_signing_serializer(app).dumps(value)
        assert ours.get_signing_serializer(app).loads(from_stock) == value
        assert stock.get_signing_serializer(app).loads(from_ours) == value


def test_a_cookie_signed_with_a_previous_secret_is_read_only_while_that_secret_is_a_fallback(app):
    ours = KeptSerializerSessionInterface()
    previous = app.secret_key
    with app.test_request_context():
        old = ours.get_signing_serializer(app).dumps({"journey": {"lang": "fa"}})
        app.secret_key = "a-new-secret-key-of-enough-length-0123456789"
        try:
            with pytest.raises(BadSignature):
                ours.get_signing_serializer(app).loads(old)
            app.config["SECRET_KEY_FALLBACKS"] = [previous]
            assert ours.get_signing_serializer(app).loads(old) == {"journey": {"lang": "fa"}}
        finally:
            app.secret_key = previous
            app.config["SECRET_KEY_FALLBACKS"] = []


@pytest.mark.parametrize("vary", [None, "Accept-Encoding", "Cookie"])
@pytest.mark.parametrize("config", [{}, {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": "Strict",
                                         "SESSION_COOKIE_DOMAIN": "survey.example.org", "SESSION_COOKIE_PATH": "/s/"}])
def test_an_emptied_session_is_deleted_with_the_headers_flask_writes(app, vary, config):
    app.config.update(config)
    ours, flask_own = KeptSerializerSessionInterface(), SecureCookieSessionInterface()
    for _ in range(2):          # the deletion header written, then the one kept
        replies = []
        for interface in (ours, flask_own):
            with app.test_request_context():
                session = interface.session_class({"journey": {"slug": "summer"}, "csrf_token": "f" * 40})
                session.clear()       # as an ended journey empties it
                reply = app.response_class("x", headers={"Vary": vary} if vary else {})
                interface.save_session(app, session, reply)
                replies.append(sorted(reply.headers.items()))
        assert replies[0] == replies[1]
        assert ("Vary", "Cookie") in replies[0] or ("Vary", "Accept-Encoding, Cookie") in replies[0]
        assert any(name == "Set-Cookie" and "Max-Age=0" in value for name, value in replies[0])
