"""One class per item type: each owns everything about itself.

A type knows the keys of its spec and the rules a schema cannot say, how it reads an HTML form,
which widget template shows it (respond/templates/items/<type>.html), how translators should
understand its label, what its answers become in a dataset (`variables`), and the JSON Schema of
an answer it accepts (`answer_schema`, for the API's description). Adding a type is
adding a class here and its template; tests/questionnaires/test_item_types.py fails when a type
lacks any of these.
Answers are JSON-like values: int/float for numbers, a choice value for single choices,
a list of choice values for multiple choices, str for text. None means "not answered".
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from typing import Any, ClassVar, Iterator

from .errors import AnswerError
from .variables import Variable, column_name


@dataclass(frozen=True)
class Choice:
    value: int | str
    label: dict[str, str]
    face: str | None = None
    missing: bool = False  # "don't know / prefer not to say": kept, but not scored


@dataclass(frozen=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]
    translation_status: dict[str, str] = field(default_factory=dict)
    translation_note: dict[str, str] = field(default_factory=dict)

    def find(self, raw: Any) -> Choice | None:
        """The choice a raw value names; a numeric string names an integer code too."""
        if isinstance(raw, bool):
            return None
        if type(raw) in (int, float):
            # the export scores every cell of every row: a dict look-up, same first match as the loop
            return self._by_number.get(raw)
        for choice in self.choices:
            if raw == choice.value or (isinstance(raw, str) and raw == str(choice.value)):
                return choice
        return None

    @property
    def numeric(self) -> bool:
        return all(isinstance(c.value, int) for c in self.choices)

    def scored_bounds(self) -> tuple[int, int]:
        return self._scored_bounds

    # computed once per (immutable) list: exports call these for every cell of every row
    @cached_property
    def _scored_bounds(self) -> tuple[int, int]:
        values = [c.value for c in self.choices if not c.missing]
        return min(values), max(values)

    @cached_property
    def scored_span(self) -> tuple[int, int] | None:
        """(low, high) when the scored codes are exactly the whole numbers from low to high (a Likert
        scale's 1..5): a code is then scored when it lies within them, which an export tests for a whole
        column in three comparisons rather than one per code."""
        values = {c.value for c in self.choices if not c.missing and type(c.value) is int}
        if not values or len(values) != len([c for c in self.choices if not c.missing]):
            return None
        low, high = min(values), max(values)
        return (low, high) if len(values) == high - low + 1 else None

    @cached_property
    def _by_number(self) -> dict:
        index: dict = {}
        for choice in self.choices:
            if not isinstance(choice.value, (str, bool)):
                index.setdefault(choice.value, choice)
        return index


class Item:
    """Base of all item types. `spec` is the item's mapping from the definition file."""

    type: ClassVar[str]
    answerable: ClassVar[bool] = True
    translator_note: ClassVar[str]          # what the label is, for translators
    own_keys: ClassVar[frozenset[str]] = frozenset()   # spec keys that only this kind of item takes
    answers_are_lists: ClassVar[bool] = False

    @classmethod
    def template(cls) -> str:
        """The widget template that shows this type, online and offline alike."""
        return f"items/{cls.type}.html"

    # -- the definition file ---------------------------------------------------------------
    @classmethod
    def spec_problems(cls, spec: dict, lists: dict) -> Iterator[tuple[list, str]]:
        """Rules for this type's spec that the JSON Schema cannot say: (path below the item, message)."""
        if "choices" in spec and "choices" not in cls.own_keys:
            yield ["choices"], f"a {cls.type} item takes no choices"
        for key in sorted(OPTIONAL_KEYS - cls.own_keys):
            if key in spec:
                yield [key], f"'{key}' does not apply to a {cls.type} item"

    @classmethod
    def scorable(cls, spec: dict, lists: dict) -> bool:
        """Whether a scale can take this item's answers as numbers."""
        return False

    @classmethod
    def numeric_answers(cls, spec: dict, lists: dict) -> bool:
        """Whether skip logic may compare this item's answers with gte/lte/gt/lt."""
        return cls.scorable(spec, lists)

    def __init__(self, spec: dict, choice_lists: dict[str, ChoiceList]):
        self.spec = spec
        self.var: str = spec["var"]
        self.label: dict[str, str] = spec["label"]
        self.hint: dict[str, str] = spec.get("hint", {})
        self.required: bool = bool(spec.get("required", False))
        self.show_if: dict | None = spec.get("show_if")
        self.outcome: str | None = spec.get("outcome")
        self.source: str | None = spec.get("source")
        self.sensitive: bool = bool(spec.get("sensitive", False))
        self.quasi_identifier: bool = bool(spec.get("quasi_identifier", self.always_quasi_identifier))

    always_quasi_identifier: ClassVar[bool] = False

    # -- answers ---------------------------------------------------------------------------
    def validate(self, value: Any) -> Any:
        """Return the clean value of a non-empty answer or raise AnswerError."""
        raise NotImplementedError

    def answer_schema(self) -> dict:
        """The JSON Schema of every non-empty answer `validate` accepts (empty is null, "" or [])."""
        raise NotImplementedError

    def given_answer_schema(self) -> dict:
        """The JSON Schema of an answer that counts as given (what a required item needs)."""
        return {"allOf": [self.answer_schema(), {"not": EMPTY_ANSWER}]}

    def form_input(self, form) -> str | list[str] | None:
        """What an HTML form (a MultiDict) sent for this item."""
        return form.getlist(self.var) if self.answers_are_lists else form.get(self.var)

    def form_value(self, answer: Any) -> str | list[str]:
        """A saved answer as the string(s) the form shows."""
        if isinstance(answer, list):
            return [str(v) for v in answer]
        return "" if answer is None else str(answer)

    def from_form(self, raw: str | list[str] | None) -> Any:
        """Turn what an HTML form sent into the JSON-like value `validate` takes."""
        if raw is None:
            return None
        raw = raw.strip()
        return raw or None

    # -- datasets --------------------------------------------------------------------------
    def variables(self) -> list[Variable]:
        """The dataset columns this item's answers become, described for exports and the codebook."""
        raise NotImplementedError

    def export_values(self, value: Any) -> dict[str, Any]:
        """A stored answer (None when unanswered) as values of the columns `variables()` names."""
        return {self.var: value}

    def _variable(self, **facts) -> Variable:
        facts.setdefault("name", column_name(self.var))
        facts.setdefault("label", self.label)
        return Variable(item=self.var, quasi_identifier=self.quasi_identifier, sensitive=self.sensitive, **facts)

    # -- description -----------------------------------------------------------------------
    def describe(self) -> dict:
        """What the API, the offline client, the codebook and the exports know of this item."""
        out = {"var": self.var, "type": self.type, "label": self.label,
               "required": self.required}
        for key in ("hint", "show_if", "outcome", "source", "wording", "adaptation_note",
                    "translation_status", "translation_note", "sensitive"):
            if key in self.spec:
                out[key] = self.spec[key]
        return out


class ChoiceItem(Item):
    type = "single_choice"
    translator_note = "question, one answer"
    own_keys = frozenset({"choices"})

    @classmethod
    def spec_problems(cls, spec, lists):
        yield from super().spec_problems(spec, lists)
        if "choices" not in spec:
            yield [], f"a {cls.type} item needs 'choices', the name of a choice list"
        elif spec["choices"] not in lists:
            yield ["choices"], f"no choice list named '{spec['choices']}' under choice_lists"

    @classmethod
    def scorable(cls, spec, lists):
        return spec.get("choices") in lists and all(isinstance(c["value"], int) for c in lists[spec["choices"]]["choices"])

    def __init__(self, spec, choice_lists):
        super().__init__(spec, choice_lists)
        self.choice_list: ChoiceList = choice_lists[spec["choices"]]

    def validate(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)   # 2.0 from a JavaScript client is the code 2
        if isinstance(value, (list, dict, bool, float)):
            raise AnswerError("wrong_type")
        choice = self.choice_list.find(value)
        if choice is None:
            raise AnswerError("unknown_choice")
        return choice.value

    def answer_schema(self):
        # a code may also come as its digits in a string ("2"), as an HTML form sends it
        codes = [c.value for c in self.choice_list.choices]
        return {"enum": codes + [str(v) for v in codes if isinstance(v, int)]}

    measure: ClassVar[str] = "nominal"

    def variables(self):
        choices = self.choice_list.choices
        return [self._variable(measure=self.measure, storage="numeric" if self.choice_list.numeric else "string",
                               value_labels={c.value: c.label for c in choices},
                               missing_codes=tuple(c.value for c in choices if c.missing))]

    def describe(self):
        out = super().describe()
        out["choices"] = self.choice_list.name
        return out


class LikertItem(ChoiceItem):
    """An agreement or frequency scale: one row of labelled options, usually part of a scale."""
    type = "likert"
    translator_note = "statement with an answer scale"
    measure = "ordinal"


class SmileyItem(ChoiceItem):
    """Choices shown as faces with word labels, for young children (only neutral or happy faces)."""
    type = "smiley"
    translator_note = "question answered with faces"
    measure = "ordinal"

    @classmethod
    def spec_problems(cls, spec, lists):
        yield from super().spec_problems(spec, lists)
        if spec.get("choices") in lists and any("face" not in c for c in lists[spec["choices"]]["choices"]):
            yield ["choices"], f"a smiley item needs a face on every choice of '{spec['choices']}'"


class MultipleChoiceItem(ChoiceItem):
    type = "multiple_choice"
    translator_note = "question, several answers"
    answers_are_lists = True

    @classmethod
    def scorable(cls, spec, lists):
        return False

    def validate(self, value):
        if not isinstance(value, list):
            raise AnswerError("wrong_type")
        picked = []
        for raw in value:
            clean = super().validate(raw)
            if clean not in picked:
                picked.append(clean)
        # stored in the list's own order, so two identical answers compare equal
        order = [c.value for c in self.choice_list.choices]
        return sorted(picked, key=order.index)

    def from_form(self, raw):
        if not raw:
            return None
        return list(raw) if isinstance(raw, (list, tuple)) else [raw]

    def answer_schema(self):
        return {"type": "array", "items": super().answer_schema()}

    def variables(self):
        """One 0/1 column per option, as SPSS and Stata users expect (a "multiple dichotomy" set)."""
        return [self._variable(name=column_name(self.var, choice.value), option=choice.value,
                               label={lang: f"{text} – {choice.label.get(lang, '')}".rstrip(" –")
                                      for lang, text in self.label.items()},
                               measure="nominal", storage="numeric", value_labels=dict(CHOSEN))
                for choice in self.choice_list.choices]

    def export_values(self, value):
        return {column_name(self.var, choice.value): None if value is None else int(choice.value in value)
                for choice in self.choice_list.choices}


_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all C0 controls but tab and line breaks


class NumberItem(Item):
    type = "number"
    translator_note = "question, answered with a number"
    own_keys = frozenset({"min", "max", "integer"})

    @classmethod
    def spec_problems(cls, spec, lists):
        yield from super().spec_problems(spec, lists)
        low, high = sorted(cls.own_keys & {"min", "min_age"}), sorted(cls.own_keys & {"max", "max_age"})
        for low_key, high_key in zip(low, high):
            if low_key in spec and high_key in spec and spec[low_key] > spec[high_key]:
                yield [low_key], f"{low_key} ({spec[low_key]}) is larger than {high_key} ({spec[high_key]})"

    @classmethod
    def scorable(cls, spec, lists):
        return True

    def __init__(self, spec, choice_lists):
        super().__init__(spec, choice_lists)
        self.min = spec.get("min")
        self.max = spec.get("max")
        self.integer = spec.get("integer", True)

    def bounds(self) -> tuple[float | None, float | None]:
        return self.min, self.max

    def from_form(self, raw):
        text = super().from_form(raw)
        if text is None:
            return None
        text = text.replace("\u2212", "-").translate(_DIGITS)
        if not _NUMBER.match(text):
            raise AnswerError("not_a_number")
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() else number

    def validate(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError("wrong_type")
        if isinstance(value, float) and not math.isfinite(value):
            raise AnswerError("not_a_number")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if self.integer and not isinstance(value, int):
            raise AnswerError("not_an_integer")
        low, high = self.bounds()
        if low is not None and value < low:
            raise self.range_error("too_small", low, high)
        if high is not None and value > high:
            raise self.range_error("too_large", low, high)
        return value

    def range_error(self, code, low, high) -> AnswerError:
        return AnswerError(code, {"min": _plain(low), "max": _plain(high)})

    def answer_schema(self):
        low, high = self.bounds()
        schema = {"type": "integer" if self.integer else "number"}
        if low is not None:
            schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
        return schema

    def variables(self):
        return [self._variable(measure="scale", storage="numeric", integer=self.integer)]

    def describe(self):
        out = super().describe()
        out.update({"min": self.min, "max": self.max, "integer": self.integer})
        return out


class YearOfBirthItem(NumberItem):
    """A year of birth, checked against an age range relative to the current year."""
    type = "year_of_birth"
    translator_note = "question, answered with a year"
    own_keys = frozenset({"min_age", "max_age"})
    always_quasi_identifier = True   # with gender and activity, a birth year can single a child out

    def __init__(self, spec, choice_lists):
        super().__init__(spec, choice_lists)
        self.integer = True
        self.min_age = spec.get("min_age", 0)
        self.max_age = spec.get("max_age", 120)

    def bounds(self, today: date | None = None):
        year = (today or date.today()).year
        # someone aged N this year was born this year minus N or minus N+1
        return year - self.max_age - 1, year - self.min_age

    def range_error(self, code, low, high):
        return AnswerError("year_out_of_range", {"min": low, "max": high})

    def describe(self):
        out = super().describe()
        low, high = self.bounds()
        out.update({"min": low, "max": high, "min_age": self.min_age, "max_age": self.max_age})
        return out


class ShortTextItem(Item):
    type = "short_text"
    translator_note = "question, answered with a few words"
    own_keys = frozenset({"max_length"})
    default_max_length: ClassVar[int] = 200

    def __init__(self, spec, choice_lists):
        super().__init__(spec, choice_lists)
        self.max_length = spec.get("max_length", self.default_max_length)

    def validate(self, value):
        if not isinstance(value, str):
            raise AnswerError("wrong_type")
        # Control characters (NUL, escapes) are never meant by a respondent and break exports.
        value = _CONTROL.sub("", value).strip()
        if len(value) > self.max_length:
            raise AnswerError("too_long", {"max_length": self.max_length})
        return value or None

    def answer_schema(self):
        # longer only by control characters and blanks at the ends, which are dropped
        return {"type": "string", "maxLength": self.max_length}

    def given_answer_schema(self):
        return {"type": "string", "maxLength": self.max_length, "pattern": _GIVEN_TEXT}

    def variables(self):
        return [self._variable(measure="nominal", storage="string", free_text=True)]

    def describe(self):
        out = super().describe()
        out["max_length"] = self.max_length
        return out


class LongTextItem(ShortTextItem):
    type = "long_text"
    translator_note = "question, answered with free text"
    default_max_length = 1000


class NoteItem(Item):
    """Information shown to the respondent; it takes no answer."""
    type = "note"
    translator_note = "information text, no answer"
    answerable = False

    @classmethod
    def spec_problems(cls, spec, lists):
        yield from super().spec_problems(spec, lists)
        if spec.get("required"):
            yield ["required"], "an information note takes no answer, so it cannot be required"

    def validate(self, value):
        raise AnswerError("not_answerable")

    def answer_schema(self):
        return {"not": {}}   # nothing but an empty answer

    def given_answer_schema(self):
        return {"not": {}}

    def variables(self):
        return []

    def export_values(self, value):
        return {}


ITEM_TYPES: dict[str, type[Item]] = {cls.type: cls for cls in (
    ChoiceItem, MultipleChoiceItem, LikertItem, SmileyItem, NumberItem, YearOfBirthItem,
    ShortTextItem, LongTextItem, NoteItem)}
CHOICE_TYPES = frozenset(t for t, cls in ITEM_TYPES.items() if issubclass(cls, ChoiceItem))

# Keys that some item types take and others refuse (each type lists its own in `own_keys`).
OPTIONAL_KEYS = frozenset({"min", "max", "integer", "min_age", "max_age", "max_length"})

# What every item takes as "not answered" (see answers._is_empty).
EMPTY_ANSWER = {"enum": [None, "", []]}
# A text that is more than blanks and control characters (which are dropped).
_GIVEN_TEXT = r"[^\s\x00-\x1f\x7f]"

# Value labels of a multiple-choice option's 0/1 column.
CHOSEN = {0: {"en": "not chosen", "sv": "ej vald"}, 1: {"en": "chosen", "sv": "vald"}}

# Arabic-Indic and Persian digits typed on a phone keyboard count as digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")


def _plain(number):
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def build_item(spec: dict, choice_lists: dict[str, ChoiceList]) -> Item:
    return ITEM_TYPES[spec["type"]](spec, choice_lists)
