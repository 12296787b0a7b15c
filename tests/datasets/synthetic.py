"""Synthetic questionnaires and responses for the dataset tests: nothing here comes from real people."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from survey.datasets import ResponseRecord
from survey.i18n.languages import load_languages
from survey.questionnaires.definition import Definition
from survey.questionnaires.loader import load_file

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["sv", "en", "ar", "so", "fa"]


def _label(sv: str, en: str) -> dict:
    return {"sv": sv, "en": en, "ar": f"{en} (ar)", "so": f"{en} (so)", "fa": f"{en} (fa)"}


def _choices(*pairs, missing=()) -> dict:
    return {"translation_status": {lang: "draft" for lang in LANGS},
            "choices": [{"value": v, "label": _label(sv, en), **({"missing": True} if v in missing else {})}
                        for v, sv, en in pairs]}


def definition_data(version: int = 1, extra_items: tuple = ()) -> dict:
    """A small questionnaire with every kind of column the export meets."""
    status = {lang: "draft" for lang in LANGS}
    items = [
        {"var": "birth_year", "type": "year_of_birth", "min_age": 6, "max_age": 99,
         "label": _label("Vilket år är du född?", "What year were you born?"), "translation_status": status},
        {"var": "gender", "type": "single_choice", "choices": "gender", "quasi_identifier": True,
         "label": _label("Jag är", "I am"), "translation_status": status},
        {"var": "home_languages", "type": "multiple_choice", "choices": "home_language", "quasi_identifier": True,
         "sensitive": True, "label": _label("Språk hemma", "Languages at home"), "translation_status": status},
        {"var": "unsafe_often", "type": "single_choice", "choices": "yes_no", "sensitive": True,
         "label": _label("Känner du dig ofta otrygg?", "Do you often feel unsafe?"), "translation_status": status},
        {"var": "se_a", "type": "likert", "choices": "agree4", "label": _label("A", "A"), "translation_status": status},
        {"var": "se_b", "type": "likert", "choices": "agree4", "label": _label("B", "B"), "translation_status": status},
        {"var": "se_c", "type": "likert", "choices": "agree4", "label": _label("C", "C"), "translation_status": status},
        {"var": "activities", "type": "multiple_choice", "choices": "activities",
         "label": _label("Aktiviteter", "Activities"), "translation_status": status},
        {"var": "visits", "type": "number", "min": 0, "max": 7, "label": _label("Besök", "Visits"),
         "translation_status": status},
        {"var": "comment", "type": "long_text", "label": _label("Något mer?", "Anything else?"),
         "translation_status": {**status, "ar": "missing"}},
        {"var": "panel_code", "type": "short_text", "label": _label("Din egen kod", "Your own code"),
         "translation_status": status},
        *extra_items,
    ]
    return {
        "id": "synth", "version": str(version), "title": _label("Prov", "Trial"), "audience": "any",
        "languages": LANGS,
        "choice_lists": {
            "gender": _choices((1, "Tjej", "Girl"), (2, "Kille", "Boy"), (3, "Annat", "Other"),
                               (9, "Vill inte svara", "Prefer not to say"), missing=(9,)),
            "home_language": _choices((1, "Svenska", "Swedish"), (2, "Arabiska", "Arabic"), (3, "Somaliska", "Somali"),
                                      (4, "Persiska", "Persian"), (8, "Tigrinja", "Tigrinya")),
            "yes_no": _choices((1, "Ja", "Yes"), (0, "Nej", "No")),
            "agree4": _choices((1, "Stämmer inte", "Not true"), (2, "Knappast", "Hardly"), (3, "Ganska", "Fairly"),
                               (4, "Helt", "Exactly"), (9, "Vet inte", "Don't know"), missing=(9,)),
            "activities": _choices(("sport", "Idrott", "Sports"), ("music", "Musik", "Music"),
                                   ("homework", "Läxhjälp", "Homework club")),
        },
        "pages": [{"id": "p1", "items": items}],
        "scales": [{"id": "se", "label": _label("Självförmåga", "Self-efficacy"), "outcome": "self_efficacy",
                    "items": ["se_a", "se_b", "se_c"], "reverse": ["se_c"], "score": "mean",
                    "min_answered": 2, "range": [1, 4]}],
    }


def definition(version: int = 1, **kwargs) -> Definition:
    return Definition(definition_data(version, **kwargs))


def record(**overrides) -> ResponseRecord:
    base = dict(collection="sommar-2026", activity="Bästa sommaren", wave="2026", questionnaire="synth",
                version=1, language="sv", channel="tablet", submitted_at=datetime(2026, 6, 17, 10, 5), answers={})
    base.update(overrides)
    return ResponseRecord(**base)


SLUGS = {"Bästa sommaren": "sommar-2026"}   # the slug record() uses by default


def crowd(n: int, seed: int = 1, *, languages=("sv", "sv", "sv", "ar"), activities=("Bästa sommaren",),
          start=datetime(2026, 6, 15, 9, 0), days: int = 20) -> list[ResponseRecord]:
    """n unremarkable responses: common ages, genders and languages, so only planted outliers stand out."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        activity = rng.choice(activities)
        records.append(record(
            collection=SLUGS.get(activity, activity.lower().replace(" ", "-") + "-2026"), activity=activity,
            language=rng.choice(languages), channel=rng.choice(["tablet", "link"]),
            submitted_at=start + timedelta(days=rng.randrange(days), hours=rng.randrange(8)),
            answers={"birth_year": rng.choice([2015, 2016, 2017]), "gender": rng.choice([1, 2]),
                     "home_languages": rng.choice([[1], [1, 2], [2]]),
                     "unsafe_often": rng.choice([0, 1]),
                     "se_a": rng.randint(1, 4), "se_b": rng.randint(1, 4), "se_c": rng.randint(1, 4),
                     "activities": rng.sample(["sport", "music", "homework"], rng.randint(0, 2)),
                     "visits": rng.randint(0, 7)}))
    return records


def real_definition(form: str) -> Definition:
    languages = load_languages(ROOT / "forms" / "languages.yaml")
    return load_file(ROOT / "forms" / f"{form}.yaml", languages).definition


def real_languages():
    return load_languages(ROOT / "forms" / "languages.yaml")


MARKER = {"var": "marker", "type": "number", "min": 0, "max": 100000,
          "label": {"sv": "Testmarkör", "en": "Test marker"}}


def marked(records: list[ResponseRecord]) -> list[ResponseRecord]:
    """The same records, each answering `marker` with its position, so a test can find its rows."""
    from dataclasses import replace
    return [replace(r, answers={**r.answers, "marker": i}) for i, r in enumerate(records)]


def plausible_answers(definition: Definition, rng: random.Random, year: int = 2026) -> dict:
    """Answers any definition accepts, by item type, with background answers kept common."""
    from survey.questionnaires.items import (ChoiceItem, MultipleChoiceItem, NumberItem, ShortTextItem,
                                             YearOfBirthItem)
    answers = {}
    for var, item in definition.items.items():
        if isinstance(item, MultipleChoiceItem):
            values = [c.value for c in item.choice_list.choices]
            answers[var] = [values[0]] if item.quasi_identifier else rng.sample(values, rng.randint(0, 2))
        elif isinstance(item, ChoiceItem):
            values = [c.value for c in item.choice_list.choices]
            answers[var] = values[rng.randrange(2)] if item.quasi_identifier else rng.choice(values)
        elif isinstance(item, YearOfBirthItem):
            answers[var] = year - rng.choice([item.min_age + 5, item.min_age + 6])
        elif isinstance(item, NumberItem):
            low, high = item.min or 0, item.max if item.max is not None else 10
            answers[var] = rng.choice([low, low + 1]) if item.quasi_identifier else rng.randint(low, high)
        elif isinstance(item, ShortTextItem):
            answers[var] = rng.choice(["roligt", "ring mig 070-123 45 67", "=1+1"])
    return answers
