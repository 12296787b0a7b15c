"""The quasi-identifiers of a dataset and their fixed generalization hierarchies.

A quasi-identifier (QI) is anything that, combined with others, could single a respondent out to
someone who knows they took part: the activity and collection, the questionnaire language, the
submission date, and the items a questionnaire flags (`quasi_identifier`: age or year of birth,
gender, home languages). Each QI offers levels from exact to coarse; the search in anonymize.py
picks one level per QI. A row's cells at a level are computed from its *key* at that level alone,
so the groups the search counts are exactly the groups a reader of the file can form.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Hashable, Mapping

from survey.questionnaires.items import ChoiceItem, Item, MultipleChoiceItem, NumberItem, YearOfBirthItem
from survey.questionnaires.variables import Variable

from .columns import SUPPRESSED, Column
from .records import RecordColumns, ResponseRecord

OTHER = "other"
OTHER_LABEL = {"en": "Other (rare answers merged)", "sv": "Annat (ovanliga svar sammanslagna)"}
RARE_LABEL = {"en": "rare answers", "sv": "ovanliga svar"}

# Age bands and groups: children 7–12 answer the child form, youth 13–19 the youth form.
AGE_BANDS = ((0, 6), (7, 9), (10, 12), (13, 15), (16, 19), (20, 29), (30, 39), (40, 49), (50, 64), (65, 200))
AGE_GROUPS = ((0, 12, {"en": "child (up to 12)", "sv": "barn (till 12)"}),
              (13, 19, {"en": "youth (13–19)", "sv": "ungdom (13–19)"}),
              (20, 200, {"en": "adult (20 and older)", "sv": "vuxen (20 och äldre)"}))


def _band_label(low: int, high: int) -> dict[str, str]:
    if high >= 200:
        return {"en": f"{low} and older", "sv": f"{low} och äldre"}
    return {"en": f"{low}–{high}", "sv": f"{low}–{high}"}


class QuasiIdentifier:
    name: str
    weight: int = 1                       # precision loss of coarsening it, relative to the others
    levels: tuple[str, ...]
    merges_rare: frozenset[str] = frozenset()   # levels where values seen fewer than k times become OTHER

    def raw(self, record: ResponseRecord) -> Hashable:
        raise NotImplementedError

    def raws(self, chunk: RecordColumns) -> list:
        """`raw` of each response of a chunk: subclasses read the chunk's columns in one go."""
        return [self.raw(record) for record in chunk.records()]

    def key(self, raw: Hashable, level: str) -> Hashable | None:
        raise NotImplementedError

    def other_key(self, level: str) -> Hashable:
        return OTHER

    def columns(self, level: str, keys: set) -> list[Column]:
        """The output columns at `level`; `keys` are the keys that occur, so no unused label leaks."""
        raise NotImplementedError

    def cells(self, key: Hashable | None, level: str) -> dict[str, Any]:
        raise NotImplementedError

    def suppressed_cells(self, level: str) -> dict[str, Any]:
        return {c.name: SUPPRESSED if c.storage == "string" else None for c in self.columns(level, set())}


# -- metadata QIs --------------------------------------------------------------------------------
class SubmissionDate(QuasiIdentifier):
    """day -> ISO week -> month -> term -> year; never the day itself, never dropped (waves follow time)."""
    name = "date"
    levels = ("week", "month", "term", "year")

    def raw(self, record):
        return record.submitted_at.date()

    def raws(self, chunk):
        return [moment.date() for moment in chunk.submitted_at]

    def key(self, raw: date, level):
        if level == "week":
            year, week, _ = raw.isocalendar()
            return f"{year}-W{week:02d}"
        if level == "month":
            return f"{raw.year}-{raw.month:02d}"
        if level == "term":
            # spring term Jan–May, summer (Bästa sommaren) Jun–Aug, autumn term Sep–Dec
            term = "VT" if raw.month <= 5 else "sommar" if raw.month <= 8 else "HT"
            return f"{raw.year}-{term}"
        return str(raw.year)

    def columns(self, level, keys):
        labels = {"week": ("ISO week of submission", "Inskickad, ISO-vecka"),
                  "month": ("Month of submission", "Inskickad, månad"),
                  "term": ("Term of submission (VT Jan–May, sommar Jun–Aug, HT Sep–Dec)",
                           "Inskickad, termin (VT jan–maj, sommar jun–aug, HT sep–dec)"),
                  "year": ("Year of submission", "Inskickad, år")}[level]
        return [Column(f"submitted_{level}", {"en": labels[0], "sv": labels[1]}, "quasi_identifier",
                       "ordinal", "string", note="coarsened submission date")]

    def cells(self, key, level):
        return {f"submitted_{level}": key}


class Activity(QuasiIdentifier):
    """collection -> activity -> activity group (when groups are given) -> dropped."""
    name = "activity"

    def __init__(self, groups: Mapping[str, str] | None = None):
        self.groups = dict(groups or {})
        self.levels = ("collection", "activity", *(("group",) if self.groups else ()), "dropped")
        self.merges_rare = frozenset({"activity", "group"})
        self.activity_of: dict[str, str] = {}

    def raw(self, record):
        self.activity_of.setdefault(record.collection, record.activity)
        return (record.collection, record.activity)

    def raws(self, chunk):
        pairs = list(zip(chunk.collection, chunk.activity))
        for collection, activity in dict.fromkeys(pairs):   # in order, as raw() would meet them
            self.activity_of.setdefault(collection, activity)
        return pairs

    def key(self, raw, level):
        collection, activity = raw
        if level == "collection":
            return collection
        if level == "activity":
            return activity
        if level == "group":
            return self.groups.get(activity, OTHER)
        return None

    def columns(self, level, keys):
        collection = Column("collection", {"en": "Collection (survey round at one activity)",
                                           "sv": "Insamling (enkätomgång vid en aktivitet)"},
                            "quasi_identifier", "nominal", "string")
        activity = Column("activity", {"en": "Activity", "sv": "Aktivitet"}, "quasi_identifier", "nominal", "string")
        group = Column("activity_group", {"en": "Activity group", "sv": "Aktivitetsgrupp"},
                       "quasi_identifier", "nominal", "string")
        return {"collection": [collection, activity], "activity": [activity], "group": [group], "dropped": []}[level]

    def cells(self, key, level):
        if level == "collection":
            return {"collection": key, "activity": OTHER if key == OTHER else self.activity_of[key]}
        if level == "activity":
            return {"activity": key}
        if level == "group":
            return {"activity_group": key}
        return {}


class QuestionnaireLanguage(QuasiIdentifier):
    """language -> Swedish/other -> dropped. The language one answers in can reveal ethnic origin."""
    name = "language"
    levels = ("language", "swedish_or_other", "dropped")
    merges_rare = frozenset({"swedish_or_other"})

    def raw(self, record):
        return record.language

    def raws(self, chunk):
        return list(chunk.language)

    def key(self, raw, level):
        if level == "language":
            return raw
        if level == "swedish_or_other":
            return "sv" if raw == "sv" else OTHER
        return None

    def columns(self, level, keys):
        if level == "language":
            return [Column("language", {"en": "Questionnaire language", "sv": "Enkätens språk"},
                           "quasi_identifier", "nominal", "string")]
        if level == "swedish_or_other":
            return [Column("language_group", {"en": "Questionnaire language: Swedish or other",
                                              "sv": "Enkätens språk: svenska eller annat"},
                           "quasi_identifier", "nominal", "string")]
        return []

    def cells(self, key, level):
        return {"language": key} if level == "language" else {"language_group": key} if level != "dropped" else {}


# -- item QIs ------------------------------------------------------------------------------------
class ItemQuasiIdentifier(QuasiIdentifier):
    def __init__(self, item: Item, exact_columns: list[Column], variables: list[Variable]):
        self.item = item
        self.name = item.var
        self.exact_columns = exact_columns
        self.option_of = {v.name: v.option for v in variables}

    def raw(self, record):
        value = record.answers.get(self.item.var)
        return tuple(value) if isinstance(value, list) else value

    def raws(self, chunk):
        var = self.item.var
        return [tuple(value) if isinstance(value, list) else value for value in (a.get(var) for a in chunk.answers)]

    def _generated(self, suffix: str, label: dict[str, str], measure: str, storage: str,
                   value_labels: dict, note: str) -> Column:
        return Column(f"{self.item.var}_{suffix}"[:32], label, "quasi_identifier", measure, storage,
                      value_labels=value_labels, item=self.item.var,
                      versions=self.exact_columns[0].versions if self.exact_columns else (), note=note)


class Age(ItemQuasiIdentifier):
    """age or year of birth -> age band (7–9, 10–12, 13–15, 16–19, ...) -> child/youth/adult -> dropped."""
    weight = 2
    levels = ("exact", "band", "group", "dropped")

    def __init__(self, item, exact_columns, variables):
        super().__init__(item, exact_columns, variables)
        self.from_birth_year = isinstance(item, YearOfBirthItem)

    def raw(self, record):
        return (record.answers.get(self.item.var), record.submitted_at.year)

    def raws(self, chunk):
        var = self.item.var
        return [(answers.get(var), moment.year) for answers, moment in zip(chunk.answers, chunk.submitted_at)]

    def key(self, raw, level):
        value, year = raw
        if value is None or level == "dropped":
            return None
        if level == "exact":
            return value
        age = year - value if self.from_birth_year else value   # the age reached in the survey year
        if level == "band":
            return next(i for i, (low, high) in enumerate(AGE_BANDS, 1) if age <= high)
        return next(i for i, (low, high, _) in enumerate(AGE_GROUPS, 1) if age <= high)

    def columns(self, level, keys):
        if level == "exact":
            return [c if c.role == "quasi_identifier" else _as_qi(c) for c in self.exact_columns]
        source = "year of birth" if self.from_birth_year else "age"
        if level == "band":
            labels = {i: _band_label(*AGE_BANDS[i - 1]) for i in sorted(k for k in keys if k is not None)}
            return [self._generated("band", {"en": f"Age band in the survey year (from {source})",
                                             "sv": "Åldersgrupp under enkätåret"}, "ordinal", "numeric",
                                    labels, "generalized quasi-identifier")]
        if level == "group":
            labels = {i: AGE_GROUPS[i - 1][2] for i in sorted(k for k in keys if k is not None)}
            return [self._generated("group", {"en": f"Child, youth or adult (from {source})",
                                              "sv": "Barn, ungdom eller vuxen"}, "ordinal", "numeric",
                                    labels, "generalized quasi-identifier")]
        return []

    def cells(self, key, level):
        if level == "dropped":
            return {}
        return {self.columns(level, set())[0].name: key}


class SingleChoice(ItemQuasiIdentifier):
    """exact codes -> "other" and "prefer not to say" (and rare codes) merged -> dropped."""
    weight = 2
    levels = ("exact", "merged", "dropped")
    merges_rare = frozenset({"merged"})

    def __init__(self, item: ChoiceItem, exact_columns, variables):
        super().__init__(item, exact_columns, variables)
        choices = item.choice_list.choices
        self.merged = [c for c in choices if c.missing or c.label.get("en", "").lower().startswith(("other", "another"))]
        codes = [c.value for c in choices]
        if self.merged:
            self.other = self.merged[0].value
        elif all(isinstance(c, int) for c in codes):
            self.other = max(codes) + 1
        else:
            self.other = OTHER

    def other_key(self, level):
        return self.other

    def key(self, raw, level):
        if raw is None or level == "dropped":
            return None
        if level == "merged" and any(raw == c.value for c in self.merged):
            return self.other
        return raw

    def columns(self, level, keys):
        if level == "dropped":
            return []
        base = self.exact_columns[0]
        labels = {code: text for code, text in base.value_labels.items() if code in keys}
        if level == "merged" and self.other in keys:
            merged = [c.label for c in self.merged] + [RARE_LABEL]
            languages = sorted({lang for choice_label in merged for lang in choice_label})
            labels[self.other] = {lang: " / ".join(lbl[lang] for lbl in merged if lbl.get(lang)) for lang in languages}
        note = "merged: other, prefer not to say and rare answers" if level == "merged" else ""
        return [Column(base.name, base.label, "quasi_identifier", base.measure, base.storage,
                       value_labels=labels,
                       missing_codes=() if level == "merged" else base.missing_codes,
                       item=base.item, versions=base.versions, scales=base.scales,
                       translation_status=base.translation_status, note=note)]

    def cells(self, key, level):
        return {} if level == "dropped" else {self.exact_columns[0].name: key}


class MultipleChoice(ItemQuasiIdentifier):
    """the exact set of options (0/1 columns) -> one option or "several" (rare merged) ->
    Swedish only / Swedish and other / other only (or one/several) -> dropped."""
    weight = 1
    levels = ("exact", "category", "swedish_or_other", "dropped")
    merges_rare = frozenset({"category"})

    def __init__(self, item: MultipleChoiceItem, exact_columns, variables):
        super().__init__(item, exact_columns, variables)
        self.choices = item.choice_list.choices
        swedish = [c.value for c in self.choices if c.label.get("en", "").lower() == "swedish"]
        self.swedish = swedish[0] if swedish else None

    def key(self, raw, level):
        if raw is None or level == "dropped":
            return None
        chosen = frozenset(raw)
        if level == "exact":
            return chosen
        if level == "category":
            if not chosen:
                return "none"
            return str(next(iter(chosen))) if len(chosen) == 1 else "several"
        if not chosen:
            return "none"
        if self.swedish is None:
            return "one" if len(chosen) == 1 else "several"
        if chosen == {self.swedish}:
            return "swedish_only"
        return "swedish_and_other" if self.swedish in chosen else "other_only"

    def columns(self, level, keys):
        if level == "exact":
            return [_as_qi(c) for c in self.exact_columns]
        if level == "dropped":
            return []
        generic = {
            "none": {"en": "None chosen", "sv": "Inget valt"},
            "several": {"en": "Several", "sv": "Flera"},
            "one": {"en": "One", "sv": "Ett"},
            "swedish_only": {"en": "Swedish only", "sv": "Bara svenska"},
            "swedish_and_other": {"en": "Swedish and another", "sv": "Svenska och annat"},
            "other_only": {"en": "Only other than Swedish", "sv": "Bara annat än svenska"},
            OTHER: OTHER_LABEL,
        }
        generic.update({str(c.value): c.label for c in self.choices})
        labels = {key: generic[key] for key in sorted(keys, key=_category_order) if key is not None}
        if level == "category":
            return [self._generated("cat", {lang: f"{text} (category)" for lang, text in self.item.label.items()},
                                    "nominal", "string", labels, "generalized quasi-identifier: one option, several, or other")]
        return [self._generated("grp", {lang: f"{text} (group)" for lang, text in self.item.label.items()},
                                "nominal", "string", labels, "generalized quasi-identifier")]

    def cells(self, key, level):
        if level == "dropped":
            return {}
        if level == "exact":
            return {c.name: None if key is None else int(self.option_of[c.name] in key) for c in self.exact_columns}
        return {self.columns(level, set())[0].name: key}


def _category_order(key) -> tuple:
    return (0, int(key), "") if isinstance(key, str) and key.isdigit() else (1, 0, str(key))


def _as_qi(column: Column) -> Column:
    return replace(column, role="quasi_identifier")


def item_quasi_identifier(item: Item, exact_columns: list[Column], variables: list[Variable]) -> QuasiIdentifier | None:
    """The QI an item flagged `quasi_identifier` becomes, by the kind of answer it takes."""
    if isinstance(item, MultipleChoiceItem):
        return MultipleChoice(item, exact_columns, variables)
    if isinstance(item, ChoiceItem):
        return SingleChoice(item, exact_columns, variables)
    if isinstance(item, NumberItem):   # a number flagged as QI is an age (or a year of birth)
        return Age(item, exact_columns, variables)
    return None
