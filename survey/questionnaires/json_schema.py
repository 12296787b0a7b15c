"""The JSON Schema (draft 2020-12) of a questionnaire's answers, derived from its item types and skip logic.

It says exactly what the one validator (answers.check_answers) accepts, so a client writer can check
a response before sending it and the API's own tests can generate valid and invalid ones:
- every variable of the questionnaire may appear, no other;
- an item that is shown takes an answer of its type (`Item.answer_schema`) or an empty one
  (null, "" or []); a required one needs a given answer (`Item.given_answer_schema`);
- an item that skip logic hides may carry anything: its answer is dropped, never stored.
"Shown" follows the same rules as the server: a condition looks at the answers of the items before
it, and a hidden or unanswered variable makes every comparison false (only `answered: false` holds).
"""
from __future__ import annotations

from typing import Any

from .definition import Definition
from .items import EMPTY_ANSWER, ChoiceItem, Item

ANYTHING: dict = {}


def answers_schema(definition: Definition) -> dict:
    rules = _Rules(definition)
    checks = []
    for item in definition.items.values():
        shown = rules.shown(item)
        checks.append(rules.answer_rule(item) if shown == ANYTHING else {"if": shown, "then": rules.answer_rule(item)})
    return {"type": "object", "properties": {var: ANYTHING for var in definition.items},
            "additionalProperties": False, "allOf": checks}


class _Rules:
    def __init__(self, definition: Definition):
        self.definition = definition
        self.page_of_item = {item.var: page for page in definition.pages for item in page.items}

    def answer_rule(self, item: Item) -> dict:
        """What a shown item's answer must be."""
        if item.required:
            return {"required": [item.var], "properties": {item.var: item.given_answer_schema()}}
        return {"properties": {item.var: {"anyOf": [item.answer_schema(), EMPTY_ANSWER]}}}

    def shown(self, item: Item) -> dict:
        page = self.page_of_item[item.var]
        return _all_of(self.condition(page.show_if), self.condition(item.show_if))

    def answered(self, var: str) -> dict:
        item = self.definition.items[var]
        return _all_of(self.shown(item), {"required": [var], "properties": {var: item.given_answer_schema()}})

    def condition(self, condition: dict | None) -> dict:
        if condition is None:
            return ANYTHING
        if "all" in condition:
            return _all_of(*(self.condition(c) for c in condition["all"]))
        if "any" in condition:
            return {"anyOf": [self.condition(c) for c in condition["any"]]}
        if "not" in condition:
            return {"not": self.condition(condition["not"])}
        var = condition["var"]
        op, operand = next((k, v) for k, v in condition.items() if k != "var")
        answered = self.answered(var)
        if op == "answered":
            return answered if operand else {"not": answered}
        value = self._value_schema(self.definition.items[var], op, operand)
        return _all_of(answered, {"properties": {var: value}})

    @staticmethod
    def _value_schema(item: Item, op: str, operand: Any) -> dict:
        """A raw answer whose clean value satisfies `op operand` (a choice code may come as its digits)."""
        if op == "includes":
            return {"type": "array", "contains": _same(operand)}
        if op in ("equals", "not_equals", "in"):
            matching = _same(operand) if op != "in" else {"anyOf": [_same(v) for v in operand]}
            return matching if op != "not_equals" else {"not": matching}
        if isinstance(item, ChoiceItem):
            compare = {"gte": lambda v: v >= operand, "lte": lambda v: v <= operand,
                       "gt": lambda v: v > operand, "lt": lambda v: v < operand}[op]
            codes = [c.value for c in item.choice_list.choices
                     if isinstance(c.value, (int, float)) and compare(c.value)]
            return {"anyOf": [_same(v) for v in codes]} if codes else {"not": ANYTHING}
        bound = {"gte": "minimum", "lte": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}[op]
        return {"type": "number", bound: operand}


def _same(value: Any) -> dict:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"enum": [value, str(value)]}
    return {"const": value}


def _all_of(*schemas: dict) -> dict:
    parts = [s for s in schemas if s != ANYTHING]
    if not parts:
        return ANYTHING
    return parts[0] if len(parts) == 1 else {"allOf": parts}
