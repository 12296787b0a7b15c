"""Reading a JSON request body safely: within the size limit (chunked bodies too), never deeper than a
submission needs, and with text that UTF-8 and PostgreSQL can store.

`request.get_json(silent=True)` lets a RecursionError through (a 500 for JSON nested ~1,000 deep)
and, for a chunked body, Werkzeug quietly truncates the stream at MAX_CONTENT_LENGTH, so a body
that is too large looked like broken JSON (422). Here each of these is a clear refusal.
"""
from __future__ import annotations

import json
import re
from typing import Any, BinaryIO

import orjson
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

# A submission is an object of answers, some of them lists: 3 levels; leave room, refuse abuse.
MAX_DEPTH = 16
# A lone UTF-16 surrogate (JSON allows "\ud800") has no UTF-8 form: it breaks jsonb casts and exports.
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_FIELD_CHARS = 120   # a path named in an error, never the whole of a huge key
# 19 digits in a row may be an integer beyond 64 bits, which orjson reads as a float (json: an int)
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


class BodyError(ValueError):
    def __init__(self, status: int, code: str, message, field: str | None = None):
        super().__init__(code)
        self.status, self.code, self.message, self.field = status, code, message, field


def read_limited(stream: BinaryIO, limit: int | None) -> bytes:
    """The whole body, or 413 when it is longer than `limit`.

    Werkzeug wraps a chunked body in a stream that stops silently at the limit; one more read
    past it raises RequestEntityTooLarge, which is how a too-long chunked body is told apart.
    """
    data = stream.read()
    if limit is not None and len(data) >= limit and stream.read(1):
        raise RequestEntityTooLarge()
    return data


def parse_json(data: bytes) -> Any:
    """The JSON value of a body, or BodyError (400 for unreadable JSON, 422 for unstorable text)."""
    try:
        value = _loads(data)
    except RecursionError:
        raise BodyError(400, "json_too_deep", _l("The JSON in the request is nested too deeply."))
    except ValueError:   # JSONDecodeError, and UnicodeDecodeError for bytes that are not UTF-8
        raise BodyError(400, "invalid_json", _l("The request body is not valid JSON."))
    check_json(value)
    return value


def _loads(data: bytes) -> Any:
    """`json.loads`' value, read by orjson where the two agree: a body of valid UTF-8 JSON, no number
    of 19 digits or more, no lone surrogate, NaN or infinity. Anything else (orjson refuses it)
    is read by json, as before, for its value or its error. orjson reads a submission's body in a
    sixth of the time (benchmarks/README.md)."""
    if not _LONG_DIGITS.search(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data, parse_constant=_refuse_constant)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")   # Python would read NaN and Infinity


def check_json(value: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH and lone surrogates in any string or key.

    Walked with an explicit stack: a recursive walk would fail on the very input it refuses. The
    walk keeps no paths: only a refused body has its path worked out, by a second, slower walk.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > MAX_DEPTH:
            return _refuse(value)
        kind = type(node)
        if kind is str:
            if _SURROGATE.search(node):
                return _refuse(value)
        elif kind is dict:
            if node and depth == MAX_DEPTH:     # its children, of any kind, would be too deep
                return _refuse(value)
            for key, child in node.items():
                if _SURROGATE.search(key):
                    return _refuse(value)
                if type(child) in _WALKED:
                    push((child, depth + 1))
        elif kind is list:
            if node and depth == MAX_DEPTH:
                return _refuse(value)
            for child in node:
                if type(child) in _WALKED:
                    push((child, depth + 1))


_WALKED = (str, dict, list)     # json.loads makes no subclasses; numbers, booleans and null need no check


def _refuse(value: Any) -> None:
    """The refusal of a body found wanting, with the path of its first problem."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        node, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise BodyError(400, "json_too_deep", _l("The JSON in the request is nested too deeply."))
        if isinstance(node, str):
            if _SURROGATE.search(node):
                raise BodyError(422, "invalid_text", _l("The text contains characters that cannot be stored "
                                                        "(a lone UTF-16 surrogate)."), _bounded(path))
        elif isinstance(node, dict):
            for key, child in node.items():
                where = f"{path}.{key}" if path else key
                if _SURROGATE.search(key):
                    raise BodyError(422, "invalid_text", _l("The text contains characters that cannot be stored "
                                                            "(a lone UTF-16 surrogate)."), _bounded(path or key))
                stack.append((child, depth + 1, where))
        elif isinstance(node, list):
            stack.extend((child, depth + 1, f"{path}[{i}]") for i, child in enumerate(node))


def _bounded(path: str) -> str:
    path = _SURROGATE.sub("\ufffd", path)
    return path if len(path) <= _MAX_FIELD_CHARS else path[:_MAX_FIELD_CHARS] + "…"
