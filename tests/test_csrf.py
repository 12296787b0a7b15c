"""The CSRF check of every form post (survey/sessions.py `check_csrf_token`, called by the app's
CSRFProtect in survey/extensions.py): Flask-WTF's own answer for every kind of token, and refused
posts still refused through the app."""
from __future__ import annotations

import re

import pytest
from flask import session
from flask_wtf.csrf import generate_csrf, validate_csrf
from itsdangerous import URLSafeTimedSerializer
from wtforms import ValidationError

from survey.sessions import DigestHMAC, KeptSignerSerializer, check_csrf_token

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _answer(check) -> str:
    try:
        check()
    except ValidationError as error:
        return error.args[0]
    return "accepted"


def _tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


CASES = {
    "its own token": lambda token: token,
    "no token": lambda token: "",
    "no token at all": lambda token: None,
    "a tampered signature": _tampered,
    "a token of another secret": lambda token: URLSafeTimedSerializer("another-secret", salt="wtf-csrf-token").dumps("x"),
    "not a token": lambda token: "not-a-token",
    "another session's token": lambda token: URLSafeTimedSerializer(
        session.get("_secret"), salt="wtf-csrf-token").dumps("f" * 40),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("setup", ["plain", "own csrf secret", "no session token"])
def test_every_token_gets_flask_wtfs_own_answer(app, case, setup):
    if setup == "own csrf secret":
        app.config["WTF_CSRF_SECRET_KEY"] = "a-csrf-secret-of-its-own"
    try:
        with app.test_request_context("/", method="POST"):
            token = generate_csrf()
            session["_secret"] = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
            data = CASES[case](token)
            if setup == "no session token":
                session.pop("csrf_token")
            stock = _answer(lambda: validate_csrf(data))
            ours = _answer(lambda: check_csrf_token(data, app.config, app.secret_key, session))
            assert ours == stock
            if case == "its own token" and setup != "no session token":
                assert ours == "accepted"
            else:
                assert ours != "accepted"
    finally:
        app.config.pop("WTF_CSRF_SECRET_KEY", None)


def test_an_expired_token_is_refused_as_flask_wtf_refuses_it(app, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 60
    try:
        with app.test_request_context("/", method="POST"):
            import itsdangerous.timed
            real = itsdangerous.timed.time.time
            monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 120)   # made two minutes ago
            token = generate_csrf()
            monkeypatch.undo()
            stock = _answer(lambda: validate_csrf(token))
            assert stock == "The CSRF token has expired."
            assert _answer(lambda: check_csrf_token(token, app.config, app.secret_key, session)) == stock
            app.config["WTF_CSRF_TIME_LIMIT"] = None   # this server's setting: tied to the session, no clock
            assert _answer(lambda: check_csrf_token(token, app.config, app.secret_key, session)) == "accepted"
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = None


def test_the_kept_serializer_signs_as_itsdangerous_does():
    for secret in ["a-secret", b"\x00bytes", ["old-secret", "new-secret"]]:
        kept, stock = KeptSignerSerializer(secret, salt="wtf-csrf-token"), URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
        assert stock.loads(kept.dumps({"a": 1})) == {"a": 1}
        assert kept.loads(stock.dumps("token")) == "token"
        assert kept.make_signer().get_signature(b"value") == stock.make_signer().get_signature(b"value")
        assert kept.make_signer("other").get_signature(b"v") == stock.make_signer("other").get_signature(b"v")


def test_the_digest_hmac_is_the_hmac_itsdangerous_computes():
    import hashlib

    from itsdangerous.signer import HMACAlgorithm
    for digest in [None, hashlib.sha1, hashlib.sha256, hashlib.sha512]:
        assert DigestHMAC(digest).get_signature(b"key", b"value") == HMACAlgorithm(digest).get_signature(b"key", b"value")

    class Unnamed:   # a digest hashlib cannot name: computed as itsdangerous computes it
        digest_size, block_size = 20, 64

        def __init__(self, data=b""):
            self.inner = hashlib.sha1(data)

        def update(self, data):
            self.inner.update(data)

        def digest(self):
            return self.inner.digest()

        def copy(self):
            other = Unnamed()
            other.inner = self.inner.copy()
            return other
    assert DigestHMAC(Unnamed).name is None
    assert DigestHMAC(Unnamed).get_signature(b"k", b"v") == HMACAlgorithm(hashlib.sha1).get_signature(b"k", b"v")


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_a_post_with_another_sessions_token_is_refused_and_its_own_goes_through(make_collection, client, app):
    make_collection()
    consent = client.get("/s/summer?lang=en", follow_redirects=True)
    token = TOKEN.search(consent.text).group(1)
    other = app.test_client()
    foreign = TOKEN.search(other.get("/s/summer?lang=en", follow_redirects=True).text).group(1)
    assert foreign != token
    refused = client.post("/s/summer/consent", data={"answer": "yes", "csrf_token": foreign})
    assert refused.status_code == 400 and "This page has expired" in refused.text
    refused = client.post("/s/summer/consent", data={"answer": "yes", "csrf_token": _tampered(token)})
    assert refused.status_code == 400
    sent = client.post("/s/summer/consent", data={"answer": "yes", "csrf_token": token})
    assert sent.status_code == 302 and sent.location.endswith("/s/summer/p/1")


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_over_https_a_post_must_come_from_this_site(make_collection, client):
    make_collection()
    consent = client.get("/s/summer?lang=en", follow_redirects=True, base_url="https://localhost")
    data = {"answer": "yes", "csrf_token": TOKEN.search(consent.text).group(1)}
    assert client.post("/s/summer/consent", data=data, base_url="https://localhost").status_code == 400
    assert client.post("/s/summer/consent", data=data, base_url="https://localhost",
                       headers={"Referer": "https://elsewhere.example/"}).status_code == 400
    sent = client.post("/s/summer/consent", data=data, base_url="https://localhost",
                       headers={"Referer": "https://localhost/s/summer/consent"})
    assert sent.status_code == 302 and sent.location.endswith("/s/summer/p/1")


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_exemptions_are_kept_per_endpoint_and_a_new_one_holds_at_once(make_collection, client, app):
    """The API is exempt (a tablet's JSON has no token); the respondent's pages are not. The app
    keeps each endpoint's answer (survey/extensions.py), and `csrf.exempt` makes it ask again."""
    from survey.extensions import csrf
    make_collection()
    client.get("/s/summer?lang=en", follow_redirects=True)
    for _ in range(2):   # the first answer is worked out, the second kept: the same both times
        assert client.post("/s/summer/consent", data={"answer": "yes"}).status_code == 400
        reply = client.post("/api/v1/collections/summer/responses", json={"client_id": "no-token-needed"})
        assert reply.status_code != 400 or reply.json["error"] != "bad_request"
    view = app.view_functions["respond.consent"]
    csrf.exempt(view)
    try:
        # no longer refused before the view: the view's own form, still without a token, shows the page again
        assert client.post("/s/summer/consent", data={"answer": "yes"}).status_code == 200
    finally:
        csrf._exempt_views.discard(f"{view.__module__}.{view.__name__}")
        csrf._exempt_endpoints.clear()
    assert client.post("/s/summer/consent", data={"answer": "yes"}).status_code == 400
