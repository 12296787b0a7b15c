"""What a submission's reply carries, and what the submission path leaves alone (the work it skips
for speed must not change what a tablet or a staff member gets)."""
from __future__ import annotations

import re

import pytest
from flask import jsonify

from survey.api.views import _receipt
from survey.extensions import limiter

SAVED = {"sv": "Tack! Dina svar är sparade.", "en": "Thank you! Your answers are saved."}


def test_each_reply_is_in_its_own_requests_language_while_translations_are_kept(make_collection, submit):
    make_collection(languages=["sv", "en", "ar"])
    messages = {}
    for language in ["sv", "ar", "en", "sv", "ar"]:
        reply = submit(language=language)
        assert reply.status_code == 201, reply.json
        messages.setdefault(language, set()).add(reply.json["message"])
    assert messages["sv"] == {SAVED["sv"]} and messages["en"] == {SAVED["en"]}
    (arabic,) = messages["ar"]
    assert arabic not in (SAVED["sv"], SAVED["en"]) and any("\u0600" <= ch <= "\u06ff" for ch in arabic)


def test_the_receipt_is_written_byte_for_byte_as_jsonify_writes_it(app, make_collection, submit):
    make_collection()
    reply = submit(client_id="tablet-1-0042")
    with app.test_request_context():
        assert reply.get_data() == jsonify(**reply.json).get_data()
        for message in ["Tack! Dina svar är sparade.", "شكراً! تم حفظ إجاباتك.", 'a "quote", a \\ and \u2028\x01']:
            fields = {"client_id": "c-1", "stored": False, "message": message}
            assert _receipt(**fields).get_data() == jsonify(**fields).get_data()
            assert _receipt(**fields).mimetype == "application/json"


def test_a_reply_to_a_cookieless_submission_sets_no_cookie_and_does_not_vary_by_cookie(make_collection, submit):
    make_collection()
    reply = submit()
    assert reply.status_code == 201
    assert "Set-Cookie" not in reply.headers
    assert "Vary" not in reply.headers   # nothing in it depends on a cookie; a cache may keep it by URL


def test_a_staff_page_still_varies_by_cookie_and_its_sign_out_button_still_ends_the_session(client, staff):
    staff.sign_in("coordinator")
    page = client.get("/staff/", follow_redirects=True)
    assert page.status_code == 200 and "Cookie" in page.headers.get("Vary", "")
    sign_out = re.search(r'<form method="post" action="([^"]+)">', page.text).group(1)
    assert client.post(sign_out).status_code == 302
    assert client.get("/staff/").status_code == 302   # to the sign-in page


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                                  "LOGIN_RATE_LIMIT": "50 per minute"}], indirect=True)
def test_flask_limiter_is_not_consulted_on_a_submission_but_still_is_on_sign_in(client, make_collection, submit,
                                                                                monkeypatch):
    consulted = []
    context = type(limiter).context

    def counting(self):
        consulted.append(1)
        return context.fget(self)
    monkeypatch.setattr(type(limiter), "context", property(counting))
    make_collection()
    assert submit().status_code == 201
    assert consulted == []   # the submission is counted by survey/ratelimits.py alone
    assert client.post("/staff/login", data={"username": "nobody", "password": "x"}).status_code == 200
    assert consulted   # its own limits, conditional deductions and per-request state still run there
