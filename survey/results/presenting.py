"""Figures in words and charts for the templates: numbers in the page's locale, every hidden cell
saying that it is hidden, charts drawn from the same protected cells as the tables."""
from __future__ import annotations

from babel.numbers import parse_pattern
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .charts import Bar, column_chart, interval_chart
from .disclosure import TOTAL
from .figures import GENDERS
from .statistics import Change, Estimate
from .tables import FigureCell, FigureTable


def hidden_text() -> str:
    return _("hidden: too few to show safely")


# lazy: each lookup translates one name, not the whole table
GENDER_NAMES = {"girls": _l("Girls and women"), "boys": _l("Boys and men"), "other": _l("Other or not stated"),
                TOTAL: _l("Everyone")}
WAVE_NAMES = {"baseline": _l("Baseline"), "follow-up": _l("Follow-up"), "yearly": _l("Yearly"), "event": _l("Event"),
              TOTAL: _l("All waves")}
AUDIENCE_NAMES = {"child": _l("Children 7–13"), "youth": _l("Youth 13–19"), "parent": _l("Parents and other adults"),
                  "any": _l("Everyone (events)")}
OUTCOME_NAMES = {"self_efficacy": _l("Self-efficacy"), "participation": _l("Participation and influence"),
                 "safety": _l("Sense of safety"), "leisure": _l("Meaningful leisure")}


def gender_name(column) -> str:
    return str(GENDER_NAMES.get(column, column))


def wave_name(wave) -> str:
    return str(WAVE_NAMES.get(wave, wave))


def audience_name(audience) -> str:
    return str(AUDIENCE_NAMES.get(audience, audience))


def outcome_name(outcome) -> str:
    return str(OUTCOME_NAMES.get(outcome, outcome))


# parsed once: babel would parse a pattern on every call, and a page formats hundreds of numbers
PATTERNS = {"share": parse_pattern("#,##0%"), "mean": parse_pattern("#,##0.0"), "whole": parse_pattern("#,##0")}


def number(value: float, kind: str) -> str:
    return PATTERNS[kind].apply(value, get_locale())


def value_text(value: float | None, is_share: bool) -> str:
    if value is None:
        return ""
    return number(value, "share" if is_share else "mean")


def estimate_text(estimate: Estimate | None, is_share: bool) -> str:
    """'72% (61–81%)': the value with its 95% interval."""
    if estimate is None:
        return "–"
    return f"{value_text(estimate.value, is_share)} ({value_text(estimate.low, is_share)}–{value_text(estimate.high, is_share)})"


def change_heading(label: str, is_share: bool) -> str:
    return _("%(label)s (percentage points)", label=label) if is_share else label


def change_text(found: Change | None, is_share: bool) -> str:
    if found is None:
        return "–"
    def signed(value):
        # a share's change in percentage points (the table's heading says so), a mean's in its own units
        text = number(value * 100, "whole") if is_share else number(value, "mean")
        return ("+" if value > 0 and not text.lstrip("0,.") == "" else "") + text
    return f"{signed(found.difference)} ({signed(found.low)} … {signed(found.high)})"


def cell_text(cell: FigureCell, is_share: bool) -> str:
    return hidden_text() if cell.hidden else estimate_text(cell.estimate, is_share)


def axis(indicator, definitions=None) -> tuple[float, float]:
    """The chart axis: 0–100% for a share, the scale's own range for a mean."""
    if indicator.is_share:
        return 0.0, 1.0
    for definition in (definitions or {}).values():
        for scale in definition.scales:
            if scale.id == indicator.scale and definition.id == indicator.questionnaire:
                return tuple(map(float, scale.range))   # the score's own range (a sum's, for a summed scale)
    return 0.0, 1.0


def bars_for_row(table: FigureTable, row, name_of=gender_name, columns=(*GENDERS, TOTAL), kind_of=None) -> list[Bar]:
    bars = []
    for column in columns:
        cell = table.get(row, column)
        estimate = cell.estimate
        bars.append(Bar(label=name_of(column), value=None if cell.hidden or estimate is None else estimate.value,
                        low=estimate.low if estimate else None, high=estimate.high if estimate else None,
                        text=cell_text(cell, table.is_share) if not cell.hidden else hidden_text(),
                        kind=(kind_of or (lambda c: str(c)))(column)))
    return bars


def figure_chart(bars: list[Bar], indicator, definitions=None, title: str = "", rtl: bool = False, row: int = 24,
                 **size) -> Markup:
    low, high = axis(indicator, definitions)
    ticks = (value_text(low, True), value_text(high, True)) if indicator.is_share else None
    return Markup(interval_chart(bars, low=low, high=high, title=title or indicator.text("en"), rtl=rtl,
                                 ticks=ticks, row=row, **size))


def timeline_chart(timeline, unit: str) -> Markup:
    every = max(1, len(timeline) // 8)
    return Markup(column_chart([(label[5:], n) for label, n in timeline], label_every=every,
                               title=_("Responses per day") if unit == "day" else _("Responses per week"),
                               hidden_text=hidden_text()))


def distribution_chart(values, counts) -> Markup:
    return Markup(column_chart([(value, counts.get(value)) for value in values], width=320, height=120,
                               title=_("Answers per score"), hidden_text=hidden_text()))


TEMPLATE_GLOBALS = dict(hidden_text=hidden_text, gender_name=gender_name, wave_name=wave_name,
                        audience_name=audience_name, outcome_name=outcome_name, value_text=value_text,
                        estimate_text=estimate_text, change_text=change_text, change_heading=change_heading, cell_text=cell_text,
                        bars_for_row=bars_for_row, figure_chart=figure_chart, timeline_chart=timeline_chart,
                        distribution_chart=distribution_chart, Bar=Bar, TOTAL=TOTAL, GENDERS=GENDERS)


# -- the yearly report --------------------------------------------------------------------------

def verdict(row, table, is_baseline: bool) -> str:
    """A change in words for the first page: clear up, clear down, or no clear change."""
    if is_baseline:
        return _("this is the baseline")
    found = row.change_from(table, TOTAL)
    if found is None:
        return "–"
    text = change_text(found, row.indicator.is_share)
    if not found.clear:
        return _("no clear change: %(change)s", change=text)
    return _("clearly higher: %(change)s", change=text) if found.difference > 0 else \
        _("clearly lower: %(change)s", change=text)


def cell_or_hidden(cell: FigureCell | None, is_share: bool) -> Markup:
    if cell is None:
        return Markup("–")
    if cell.hidden:
        return Markup('<span class="suppressed">%s</span>') % hidden_text()
    return Markup("%s") % estimate_text(cell.estimate, is_share)


def report_chart(row, lang: str, definitions) -> Markup:
    bars = bars_for_row(row.now, "all", kind_of=lambda c: f"now {c}")
    for table, label, kind in ((row.previous, _("%(year)s, everyone", year=row.year - 1), "previous"),
                               (row.baseline, _("Baseline, everyone"), "baseline")):
        cell = row.cell(table, TOTAL)
        if cell is None:
            continue
        estimate = cell.estimate
        bars.append(Bar(label=label, value=None if cell.hidden or estimate is None else estimate.value,
                        low=estimate.low if estimate else None, high=estimate.high if estimate else None,
                        text=hidden_text() if cell.hidden else estimate_text(estimate, row.indicator.is_share),
                        kind=kind))
    return figure_chart(bars, row.indicator, definitions, title=row.indicator.text(lang), row=20,
                        width=560, label_width=210, value_width=150)


def method_measure(indicator, definition, lang: str) -> str:
    if indicator.rule == "mean":
        scale = next((s for s in definition.scales if s.id == indicator.scale), None)
        if scale is None:
            return indicator.scale or ""
        scoring = _("sum") if scale.score == "sum" else _("mean")
        return _("Mean of the scale score “%(scale)s” (%(items)s items, scored as their %(scoring)s; at least %(min)s answered)",
                 scale=definition.text(scale.label, lang), items=len(scale.items), scoring=scoring, min=scale.min_answered)
    item = definition.items.get(indicator.item)
    if item is None:
        return indicator.item or ""
    chosen = indicator.chosen_categories(definition)
    answers = ", ".join(definition.text(c.label, lang) for c in item.choice_list.choices if c.value in chosen)
    return _("Share answering “%(answers)s” to “%(question)s” (“don't know” left out)",
             answers=answers, question=definition.text(item.label, lang))


def _measured_items(indicator, definition):
    if indicator.rule == "mean":
        scale = next((s for s in definition.scales if s.id == indicator.scale), None)
        return [definition.items[v] for v in (scale.items if scale else ()) if v in definition.items], scale
    item = definition.items.get(indicator.item)
    return ([item] if item else []), None


def method_source(indicator, definition) -> str:
    items, scale = _measured_items(indicator, definition)
    source = (scale.source if scale else None) or next((i.source for i in items if i.source), None)
    spec = definition.sources.get(source or "", {})
    citation = " ".join(str(spec.get("citation", source or "")).split())
    terms = _("terms confirmed") if spec.get("terms_confirmed") else _("terms not yet confirmed")
    return f"{citation[:220]}{'…' if len(citation) > 220 else ''} ({terms}). {validity(items)}"


def validity(items) -> str:
    """The validity status from the items' own `wording`: the least validated one decides."""
    wordings = {item.spec.get("wording") for item in items}
    if "original" in wordings:
        return _("Written for this project; not validated.")
    if "adapted" in wordings:
        return _("Adapted from a published instrument; the adaptation is not validated.")
    if wordings == {"published"}:
        return _("Published instrument, wording unchanged.")
    return ""


def method_translations(indicator, definition) -> str:
    """Per language, the least finished translation status among the items measured."""
    items, _scale = _measured_items(indicator, definition)
    order = ("missing", "draft", "reviewed", "published")
    names = {"missing": _("missing"), "draft": _("draft"), "reviewed": _("reviewed"), "published": _("published")}
    by_status: dict[str, list[str]] = {}
    for lang in definition.languages:
        states = [item.spec.get("translation_status", {}).get(lang, "missing") for item in items] or ["missing"]
        worst = min(states, key=lambda s: order.index(s) if s in order else 0)
        by_status.setdefault(worst, []).append(lang)
    return "; ".join(f"{names.get(state, state)}: {', '.join(langs)}" for state, langs in by_status.items())


TEMPLATE_GLOBALS.update(verdict=verdict, cell_or_hidden=cell_or_hidden, report_chart=report_chart,
                        method_measure=method_measure, method_source=method_source,
                        method_translations=method_translations)


# -- results for participants -------------------------------------------------------------------

def out_of_ten(sums) -> int:
    return round(sums.total / sums.n * 10) if sums.n else 0


def public_chart(figure, collection, language) -> Markup:
    """Bars of 'N of 10' per group, drawn right to left for Arabic and Persian."""
    definition = collection.version.parsed
    gender = definition.items.get("gender")
    bars = []
    for group, sums in figure.groups:
        if group == "other":
            label = _("Others")
        else:
            choice = gender.choice_list.find(int({"girls": 1, "boys": 2}[group])) if gender else None
            label = definition.text(choice.label, language.code) if choice else gender_name(group)
        bars.append(Bar(label=label, value=sums.total / sums.n,
                        text=_("%(k)s of 10", k=out_of_ten(sums)), kind=group))
    return Markup(interval_chart(bars, low=0.0, high=1.0, width=360, label_width=110, value_width=70,
                                 ticks=(_("%(k)s of 10", k=0), _("%(k)s of 10", k=10)), title=figure.indicator.public_text(language.code)
                                 or "", rtl=language.rtl))


TEMPLATE_GLOBALS.update(out_of_ten=out_of_ten, public_chart=public_chart)
