"""The JSON text kept in the database's JSON columns (a response's answers, snapshots, audit details).

SQLAlchemy writes these with `json.dumps` unless the engine is given a serializer. This one is
orjson's: compact UTF-8 (`{"q1":4,"name":"سارا"}`) instead of `json.dumps`' spaced ASCII escapes,
written in a fraction of the time. It is a share of every submission's cost (benchmarks/README.md),
and a kept answer in Arabic or Somali takes half the bytes. Both texts read back as the same
values, so rows written before and after it are read alike.

What orjson cannot write (integers beyond 64 bits, keys that are not strings) or is told to pass
on (dates, dataclasses, subclasses of str, int, dict and list, which `json.dumps` treats its own
way or refuses) goes to `json.dumps` as before. One difference stays: a float NaN or infinity
becomes `null` (`json.dumps` wrote `NaN`, which is not JSON and PostgreSQL refuses). No answer can
hold one: the validator refuses numbers that are not finite.
"""
from __future__ import annotations

import json
from typing import Any

import orjson

_ORJSON_LEAVES = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=_ORJSON_LEAVES).decode()
    except TypeError:   # orjson.JSONEncodeError is a TypeError
        return json.dumps(value)
