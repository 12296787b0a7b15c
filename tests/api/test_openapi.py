"""The OpenAPI description and each collection's submission schema say what the server does."""
from __future__ import annotations

import uuid

from jsonschema import Draft202012Validator, FormatChecker

SUBMIT = "/api/v1/collections/{slug}/responses"


def test_each_open_collection_has_its_own_submission_path_with_its_languages(make_collection, client):
    make_collection(slug="summer", languages=["sv", "ar"], channel="tablet")
    spec = client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/collections/summer/responses"]["post"]["requestBody"]
    schema = spec["components"]["schemas"][body["content"]["application/json"]["schema"]["$ref"].split("/")[-1]]
    assert schema["properties"]["language"] == {"enum": ["sv", "ar"]}
    assert schema["properties"]["channel"]["enum"] == ["tablet"]
    assert set(schema["properties"]["answers"]["properties"]) >= {"gender", "visits", "come_back", "welcome"}


def test_a_closed_collection_has_no_submission_path_of_its_own(make_collection, client):
    from datetime import date, timedelta
    make_collection(slug="over", opens_on=date.today() - timedelta(days=40), closes_on=date.today() - timedelta(days=30))
    assert "/api/v1/collections/over/responses" not in client.get("/api/v1/openapi.json").json["paths"]


def test_submissions_document_conflict_size_rate_and_server_errors(client):
    responses = client.get("/api/v1/openapi.json").json["paths"][SUBMIT]["post"]["responses"]
    assert {"200", "201", "400", "404", "409", "410", "413", "415", "422", "429", "500"} <= set(responses)


def test_nullable_fields_are_declared_nullable(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert "null" in schemas["Submission"]["properties"]["started_at"]["type"]
    assert "null" in schemas["Collection"]["properties"]["closes_on"]["type"]
    assert "null" in schemas["Error"]["properties"]["field"]["type"]


VALID_ANSWERS = {"gender": 1, "day_face": 3, "activities": ["sport"], "visits": 2, "sport_kind": "fotboll",
                 "come_back": 1}


def test_the_schema_of_a_collection_is_served_and_takes_a_valid_submission(make_collection, client):
    make_collection()
    reply = client.get("/api/v1/collections/summer/schema.json")
    assert reply.status_code == 200
    validator = Draft202012Validator(reply.json, format_checker=FormatChecker())
    submission = {"client_id": uuid.uuid4().hex, "language": "sv", "channel": "tablet", "answers": VALID_ANSWERS}
    assert validator.is_valid(submission)
    assert not validator.is_valid({**submission, "language": "de"})
    assert not validator.is_valid({**submission, "answers": {**VALID_ANSWERS, "visits": 8}})


def test_the_openapi_description_points_to_the_schema_path(client):
    assert "/api/v1/collections/{slug}/schema.json" in client.get("/api/v1/openapi.json").json["paths"]


def test_the_schema_of_an_unknown_collection_is_404_json(client):
    reply = client.get("/api/v1/collections/nowhere/schema.json")
    assert reply.status_code == 404 and reply.json["error"] == "unknown_collection"
