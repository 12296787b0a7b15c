"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json."""
from __future__ import annotations

from ..questionnaires.errors import ERROR_CODES

_ERROR = {"type": "object", "required": ["error", "message"], "properties": {
    "error": {"type": "string", "description": "A stable code."},
    "message": {"type": "string", "description": "In the request's language."},
    "field": {"type": "string"},
    "errors": {"type": "object", "description": "Per variable: a list of {code, message, params}.",
               "additionalProperties": {"type": "array", "items": {"type": "object", "properties": {
                   "code": {"enum": list(ERROR_CODES)}, "message": {"type": "string"},
                   "params": {"type": "object"}}}}},
}}


def _json(schema_ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


def openapi_document() -> dict:
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    language = {"name": "Accept-Language", "in": "header", "required": False, "schema": {"type": "string"},
                "description": "Language of error messages when the body names none."}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kraftsamling Herrgården survey API", "version": "1",
                 "description": "Submit responses (the offline tablets' path) and read open collections. "
                                "Respondents' names, IP addresses and user agents are never stored."},
        "paths": {
            "/api/v1/collections/{slug}": {"get": {
                "summary": "An open collection and its questionnaire",
                "parameters": [slug, language],
                "responses": {"200": _json("Collection", "The collection with its questionnaire definition."),
                              "404": _json("Error", "No such collection."),
                              "410": _json("Error", "Closed or not yet open.")}}},
            "/api/v1/collections/{slug}/responses": {"post": {
                "summary": "Submit one response; repeating a client_id stores it once",
                "parameters": [slug, language],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Submission"}}}},
                "responses": {"201": _json("Stored", "Stored for the first time."),
                              "200": _json("Stored", "Already stored earlier under this client_id; nothing changed."),
                              "404": _json("Error", "No such collection."),
                              "409": _json("Error", "Other answers were stored earlier under this client_id; "
                                                    "nothing changed. Keep the record aside, do not re-send it."),
                              "410": _json("Error", "Closed or not yet open."),
                              "413": _json("Error", "Body too large."),
                              "422": _json("Error", "Invalid envelope or answers; nothing was stored.")}}},
            "/healthz": {"get": {"summary": "The app and its database are up",
                                 "responses": {"200": {"description": "Up."}, "503": {"description": "Database down."}}}},
        },
        "components": {"schemas": {
            "Submission": {"type": "object", "required": ["client_id", "language", "answers"], "properties": {
                "client_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$",
                              "description": "Generated on the device (a UUID), the same on every re-send."},
                "language": {"type": "string", "description": "One of the collection's languages."},
                "answers": {"type": "object", "description": "Variable name to value: a number, a choice value, "
                                                             "a list of choice values, or text."},
                "started_at": {"type": "string", "format": "date-time"},
                "submitted_at": {"type": "string", "format": "date-time",
                                 "description": "When the respondent pressed send; a queued response sent after "
                                                "closing is accepted within the grace period. A time from a "
                                                "clearly wrong device clock (before 2020 or in the future) "
                                                "counts as unknown: the time of receipt is used."},
                "channel": {"enum": ["tablet", "link"]},
                "questionnaire_version": {"type": "integer", "minimum": 1,
                                          "description": "The questionnaire version the answers were given to "
                                                         "(questionnaire_version of the collection when the "
                                                         "respondent started). Answers are checked against, and "
                                                         "stored under, that version, so a queue outlives a new "
                                                         "version. Default: the collection's current version."}}},
            "Stored": {"type": "object", "properties": {"client_id": {"type": "string"}, "stored": {"type": "boolean"},
                                                        "message": {"type": "string"}}},
            "Collection": {"type": "object", "properties": {
                "slug": {"type": "string"}, "activity": {"type": "string"}, "wave": {"type": "string"},
                "audience": {"type": "string"}, "channel": {"type": "string"},
                "languages": {"type": "array", "items": {"type": "string"}},
                "questionnaire": {"type": "object", "description": "Pages, items (variables, types, choices with "
                                                                    "labels, ranges, skip logic), scales."}}},
            "Error": _ERROR,
        }},
    }
