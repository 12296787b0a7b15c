"""The figures behind the overview, a collection's page and the yearly report, read from the
running tallies (a few hundred rows, whatever the number of responses) and passed through the
one disclosure rule by fixed table definitions: nothing here takes a free filter.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..fieldwork.models import WAVES, Collection
from .disclosure import TOTAL, DisclosureRule, Protected, ProtectedTable
from .indicators import OUTCOMES, Indicator, IndicatorSet
from .models import AnswerTally, IndicatorTally, JourneyStart, ResponseMix, ResponseTally
from .statistics import Change, Sums
from .tables import FigureCell, FigureTable, change, distribution, figure_tables

# The gender groups every table shows; "other" joins "other" and "not stated", which are small
# enough apart to force hiding the girls' or boys' figure in almost every table.
GENDERS = ("girls", "boys", "other")
GENDER_OF = {"1": "girls", "2": "boys"}
ALL = "all"          # the one coarse row of a table summed over every collection


def gender_column(group: str) -> str:
    return GENDER_OF.get(group, "other")


# -- responses ------------------------------------------------------------------------------------

@dataclass
class ResponseFigures:
    collections: list[Collection]
    languages: ProtectedTable          # rows: collection ids; columns: languages
    channels: ProtectedTable           # rows: collection ids; columns: channels
    today: Protected                   # per collection id
    started: Protected                 # journeys begun on the pages, per collection id
    timeline: list[tuple[str, int | None]]
    timeline_unit: str                 # "day" or "week"


def response_figures(rule: DisclosureRule, collections: list[Collection], today: date) -> ResponseFigures:
    ids = [c.id for c in collections]
    by_language, by_channel = defaultdict(dict), defaultdict(dict)
    on_day: dict[int, int] = {}
    per_day: dict[date, int] = {}
    started: dict[int, int] = {}
    if ids:
        for collection_id, language, channel, n in db.session.execute(
                select(ResponseMix.collection_id, ResponseMix.language, ResponseMix.channel, ResponseMix.responses)
                .where(ResponseMix.collection_id.in_(ids))):
            by_language[collection_id][language] = by_language[collection_id].get(language, 0) + n
            by_channel[collection_id][channel] = by_channel[collection_id].get(channel, 0) + n
        mine = ResponseTally.collection_id.in_(ids)
        total = func.sum(ResponseTally.responses)
        on_day = {c: int(n) for c, n in db.session.execute(
            select(ResponseTally.collection_id, total).where(mine, ResponseTally.day == today)
            .group_by(ResponseTally.collection_id))}
        per_day = {day: int(n) for day, n in db.session.execute(
            select(ResponseTally.day, total).where(mine).group_by(ResponseTally.day))}
        started = {c: int(n) for c, n in db.session.execute(
            select(JourneyStart.collection_id, func.sum(JourneyStart.started))
            .where(JourneyStart.collection_id.in_(ids)).group_by(JourneyStart.collection_id))}
    languages = rule.protect_table({c: dict(by_language.get(c, {})) for c in ids})
    # the row totals are the same numbers in both tables: hidden in one, hidden in the other
    hidden_rows = {(row, TOTAL) for row, column in languages.hidden if column == TOTAL}
    channels = rule.protect_table({c: dict(by_channel.get(c, {})) for c in ids}, also_hide=hidden_rows)
    today_line = rule.protect_counts({c: on_day.get(c, 0) for c in ids})
    started_line = rule.protect_counts({c: started.get(c, 0) for c in ids})
    timeline, unit = _timeline(rule, per_day)
    return ResponseFigures(collections, languages, channels, today_line, started_line, timeline, unit)


def _timeline(rule: DisclosureRule, per_day: dict[date, int]) -> tuple[list, str]:
    if not per_day:
        return [], "day"
    first, last = min(per_day), max(per_day)
    unit = "day" if (last - first).days <= 62 else "week"
    buckets: dict[date, int] = {}
    step = timedelta(days=1 if unit == "day" else 7)
    start = first if unit == "day" else first - timedelta(days=first.weekday())
    moment = start
    while moment <= last:
        buckets[moment] = 0
        moment += step
    for day, n in per_day.items():
        key = day if unit == "day" else day - timedelta(days=day.weekday())
        buckets[key] += n
    line = rule.protect_counts({day.isoformat(): n for day, n in buckets.items()})
    return list(line.counts.items()), unit


# -- outcome indicators ---------------------------------------------------------------------------

def indicator_sums(indicator_ids: list[str], collection_ids: list[int], year: int | None = None):
    """(indicator, collection id, gender column) -> Sums, from the tallies; one query."""
    out: dict[tuple, Sums] = defaultdict(Sums)
    if not collection_ids or not indicator_ids:
        return out
    query = (select(IndicatorTally.indicator, IndicatorTally.collection_id, IndicatorTally.gender,
                    func.sum(IndicatorTally.n), func.sum(IndicatorTally.total), func.sum(IndicatorTally.total_sq))
             .where(IndicatorTally.collection_id.in_(collection_ids), IndicatorTally.indicator.in_(indicator_ids))
             .group_by(IndicatorTally.indicator, IndicatorTally.collection_id, IndicatorTally.gender))
    if year is not None:
        query = query.where(IndicatorTally.year == year)
    for indicator, collection_id, gender, n, total, total_sq in db.session.execute(query):
        out[(indicator, collection_id, gender_column(gender))] += Sums(int(n), float(total), float(total_sq))
    return out


@dataclass
class IndicatorFigures:
    indicator: Indicator
    by_collection: FigureTable     # rows: collection ids
    by_wave: FigureTable           # rows: waves


def indicator_figures(rule: DisclosureRule, indicators: IndicatorSet, collections: list[Collection]) -> list[IndicatorFigures]:
    """Per indicator: figures per collection and per wave, by gender (linked through one fine table)."""
    form_of = {c.id: c.version.questionnaire.form_id for c in collections}
    wave_of = {c.id: c.wave for c in collections}
    sums = indicator_sums([i.id for i in indicators.indicators], list(form_of))
    figures = []
    for indicator in indicators.indicators:
        own = {(c, g): s for (i, c, g), s in sums.items() if i == indicator.id and form_of.get(c) == indicator.questionnaire}
        if not own:
            continue
        rows = [c.id for c in collections if any((c.id, g) in own for g in GENDERS)]
        ordered = {(c, g): own.get((c, g), Sums()) for c in rows for g in GENDERS}
        waves = [w for w in WAVES if any(wave_of[c] == w for c in rows)]
        fine, coarse = figure_tables(rule, ordered, is_share=indicator.is_share, group_of=wave_of.get,
                                     rows_order=waves, columns_order=list(GENDERS))
        figures.append(IndicatorFigures(indicator, fine, coarse))
    return figures


# -- event feedback -------------------------------------------------------------------------------

@dataclass
class FeedbackFigures:
    collection: Collection
    values: list[str]
    counts: dict
    n: int | None
    mean: float | None


def feedback_figures(rule: DisclosureRule, indicators: IndicatorSet, collections: list[Collection]) -> list[FeedbackFigures]:
    events = [c for c in collections if c.version.questionnaire.form_id == indicators.feedback_questionnaire]
    if not events:
        return []
    item = events[0].version.parsed.items.get(indicators.feedback_item)
    values = [str(c.value) for c in item.choice_list.choices if not c.missing] if item else []
    counts = defaultdict(dict)
    for collection_id, value, n in db.session.execute(
            select(AnswerTally.collection_id, AnswerTally.value, AnswerTally.n)
            .where(AnswerTally.collection_id.in_([c.id for c in events]), AnswerTally.var == indicators.feedback_item)):
        counts[collection_id][value] = n
    out = []
    for event in events:
        line = distribution(rule, {value: counts[event.id].get(value, 0) for value in values})
        out.append(FeedbackFigures(event, values, line.counts, line.n, line.mean))
    return out


# -- the yearly report ----------------------------------------------------------------------------

def report_years(collections: list[Collection]) -> list[int]:
    """The years with any indicator figures, newest first (the overview links their reports)."""
    if not collections:
        return []
    return sorted(db.session.scalars(select(IndicatorTally.year).distinct().where(
        IndicatorTally.collection_id.in_([c.id for c in collections]))), reverse=True)


@dataclass
class ReportRow:
    year: int
    indicator: Indicator
    now: FigureTable
    previous: FigureTable | None
    baseline: FigureTable | None
    baseline_is_now: bool          # this year's figures include the baseline itself: no change from it

    def cell(self, table: FigureTable | None, column) -> FigureCell | None:
        return table.get(ALL, column) if table is not None and (ALL, column) in table.cells else None

    def change_from(self, table: FigureTable | None, column) -> Change | None:
        now, then = self.cell(self.now, column), self.cell(table, column)
        if now is None or then is None:
            return None
        return change(now, then, self.indicator.is_share)


@dataclass
class Report:
    year: int
    outcomes: dict[str, list[ReportRow]]
    respondents: Protected                   # per audience, this year
    collections: int
    indicators: IndicatorSet
    questionnaires: dict = field(default_factory=dict)   # form id -> Definition, for the method page


def report_figures(rule: DisclosureRule, indicators: IndicatorSet, collections: list[Collection], year: int) -> Report:
    form_of = {c.id: c.version.questionnaire.form_id for c in collections}
    ids = [i.id for i in indicators.indicators]
    now_sums = indicator_sums(ids, list(form_of), year)
    previous_sums = indicator_sums(ids, list(form_of), year - 1)
    all_years = indicator_sums(ids, list(form_of))

    def table(sums, indicator, only=None) -> FigureTable | None:
        own = {(c, g): s for (i, c, g), s in sums.items()
               if i == indicator.id and form_of.get(c) == indicator.questionnaire and (only is None or c in only)}
        if not any(s.n for s in own.values()):
            return None
        rows = list(dict.fromkeys(c for c, _ in own))
        ordered = {(c, g): own.get((c, g), Sums()) for c in rows for g in GENDERS}
        return figure_tables(rule, ordered, is_share=indicator.is_share, group_of=lambda _c: ALL,
                             rows_order=[ALL], columns_order=list(GENDERS))[1]

    outcomes: dict[str, list[ReportRow]] = {outcome: [] for outcome in OUTCOMES}
    for indicator in indicators.indicators:
        now = table(now_sums, indicator)
        if now is None:
            continue
        baseline_ids = {c.id for c in collections if c.wave == indicator.baseline_wave}
        in_now = {c for (i, c, _g), s in now_sums.items() if i == indicator.id and s.n}
        outcomes[indicator.outcome].append(ReportRow(
            year, indicator, now, table(previous_sums, indicator), table(all_years, indicator, baseline_ids),
            baseline_is_now=bool(in_now & baseline_ids)))
    audience_of = {c.id: c.audience for c in collections}
    answered = defaultdict(int)
    active = set()
    for collection_id, n in db.session.execute(
            select(ResponseTally.collection_id, func.sum(ResponseTally.responses))
            .where(ResponseTally.collection_id.in_(list(form_of)),
                   ResponseTally.day >= date(year, 1, 1), ResponseTally.day <= date(year, 12, 31))
            .group_by(ResponseTally.collection_id)):
        answered[audience_of[collection_id]] += int(n)
        active.add(collection_id)
    respondents = rule.protect_counts({a: answered.get(a, 0) for a in ("child", "youth", "parent", "any")})
    definitions = {c.version.questionnaire.form_id: c.version.parsed for c in collections}
    return Report(year, outcomes, respondents, len(active), indicators, definitions)


# -- results for participants ---------------------------------------------------------------------

@dataclass
class PublicFigure:
    indicator: Indicator
    total: Sums                              # shown: at least the public threshold answered
    groups: list[tuple[str, Sums]] | None    # by gender, only when every group reaches the threshold


@dataclass
class PublicFigures:
    answered: int | None
    figures: list[PublicFigure]


def public_figures(rule: DisclosureRule, indicators: IndicatorSet, collection: Collection) -> PublicFigures:
    """What a results page for participants may show: share indicators only (a mean on a 10–40
    scale says nothing to a 12-year-old), each only when at least the public threshold answered,
    and by gender only when every gender group did."""
    form_id = collection.version.questionnaire.form_id
    chosen = [i for i in indicators.for_questionnaire(form_id) if i.is_share and i.public]
    sums = indicator_sums([i.id for i in chosen], [collection.id])
    answered = db.session.scalar(select(func.sum(ResponseTally.responses))
                                 .where(ResponseTally.collection_id == collection.id)) or 0
    shown_answered = rule.protect_counts({ALL: int(answered)}).total
    figures = []
    for indicator in chosen:
        by_gender = {g: sums.get((indicator.id, collection.id, g), Sums()) for g in GENDERS}
        line = rule.protect_counts({g: s.n for g, s in by_gender.items()})
        if line.total is None:
            continue
        total = sum(by_gender.values(), Sums())
        groups = None if line.hidden_keys else list(by_gender.items())
        figures.append(PublicFigure(indicator, total, groups))
    return PublicFigures(shown_answered, figures)
