"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json, and the JSON Schema of a
submission to one collection, served at /api/v1/collections/<slug>/schema.json.

Besides the general paths (any slug), the description has one submission path per open collection
with its exact body: its languages and channels enumerated and its answers' schema derived from the
questionnaire (survey.questionnaires.json_schema). Both are built from the same functions, so what
a client writer reads is what the server checks.
"""
from __future__ import annotations

from ..fieldwork.models import Collection
from ..questionnaires.errors import ERROR_CODES
from ..questionnaires.json_schema import answers_schema

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_ERROR = {"type": "object", "required": ["error", "message"], "properties": {
    "error": {"type": "string", "description": "A stable code, e.g. invalid_answers, conflict, invalid_json."},
    "message": {"type": "string", "description": "In the request's language."},
    "field": {"type": ["string", "null"], "description": "The envelope field or JSON path at fault, if one is."},
    "errors": {"type": "object", "maxProperties": 20,
               "description": "Per variable (the first 20): a list of {code, message, params}.",
               "additionalProperties": {"type": "array", "items": {
                   "type": "object", "required": ["code", "message"], "properties": {
                       "code": {"enum": list(ERROR_CODES)}, "message": {"type": "string"},
                       "params": {"type": "object"}}}}},
    "error_count": {"type": "integer", "minimum": 0, "description": "How many variables were refused in all."},
}}

_CLIENT_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$",
              "description": "Generated on the device (a UUID), the same on every re-send."}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_SUBMITTED_AT = {**_TIME, "description": "When the respondent pressed send; a queued response sent after "
                                         "closing is accepted within the grace period. A time from a clearly "
                                         "wrong device clock (before 2020 or in the future) counts as unknown: "
                                         "the time of receipt is used."}
_STARTED_AT = {**_TIME, "description": "When the respondent started; unknown (null) if the device clock was "
                                       "clearly wrong or it is after submitted_at."}


_QUESTIONNAIRE_VERSION = {
    "type": "integer", "minimum": 1,
    "description": "The questionnaire version the answers were given to (the collection's questionnaire_version "
                   "when the respondent started). Answers are checked against, and stored under, that version, "
                   "so an offline queue outlives a new version. Default: the collection's current version."}


def submission_schema(collection: Collection) -> dict:
    """A submission to this collection, exactly as the server accepts it (unknown envelope keys are ignored)."""
    return {
        "type": "object", "required": ["client_id", "language", "answers"],
        "properties": {
            "client_id": _CLIENT_ID,
            "language": {"enum": list(collection.languages)},
            "channel": {"enum": list(collection.response_channels),
                        "description": f"Defaults to {collection.response_channels[-1]}."},
            "answers": answers_schema(collection.version.parsed),
            "started_at": _STARTED_AT,
            "submitted_at": _SUBMITTED_AT,
            # earlier versions are accepted too (a tablet's queue); the schema names the current one
            "questionnaire_version": {**_QUESTIONNAIRE_VERSION, "enum": [collection.version.number]},
        },
    }


def submission_json_schema(collection: Collection, url: str) -> dict:
    """The submission schema as a standalone JSON Schema document."""
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": url,
            "title": f"A response to the collection {collection.slug}", **submission_schema(collection)}


def _json(schema_ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


def _submission_responses() -> dict:
    return {"201": _json("Stored", "Stored for the first time."),
            "200": _json("Stored", "Already stored earlier under this client_id with the same answers; "
                                   "nothing changed."),
            "400": _json("Error", "The body is not readable JSON (invalid_json) or is nested too deeply "
                                  "(json_too_deep)."),
            "404": _json("Error", "No such collection."),
            "409": _json("Error", "Other answers were already stored under this client_id (conflict). The stored "
                                  "response is unchanged and the conflict is counted for staff."),
            "410": _json("Error", "Closed or not yet open."),
            "413": _json("Error", "Body larger than the server's limit (256 KiB unless configured), "
                                  "with or without Content-Length."),
            "415": _json("Error", "The body is not sent as application/json."),
            "422": _json("Error", "Invalid envelope or answers (the first 20 variables listed, all counted), or "
                                  "text that cannot be stored (invalid_text: a lone UTF-16 surrogate); nothing "
                                  "was stored."),
            "429": _json("Error", "Too many requests; send again after a minute, nothing is lost."),
            "500": _json("Error", "Unexpected error; send again later (a re-send is stored once).")}


def _submission_body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def openapi_document(open_collections: list[Collection] = ()) -> dict:
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    language = {"name": "Accept-Language", "in": "header", "required": False, "schema": {"type": "string"},
                "description": "Language of error messages when the body names none."}
    paths = {
        "/api/v1/collections/{slug}": {"get": {
            "summary": "An open collection and its questionnaire",
            "parameters": [slug, language],
            "responses": {"200": _json("Collection", "The collection with its questionnaire definition."),
                          "404": _json("Error", "No such collection."),
                          "410": _json("Error", "Closed or not yet open."),
                          "500": _json("Error", "Unexpected error.")}}},
        "/api/v1/collections/{slug}/schema.json": {"get": {
            "summary": "The JSON Schema of a response to this collection",
            "description": "Derived from the questionnaire: its languages, channels, and for every variable the "
                           "answers it takes, which are required, and the skip logic that hides items (an answer "
                           "to a hidden item is dropped, never stored).",
            "parameters": [slug],
            "responses": {"200": {"description": "A JSON Schema (draft 2020-12).",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "404": _json("Error", "No such collection."),
                          "500": _json("Error", "Unexpected error.")}}},
        "/api/v1/collections/{slug}/responses": {"post": {
            "summary": "Submit one response; repeating a client_id stores it once",
            "description": "The body's exact schema for a collection is at /api/v1/collections/{slug}/schema.json "
                           "and, for each open collection, under its own path below.",
            "parameters": [slug, language],
            "requestBody": _submission_body("Submission"),
            "responses": _submission_responses()}},
        "/api/v1/openapi.json": {"get": {
            "summary": "This description", "responses": {"200": {
                "description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/healthz": {"get": {"summary": "The app and its database are up",
                             "responses": {"200": {"description": "Up.", "content": {"application/json": {
                                               "schema": {"$ref": "#/components/schemas/Health"}}}},
                                           "503": {"description": "Database down.", "content": {
                                               "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}}},
    }
    schemas = {
        "Submission": {"type": "object", "required": ["client_id", "language", "answers"], "properties": {
            "client_id": _CLIENT_ID,
            "language": {"type": "string", "description": "One of the collection's languages."},
            "answers": {"type": "object", "description": "Variable name to value: a number, a choice value, a list "
                                                         "of choice values, or text; null, \"\" or [] when not "
                                                         "answered. Exact per collection: see schema.json."},
            "started_at": _STARTED_AT,
            "submitted_at": _SUBMITTED_AT,
            "channel": {"enum": ["tablet", "link"]},
            "questionnaire_version": _QUESTIONNAIRE_VERSION}},
        "Stored": {"type": "object", "required": ["client_id", "stored", "message"], "properties": {
            "client_id": {"type": "string"}, "stored": {"type": "boolean"}, "message": {"type": "string"}}},
        "Collection": {"type": "object", "properties": {
            "slug": {"type": "string"}, "activity": {"type": "string"}, "wave": {"type": "string"},
            "audience": {"type": "string"}, "channel": {"enum": ["tablet", "link", "both"]},
            "languages": {"type": "array", "items": {"type": "string"}},
            "opens_on": {"type": ["string", "null"], "format": "date"},
            "closes_on": {"type": ["string", "null"], "format": "date"},
            "guardian_consent": {"type": "boolean"},
            "questionnaire_version": {"type": "integer"},
            "questionnaire": {"type": "object", "description": "Pages, items (variables, types, choices with "
                                                                "labels, ranges, skip logic), scales."}}},
        "Health": {"type": "object", "properties": {"status": {"type": "string"}, "database": {"type": "string"}}},
        "Error": _ERROR,
    }
    for collection in open_collections:
        name = f"Submission_{collection.slug}"
        schemas[name] = submission_schema(collection)
        paths[f"/api/v1/collections/{collection.slug}/responses"] = {"post": {
            "summary": f"Submit one response to {collection.slug} ({collection.activity}, {collection.wave})",
            "parameters": [language],
            "requestBody": _submission_body(name),
            "responses": _submission_responses()}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kraftsamling Herrgården survey API", "version": "1",
                 "description": "Submit responses (the offline tablets' path) and read open collections. "
                                "Respondents' names, IP addresses and user agents are never stored. Every error "
                                "is JSON with a stable code."},
        "paths": paths,
        "components": {"schemas": schemas},
    }
