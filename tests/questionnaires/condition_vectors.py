"""Shared test vectors for the condition evaluator: a seeded set of (condition, answers, expected)
cases, so another implementation (the offline kiosk's JavaScript) can be checked against the server.

    .venv/bin/python tests/questionnaires/condition_vectors.py   # rewrites condition_vectors.json

test_condition_vectors.py checks that the committed file still agrees with survey/questionnaires/conditions.py.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VECTORS = Path(__file__).with_name("condition_vectors.json")
VARS = ("a", "b", "c")


def scalar(rng):
    return rng.choice([None, True, False, 0, 1, 2, -3, 2.5, "", "x", "sport", "1"])


def answer(rng):
    kind = rng.random()
    if kind < 0.2:
        return [scalar(rng) for _ in range(rng.randint(0, 3))]
    if kind < 0.25:
        return {"k": scalar(rng)}
    return scalar(rng)


def condition(rng, depth=0):
    if depth < 2 and rng.random() < 0.35:
        kind = rng.choice(["all", "any", "not"])
        if kind == "not":
            return {"not": condition(rng, depth + 1)}
        return {kind: [condition(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    op = rng.choice(["equals", "not_equals", "in", "includes", "gte", "lte", "gt", "lt", "answered"])
    operand = {"in": lambda: [scalar(rng) for _ in range(rng.randint(1, 3))], "answered": lambda: rng.random() < 0.5,
               "gte": lambda: rng.choice([0, 1, 2, 2.5]), "lte": lambda: rng.choice([0, 1, 2, 2.5]),
               "gt": lambda: rng.choice([0, 1, 2.5]), "lt": lambda: rng.choice([0, 1, 2.5])}.get(op, lambda: scalar(rng))()
    return {"var": rng.choice(VARS), op: operand}


def cases(count=400, seed=19):
    sys.path.insert(0, str(ROOT))
    from survey.questionnaires.conditions import evaluate
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        c = condition(rng)
        answers = {v: answer(rng) for v in VARS if rng.random() < 0.7}
        out.append({"condition": c, "answers": answers, "expected": evaluate(c, answers)})
    return out


ABOUT = ("(condition, answers) -> expected, from survey/questionnaires/conditions.py. Comparisons follow Python: "
         "1 == 1.0, and true == 1 and false == 0 in equals, not_equals, in and includes; an unanswered variable "
         "makes every test but answered false. Regenerate: tests/questionnaires/condition_vectors.py")


if __name__ == "__main__":
    lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in cases())   # one case a line: readable diffs
    VECTORS.write_text(f'{{"about": {json.dumps(ABOUT)},\n"cases": [\n{lines}\n]}}\n')
    print(f"wrote {VECTORS}")
