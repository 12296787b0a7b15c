"""A submission's body is read by orjson where it agrees with json, and by json everywhere else
(survey/api/body.py): the value, or the refusal, is json's either way."""
import json

import pytest

from survey.api.body import BodyError, parse_json


def json_value(data: bytes):
    def refuse(name):
        raise ValueError(name)
    return json.loads(data, parse_constant=refuse)


@pytest.mark.parametrize("data", [
    b'{"client_id": "abc12345", "answers": {"q1": 4, "q2": [1, 3], "name": "\\u0633\\u0627\\u0631\\u0627"}}',
    "{\"t\": \"سارا Ödegaard\"}".encode(),
    b'{"big": 123456789012345678901234567890, "neg": -9223372036854775809, "edge": 18446744073709551615}',
    b'{"f": 0.1, "e": 1e-7, "z": -0.0, "huge": 1e400}',
    b'{"pair": "\\ud83d\\ude00", "a": 1, "a": 2}',
    b'\xef\xbb\xbf{"bom": true}'.decode("utf-8-sig").encode("utf-16"),
    b'  [1, 2, {"x": null}]  ',
])
def test_the_value_is_what_json_reads(data):
    value = parse_json(data)
    assert value == json_value(data) and repr(value) == repr(json_value(data))


def test_an_integer_beyond_64_bits_stays_an_integer():
    # orjson would read it as a float: 1.2345678901234568e+29
    assert parse_json(b'{"n": 123456789012345678901234567890}')["n"] == 123456789012345678901234567890


@pytest.mark.parametrize("data, code", [
    (b'{"n": NaN}', "invalid_json"), (b"Infinity", "invalid_json"), (b"[1,]", "invalid_json"),
    (b"\xff{}", "invalid_json"), (b'"\\ud800"', "invalid_text"), (b"[" * 100 + b"]" * 100, "json_too_deep"),
])
def test_what_json_refuses_is_refused_as_before(data, code):
    with pytest.raises(BodyError) as refused:
        parse_json(data)
    assert refused.value.code == code
