"""Outcome indicators as data (forms/indicators.yaml): what each outcome of the agreement is
measured by, per audience, and how one response contributes to it.

An indicator's value for one response is a number x: the scale score (rule `mean`, scored by the
questionnaire's own scoring rule) or 1/0 for answering inside/outside the chosen categories
(rules `top_two` and `share`). None means the response does not count (scale not scorable, item
unanswered or "don't know"). Tallies keep n, sum x and sum x² per cell; statistics.py turns them
into estimates. Plain Python: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from ruamel.yaml.error import YAMLError

from ..questionnaires.definition import Definition
from ..questionnaires.items import ChoiceItem
from ..questionnaires.loader import Problem, _line_of, _plain
from ..questionnaires.scoring import score_scale
from ..questionnaires.yaml_files import reader

FILENAME = "indicators.yaml"
OUTCOMES = ("self_efficacy", "participation", "safety", "leisure")
RULES = ("mean", "top_two", "share")
WAVES = ("baseline", "follow-up", "yearly", "event")   # as fieldwork.models.WAVES; kept plain here
UNKNOWN_GENDER = "unknown"
REQUIRED_LABELS = ("sv", "en")


@dataclass(frozen=True)
class Indicator:
    id: str
    outcome: str
    questionnaire: str
    audience: str
    rule: str
    label: dict[str, str]
    scale: str | None = None
    item: str | None = None
    categories: tuple = ()
    public: dict[str, str] | None = None
    baseline_wave: str = "baseline"    # the file's own, unless the indicator names another

    @property
    def is_share(self) -> bool:
        return self.rule != "mean"

    def text(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or next(iter(self.label.values()))

    def public_text(self, lang: str) -> str | None:
        if not self.public:
            return None
        return self.public.get(lang) or self.public.get("en")

    def chosen_categories(self, definition: Definition) -> frozenset:
        if self.rule == "share":
            return frozenset(self.categories)
        scored = sorted(c.value for c in definition.items[self.item].choice_list.choices if not c.missing)
        return frozenset(scored[-2:])

    def value(self, definition: Definition, answers: Mapping[str, Any]) -> float | None:
        """This response's x for the indicator, or None when it does not count."""
        # an older version of the questionnaire may lack the scale or item: its responses do not count
        if self.rule == "mean":
            scale = next((s for s in definition.scales if s.id == self.scale), None)
            return None if scale is None else score_scale(definition, scale, answers)
        item = definition.items.get(self.item)
        if not isinstance(item, ChoiceItem):
            return None
        choice = item.choice_list.find(answers.get(self.item))
        if choice is None or choice.missing:
            return None
        return 1.0 if choice.value in self.chosen_categories(definition) else 0.0


@dataclass(frozen=True)
class IndicatorSet:
    indicators: tuple[Indicator, ...]
    baseline_wave: str = "baseline"
    gender_item: str = "gender"
    feedback_questionnaire: str | None = None   # event feedback: its item's mean and distribution per event
    feedback_item: str | None = None

    def for_questionnaire(self, form_id: str) -> list[Indicator]:
        return [i for i in self.indicators if i.questionnaire == form_id]

    def by_id(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def gender_group(self, definition: Definition, answers: Mapping[str, Any]) -> str:
        """The gender cell a response falls in: the choice's value as text, or 'unknown' (not said, not asked)."""
        item = definition.items.get(self.gender_item)
        if not isinstance(item, ChoiceItem):
            return UNKNOWN_GENDER
        choice = item.choice_list.find(answers.get(self.gender_item))
        return UNKNOWN_GENDER if choice is None or choice.missing else str(choice.value)

    def gender_label(self, definition: Definition, group: str, lang: str) -> str | None:
        """The questionnaire's own label for a gender group (None for 'unknown': the view names it)."""
        item = definition.items.get(self.gender_item)
        if group == UNKNOWN_GENDER or not isinstance(item, ChoiceItem):
            return None
        choice = item.choice_list.find(group)
        return definition.text(choice.label, lang) if choice else group


@dataclass
class IndicatorsResult:
    indicators: IndicatorSet | None
    problems: list[Problem]


def load_indicators(path: Path, definitions: Iterable[Definition] | None) -> IndicatorsResult:
    """Read and check the indicators file against the questionnaires it names (`forms check`);
    with `definitions` None (at run time) only the file's own shape is checked. No file: no indicators."""
    path = Path(path)
    if not path.exists():
        return IndicatorsResult(IndicatorSet(()), [])
    try:
        document = reader().load(path.read_text(encoding="utf-8"))
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return IndicatorsResult(None, [Problem(path.name, mark.line + 1 if mark else None, "",
                                               f"not valid YAML: {getattr(error, 'problem', error)}")])
    data = _plain(document)
    problems = [Problem(path.name, _line_of(document, where), ".".join(map(str, where)), message)
                for where, message in _problems(data, None if definitions is None else {d.id: d for d in definitions})]
    if problems:
        return IndicatorsResult(None, problems)
    baseline = data.get("baseline_wave", "baseline")
    indicators = tuple(Indicator(id=spec["id"], outcome=spec["outcome"], questionnaire=spec["questionnaire"],
                                 audience=spec["audience"], rule=spec["rule"], label=dict(spec["label"]),
                                 scale=spec.get("scale"), item=spec.get("item"),
                                 categories=tuple(spec.get("categories", ())), public=spec.get("public"),
                                 baseline_wave=spec.get("baseline_wave", baseline))
                       for spec in data["indicators"])
    feedback = data.get("feedback") or {}
    return IndicatorsResult(IndicatorSet(indicators, baseline,
                                         data.get("gender_item", "gender"),
                                         feedback.get("questionnaire"), feedback.get("item")), [])


KEYS = {"id", "outcome", "questionnaire", "audience", "rule", "label", "scale", "item", "categories", "public",
        "baseline_wave"}


def _problems(data: Any, definitions: dict[str, Definition] | None):
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        yield [], "the file needs a list called 'indicators'"
        return
    if data.get("baseline_wave", "baseline") not in WAVES:
        yield ["baseline_wave"], f"baseline_wave must be one of {', '.join(WAVES)}"
    feedback = data.get("feedback")
    if feedback is not None and definitions is not None:
        definition = definitions.get((feedback or {}).get("questionnaire"))
        item = definition.items.get(feedback.get("item")) if definition else None
        if not isinstance(item, ChoiceItem) or not item.choice_list.numeric:
            yield ["feedback"], "feedback names a questionnaire in forms/ and one of its single-choice items with numeric codes"
    seen = set()
    for index, spec in enumerate(data["indicators"]):
        where = ["indicators", index]
        if not isinstance(spec, dict):
            yield where, "each indicator is a mapping (id, outcome, questionnaire, rule, ...)"
            continue
        for key in sorted(set(spec) - KEYS):
            yield [*where, key], f"unknown key '{key}'"
        missing = [k for k in ("id", "outcome", "questionnaire", "audience", "rule", "label") if k not in spec]
        if missing:
            yield where, f"missing {', '.join(missing)}"
            continue
        if spec["id"] in seen:
            yield [*where, "id"], f"indicator '{spec['id']}' is defined twice"
        seen.add(spec["id"])
        if spec.get("baseline_wave", "baseline") not in WAVES:
            yield [*where, "baseline_wave"], f"baseline_wave must be one of {', '.join(WAVES)}"
        if spec["outcome"] not in OUTCOMES:
            yield [*where, "outcome"], f"outcome must be one of {', '.join(OUTCOMES)}"
        for lang in REQUIRED_LABELS:
            if not (spec["label"] or {}).get(lang):
                yield [*where, "label"], f"a label in '{lang}' is needed (the yearly report is in Swedish and English)"
        if definitions is None:
            continue
        definition = definitions.get(spec["questionnaire"])
        if definition is None:
            yield [*where, "questionnaire"], f"no questionnaire '{spec['questionnaire']}' in forms/"
            continue
        if spec["audience"] != definition.audience:
            yield [*where, "audience"], (f"'{spec['questionnaire']}' is answered by '{definition.audience}', "
                                         f"not '{spec['audience']}'")
        yield from _rule_problems(spec, where, definition)


def _rule_problems(spec: dict, where: list, definition: Definition):
    rule = spec["rule"]
    if rule not in RULES:
        yield [*where, "rule"], f"rule must be one of {', '.join(RULES)}"
        return
    if rule == "mean":
        if spec.get("item") or spec.get("categories"):
            yield where, "a mean is taken of a scale: give 'scale', not 'item' or 'categories'"
        if spec.get("scale") not in {s.id for s in definition.scales}:
            yield [*where, "scale"], (f"'{definition.id}' has no scale '{spec.get('scale')}' "
                                      f"(scales: {', '.join(s.id for s in definition.scales) or 'none'})")
        if spec.get("public"):
            yield [*where, "public"], "a sentence for participants is given for share rules only"
        return
    if spec.get("scale"):
        yield [*where, "scale"], f"rule '{rule}' counts answers to an item: give 'item', not 'scale'"
    item = definition.items.get(spec.get("item"))
    if not isinstance(item, ChoiceItem):
        yield [*where, "item"], f"'{definition.id}' has no single-choice item '{spec.get('item')}'"
        return
    values = {c.value for c in item.choice_list.choices if not c.missing}
    if rule == "share":
        categories = spec.get("categories") or []
        unknown = [c for c in categories if c not in values]
        if not categories or unknown:
            yield [*where, "categories"], (f"list the categories counted, from {sorted(values)}"
                                           + (f"; not {unknown}" if unknown else ""))
    elif spec.get("categories"):
        yield [*where, "categories"], "top_two takes the two highest categories itself; use rule 'share' to list them"
    elif len(values) < 3:
        yield [*where, "item"], "top_two needs an item with at least three scored categories"
    for lang in (definition.languages if spec.get("public") else ()):
        if not spec["public"].get(lang):
            yield [*where, "public"], f"the sentence for participants needs '{lang}' ('{definition.id}' is offered in it)"
