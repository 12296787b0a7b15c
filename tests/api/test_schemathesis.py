"""The API against its own OpenAPI description, probed by schemathesis in-process (WSGI) with every
check (no 5xx, documented statuses, headers and bodies, valid data accepted, invalid data refused), on
valid and invalid requests, a bounded number of examples per operation so CI runs it within a minute.

(schemathesis' pytest fixture loader does not run under pytest 9, so each operation's strategy is
driven by Hypothesis here; the checks are schemathesis' own.)
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "150"))
OPERATIONS = [
    ("POST", "/api/v1/collections/summer/responses"),      # the exact body of an open collection
    ("POST", "/api/v1/collections/{slug}/responses"),
    ("GET", "/api/v1/collections/{slug}"),
    ("GET", "/api/v1/collections/{slug}/schema.json"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/healthz"),
]


@pytest.fixture
def api_schema(app, make_collection):
    make_collection(slug="summer", form="allkinds")

    def fresh_context(environ, start_response):
        # each request in its own app context, as on a real server (`g` never leaks between requests)
        with app.app_context():
            return list(app(environ, start_response))

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fresh_context)


def test_the_description_names_every_operation_tested_here(api_schema):
    described = {(method.upper(), path) for path, methods in api_schema.raw_schema["paths"].items() for method in methods}
    assert described == set(OPERATIONS)


CASES = [(method, path, GenerationMode.POSITIVE) for method, path in OPERATIONS] + [
    # only a body can be made invalid: a path's slug is any string, and the GETs take nothing else
    (method, path, GenerationMode.NEGATIVE) for method, path in OPERATIONS if method == "POST"]


@pytest.mark.parametrize("method, path, mode", CASES, ids=lambda x: getattr(x, "value", x))
def test_the_api_keeps_to_its_openapi_description(api_schema, method, path, mode):
    operation = api_schema[path][method]
    # The body for any slug cannot be exact (which languages and answers are valid depends on the
    # collection): there "valid data is accepted" is checked on each collection's own path instead.
    excluded = [positive_data_acceptance] if path == "/api/v1/collections/{slug}/responses" else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def keeps_to_it(case):
        # schemathesis' WSGI transport asks for compressed bodies but does not decode them;
        # compression itself is tested in tests/test_security.py
        case.call_and_validate(excluded_checks=excluded, headers={"Accept-Encoding": "identity"})
    keeps_to_it()
