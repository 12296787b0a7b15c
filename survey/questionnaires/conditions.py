"""Skip logic: when an item or page is shown, as a small JSON-friendly condition language.

A condition is one of
    {var: x, equals: v} {var: x, not_equals: v} {var: x, in: [v, ...]} {var: x, includes: v}
    {var: x, gte: n} {var: x, lte: n} {var: x, gt: n} {var: x, lt: n} {var: x, answered: bool}
    {all: [c, ...]} {any: [c, ...]} {not: c}
An unanswered (or hidden) variable makes every comparison false; only `answered: false` is true.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping

OPERATORS = ("equals", "not_equals", "in", "includes", "gte", "lte", "gt", "lt", "answered")


def evaluate(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    if condition is None:
        return True
    if "all" in condition:
        return all(evaluate(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    value = answers.get(condition["var"])
    op, expected = next((k, v) for k, v in condition.items() if k != "var")
    if op == "answered":
        return (value is not None) == expected
    if value is None:
        return False
    if op == "equals":
        return value == expected
    if op == "not_equals":
        return value != expected
    if op == "in":
        return value in expected
    if op == "includes":
        return isinstance(value, list) and expected in value
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return {"gte": value >= expected, "lte": value <= expected,
            "gt": value > expected, "lt": value < expected}[op]


def referenced_vars(condition: Mapping[str, Any] | None) -> Iterator[tuple[str, str, Any]]:
    """Yield (variable, operator, operand) for every comparison in a condition."""
    if condition is None:
        return
    for key in ("all", "any"):
        if key in condition:
            for c in condition[key]:
                yield from referenced_vars(c)
            return
    if "not" in condition:
        yield from referenced_vars(condition["not"])
        return
    op, operand = next((k, v) for k, v in condition.items() if k != "var")
    yield condition["var"], op, operand
