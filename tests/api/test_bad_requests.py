"""Every bad request to the API gets JSON and a 4xx (a clear code, a bounded size); an unexpected
error gets JSON 500 and a log line without the request's data."""
from __future__ import annotations

import io
import json
import logging

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response

URL = "/api/v1/collections/summer/responses"


def stored() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def envelope(**answers) -> dict:
    return {"client_id": "tablet-9-0001", "language": "en", "answers": {"day_face": 3, "come_back": 1, **answers}}


def test_json_nested_a_thousand_deep_is_400_json(make_collection, client):
    make_collection()
    reply = client.post(URL, data="[" * 1000 + "]" * 1000, content_type="application/json")
    assert reply.status_code == 400 and reply.is_json
    assert reply.json["error"] == "json_too_deep"


def test_answers_nested_deeper_than_any_submission_needs_are_400(make_collection, client):
    make_collection()
    deep = json.dumps(envelope(wish=json.loads("[" * 40 + "]" * 40)))
    reply = client.post(URL, data=deep, content_type="application/json")
    assert reply.status_code == 400 and reply.json["error"] == "json_too_deep"


@pytest.mark.parametrize("body", [b'{"client_id": ', b"\xff\xfe{}", b"", b"NaN-ish"])
def test_unreadable_json_is_400_invalid_json(make_collection, client, body):
    make_collection()
    reply = client.post(URL, data=body, content_type="application/json")
    assert reply.status_code == 400 and reply.json["error"] == "invalid_json"


def test_a_body_that_is_not_json_is_415(make_collection, client):
    make_collection()
    reply = client.post(URL, data={"client_id": "tablet-9-0001"})
    assert reply.status_code == 415 and reply.json["error"] == "unsupported_media_type"


def test_oversized_chunked_body_is_413_not_422(make_collection, client, app):
    make_collection()
    body = json.dumps(envelope(wish="x" * (app.config["MAX_CONTENT_LENGTH"] + 10))).encode()
    # what a WSGI server hands over for Transfer-Encoding: chunked (no Content-Length)
    reply = client.post(URL, input_stream=io.BytesIO(body), environ_overrides={"wsgi.input_terminated": True},
                        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    assert reply.status_code == 413 and reply.json["error"] == "request_entity_too_large"
    assert stored() == 0


def test_chunked_body_within_the_limit_is_stored(make_collection, client):
    make_collection()
    body = json.dumps(envelope(wish="hej")).encode()
    reply = client.post(URL, input_stream=io.BytesIO(body), environ_overrides={"wsgi.input_terminated": True},
                        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    assert reply.status_code == 201
    assert stored() == 1


@pytest.mark.parametrize("where", ["text answer", "choice in a list", "unknown variable name", "client_id"])
def test_a_lone_surrogate_anywhere_in_the_payload_is_422_and_nothing_is_stored(make_collection, client, where):
    make_collection()
    payload = {"text answer": envelope(wish="hej \ud800 då"),
               "choice in a list": envelope(activities=["sport", "\udc00"]),
               "unknown variable name": envelope(**{"x\ud83d": 1}),
               "client_id": {**envelope(), "client_id": "abc\udfffdefgh"}}[where]
    # json.dumps writes the surrogate as the escape \ud800, as a broken client would
    reply = client.post(URL, data=json.dumps(payload), content_type="application/json")
    assert reply.status_code == 422 and reply.json["error"] == "invalid_text"
    assert stored() == 0


def test_ten_thousand_unknown_answers_get_a_short_reply_with_a_count(make_collection, client):
    make_collection()
    payload = envelope(**{f"unknown_{i}": i for i in range(10_000)})
    reply = client.post(URL, json=payload)
    assert reply.status_code == 422 and reply.json["error"] == "invalid_answers"
    assert len(reply.json["errors"]) == 20 and reply.json["error_count"] == 10_000
    assert len(reply.data) < 10_000


def test_an_unknown_variable_with_a_huge_name_gets_a_short_reply(make_collection, client):
    make_collection()
    reply = client.post(URL, json=envelope(**{"x" * 200_000: 1}))
    assert reply.status_code == 422 and reply.json["error_count"] == 1
    assert len(reply.data) < 10_000


def test_an_unexpected_error_answers_json_500_and_logs_no_request_data(make_collection, client, monkeypatch, caplog):
    make_collection()

    def broken(collection, submission, *args, **kwargs):
        raise ValueError(repr(submission))     # an error whose message carries what was sent
    monkeypatch.setattr("survey.api.views.accept", broken)
    with caplog.at_level(logging.ERROR):
        reply = client.post(URL, json=envelope(wish="the text the child wrote"))
    assert reply.status_code == 500 and reply.is_json and reply.json["error"] == "internal_error"
    assert "ValueError" in caplog.text and "survey/api/views.py" in caplog.text
    assert "the text the child wrote" not in caplog.text and "tablet-9-0001" not in caplog.text


def test_the_size_limits_are_the_config_of_the_moment(make_collection, client, app):
    """The app sets each request's limits from its config (SurveyFlask.request_context): a limit
    changed while the server runs holds for the next request, for JSON bodies and forms alike."""
    make_collection()
    body = json.dumps(envelope(wish="x" * 300))
    assert client.post(URL, data=body, content_type="application/json").status_code == 201
    app.config["MAX_CONTENT_LENGTH"] = 200
    reply = client.post(URL, data=body, content_type="application/json")
    assert reply.status_code == 413 and stored() == 1
    app.config.update(MAX_CONTENT_LENGTH=256 * 1024, MAX_FORM_PARTS=3)
    fields = {"username": "nobody", "password": "x", **{f"f{i}": "x" for i in range(5)}}
    reply = client.post("/staff/login", data=fields, content_type="multipart/form-data")   # the sign-in form reads it
    assert reply.status_code == 413
