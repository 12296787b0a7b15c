"""Synthetic answers for demos and benchmarks: valid for a questionnaire, random, never real data.

`lift` tilts every scored answer towards the top of its scale (0 = uniform), so a later synthetic
year can show a change from the baseline. Plain Python: no Flask, no database.
"""
from __future__ import annotations

import math
import random
from datetime import date
from typing import Any

from ..questionnaires.definition import Definition
from ..questionnaires.items import ChoiceItem, MultipleChoiceItem, NumberItem, YearOfBirthItem

GENDER_WEIGHTS = {1: 0.48, 2: 0.45, 3: 0.02, 9: 0.05}   # girls, boys, other, not stated


def synthetic_answers(definition: Definition, rng: random.Random, lift: float = 0.0,
                      gender_weights: dict | None = None, today: date | None = None) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in definition.items.values():
        value = _answer(item, rng, lift, gender_weights or GENDER_WEIGHTS, today)
        if value is not None:
            answers[item.var] = value
    return answers


def _answer(item, rng: random.Random, lift: float, gender_weights: dict, today: date | None):
    if item.var == "gender" and isinstance(item, ChoiceItem) and not isinstance(item, MultipleChoiceItem):
        values = [c.value for c in item.choice_list.choices]
        weights = [gender_weights.get(v, 0.01) for v in values]
        return rng.choices(values, weights)[0]
    if isinstance(item, MultipleChoiceItem):
        values = [c.value for c in item.choice_list.choices]
        return sorted(rng.sample(values, k=min(len(values), rng.randint(1, 2))), key=values.index)
    if isinstance(item, ChoiceItem):
        scored = sorted(c.value for c in item.choice_list.choices if not c.missing) \
            if item.choice_list.numeric else [c.value for c in item.choice_list.choices if not c.missing]
        missing = [c.value for c in item.choice_list.choices if c.missing]
        if missing and rng.random() < 0.04:
            return missing[0]
        if rng.random() < 0.02:
            return None   # skipped
        span = max(len(scored) - 1, 1)
        weights = [math.exp(lift * index / span) * (1.0 + 0.8 * math.sin(math.pi * index / span))
                   for index in range(len(scored))]
        return rng.choices(scored, weights)[0]
    if isinstance(item, YearOfBirthItem):
        low, high = item.bounds(today)
        return rng.randint(low + 1, high)
    if isinstance(item, NumberItem):
        low = int(item.min if item.min is not None else 0)
        high = int(item.max if item.max is not None else low + 10)
        return rng.randint(low, min(high, low + 10))
    return None   # free text and notes: never synthesised (no invented words in a dataset)
