"""Scale scores computed from the definition alone: items, reverse coding, mean or sum, minimum answered."""
from __future__ import annotations

from typing import Any, Mapping

from .definition import Definition, Scale
from .items import ChoiceItem


def item_score(definition: Definition, var: str, value: Any, reverse: bool) -> float | None:
    """An item's contribution to a scale: None for "don't know" choices; reversed within its own range."""
    item = definition.items[var]
    if isinstance(item, ChoiceItem):
        choice = item.choice_list.find(value)
        if choice is None or choice.missing:
            return None
        low, high = item.choice_list.scored_bounds()
    else:
        low, high = getattr(item, "min", None), getattr(item, "max", None)
    if reverse:
        return low + high - value
    return value


def score_scale(definition: Definition, scale: Scale, answers: Mapping[str, Any]) -> float | None:
    return score_and_count(definition, scale, answers)[0]


def score_and_count(definition: Definition, scale: Scale, answers: Mapping[str, Any]) -> tuple[float | None, int]:
    """The score, and how many items entered it (answered, not "don't know"): exports need both per row."""
    values = []
    for var in scale.items:
        if answers.get(var) is None:
            continue
        score = item_score(definition, var, answers[var], var in scale.reverse)
        if score is not None:
            values.append(score)
    if len(values) < scale.min_answered:
        return None, len(values)
    mean = sum(values) / len(values)
    # a sum with missing items is prorated: the mean of answered items times the number of items
    return (mean if scale.score == "mean" else mean * len(scale.items)), len(values)


def score_all(definition: Definition, answers: Mapping[str, Any]) -> dict[str, float | None]:
    return {scale.id: score_scale(definition, scale, answers) for scale in definition.scales}
