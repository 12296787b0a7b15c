"""Keeping the running aggregates: a catch-up that counts the responses stored since the last one
(run by whoever reads the tallies), one call per journey begun (from the respondent's pages), and
a full rebuild from the stored responses.

Each call adds and flushes nothing but counters (an upsert adding to a row); the caller commits,
so a counter lands in the same transaction as the claim on the responses it counts.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from flask import current_app
from sqlalchemy import delete, select, text, update

from ..extensions import db
from ..questionnaires.definition import Definition
from .indicators import FILENAME, IndicatorSet, load_indicators
from .models import AnswerTally, IndicatorTally, JourneyStart, ResponseMix, ResponseTally

_CACHE: dict[Path, tuple[float, IndicatorSet]] = {}


def current_indicators() -> IndicatorSet:
    """The indicators in FORMS_DIR, re-read when the file changes; a broken file counts as none
    (`forms check` names its problems) so that storing a response never fails because of it."""
    path = _indicators_path(current_app.config["FORMS_DIR"])
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        mtime = 0.0
    cached = _CACHE.get(path)
    if cached is None or cached[0] != mtime:
        result = load_indicators(path, None)
        _CACHE[path] = (mtime, result.indicators or IndicatorSet(()))
    return _CACHE[path][1]


@lru_cache(maxsize=8)
def _indicators_path(forms_dir: str) -> Path:
    return Path(forms_dir) / FILENAME


def contributions(indicators: IndicatorSet, form_id: str, definition: Definition, answers: Mapping[str, Any]):
    """(indicator id, gender group, x) for every indicator this response counts in."""
    gender = indicators.gender_group(definition, answers)
    for indicator in indicators.for_questionnaire(form_id):
        x = indicator.value(definition, answers)
        if x is not None:
            yield indicator.id, gender, x


def feedback_value(indicators: IndicatorSet, form_id: str, answers: Mapping[str, Any]) -> str | None:
    if form_id != indicators.feedback_questionnaire:
        return None
    value = answers.get(indicators.feedback_item)
    return None if value is None or isinstance(value, (list, dict)) else str(value)


class _Counts:
    """Tally increments gathered in memory from responses, written in one statement per cell."""

    def __init__(self, tz: str):
        self.tz, self.indicators = tz, current_indicators()
        self.daily: dict[tuple, int] = defaultdict(int)
        self.mix: dict[tuple, int] = defaultdict(int)
        self.cells: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        self.answers_seen: dict[tuple, int] = defaultdict(int)

    def add(self, collection, submitted_at, language: str, channel: str, answers: Mapping[str, Any]) -> None:
        from ..clock import local_date
        day = local_date(submitted_at, self.tz)
        form_id = collection.version.questionnaire.form_id
        self.daily[(collection.id, day)] += 1
        self.mix[(collection.id, language, channel)] += 1
        for indicator_id, gender, x in contributions(self.indicators, form_id, collection.version.parsed, answers):
            cell = self.cells[(collection.id, indicator_id, day.year, gender)]
            cell[0] += 1
            cell[1] += x
            cell[2] += x * x
        value = feedback_value(self.indicators, form_id, answers)
        if value is not None:
            self.answers_seen[(collection.id, self.indicators.feedback_item, value)] += 1

    def rows(self):
        """(model, key, amounts) for every cell counted."""
        for (c, d), n in self.daily.items():
            yield ResponseTally, dict(collection_id=c, day=d), dict(responses=n)
        for (c, lang, ch), n in self.mix.items():
            yield ResponseMix, dict(collection_id=c, language=lang, channel=ch), dict(responses=n)
        for (c, i, y, g), (n, t, sq) in self.cells.items():
            yield IndicatorTally, dict(collection_id=c, indicator=i, year=y, gender=g), dict(n=n, total=t, total_sq=sq)
        for (c, v, x), n in self.answers_seen.items():
            yield AnswerTally, dict(collection_id=c, var=v, value=x), dict(n=n)


CATCH_UP_BATCH = 500


def catch_up(tz: str, batch: int = CATCH_UP_BATCH) -> int:
    """Count up to `batch` responses stored since the last catch-up; returns how many were counted.

    A submission only stores its response, marked `pending_tally`: counting it there held the
    database's write lock through several more statements on every submission (benchmarks/README.md).
    Whoever reads the tallies catches up first. The responses are claimed and the counters added in
    one transaction (the caller commits), so each response is counted exactly once: two catch-ups
    at once claim different rows (`AND pending_tally` is checked again on the row it updates), and
    a catch-up that fails rolls back its claim with its counts.
    """
    from ..fieldwork.models import Collection
    from ..responses.models import Response

    table = Response.__table__
    waiting = select(table.c.id).where(table.c.pending_tally).order_by(table.c.id).limit(batch)
    claimed = db.session.execute(
        update(table).where(table.c.pending_tally, table.c.id.in_(waiting.scalar_subquery()))
        .values(pending_tally=False)
        .returning(table.c.collection_id, table.c.submitted_at, table.c.language, table.c.channel, table.c.answers)
    ).all()
    if not claimed:
        return 0
    collections = {c.id: c for c in db.session.scalars(
        select(Collection).where(Collection.id.in_({row.collection_id for row in claimed})))}
    counts = _Counts(tz)
    for row in claimed:
        counts.add(collections[row.collection_id], row.submitted_at, row.language, row.channel, row.answers or {})
    for model, key, amounts in counts.rows():
        _add(model, key, **amounts)
    db.session.flush()
    return len(claimed)


def catch_up_all(tz: str) -> int:
    """Count every pending response, in batches, in the caller's transaction (commands; pages commit
    between batches instead, see results/views.py)."""
    total = 0
    while counted := catch_up(tz):
        total += counted
    return total


def count_start(collection, day: date) -> None:
    """One more respondent began today (an anonymous daily total; nothing about who)."""
    _add(JourneyStart, dict(collection_id=collection.id, day=day), started=1)
    db.session.flush()


def _add(model, key: dict, **amounts) -> None:
    db.session.execute(_upsert(model, tuple(key), tuple(amounts)), {**key, **amounts})


@lru_cache(maxsize=None)
def _upsert(model, keys: tuple[str, ...], amounts: tuple[str, ...]):
    """INSERT ... ON CONFLICT DO UPDATE adding to the counters: the same text for SQLite (3.24+) and
    PostgreSQL, built once per table (building it through the dialects' insert() each time cost
    more than running it)."""
    table = model.__tablename__
    columns = (*keys, *amounts)
    return text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
                + ", ".join(f"{a} = {table}.{a} + excluded.{a}" for a in amounts))


def rebuild(tz: str, batch: int = 5000) -> int:
    """Recompute every response-based tally from the stored responses; returns how many were read.

    Every response counts, pending or not, and none is pending afterwards."""
    from ..fieldwork.models import Collection
    from ..responses.models import Response

    collections = {c.id: c for c in db.session.scalars(select(Collection))}
    counts = _Counts(tz)
    read = last = 0
    rows = db.session.execute(select(Response.id, Response.collection_id, Response.submitted_at, Response.language,
                                     Response.channel, Response.answers).execution_options(yield_per=batch))
    for response_id, collection_id, submitted_at, language, channel, answers in rows:
        read += 1
        last = max(last, response_id)
        counts.add(collections[collection_id], submitted_at, language, channel, answers or {})
    for model in (ResponseTally, ResponseMix, IndicatorTally, AnswerTally):
        db.session.execute(delete(model))
    by_model: dict = defaultdict(list)
    for model, key, amounts in counts.rows():
        by_model[model].append({**key, **amounts})
    for model, rows_of_model in by_model.items():
        _insert(model, rows_of_model)
    # only what was read: a response stored while the rebuild ran stays pending for the next catch-up
    table = Response.__table__
    db.session.execute(update(table).where(table.c.pending_tally, table.c.id <= last).values(pending_tally=False))
    db.session.flush()
    return read


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(model.__table__.insert(), rows)
