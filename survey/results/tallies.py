"""Keeping the running aggregates: one call per stored response (from the one intake), one per
journey begun (from the respondent's pages), and a full rebuild from the stored responses.

Each call adds and flushes nothing but counters (an upsert adding to a row); the caller commits,
so a counter lands in the same transaction as the response it counts.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from flask import current_app
from sqlalchemy import delete, select, text

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


def count_response(collection, *, day: date, language: str, channel: str, answers: Mapping[str, Any]) -> None:
    """Add one stored response to every tally it belongs in."""
    indicators = current_indicators()
    form_id = collection.version.questionnaire.form_id
    _add(ResponseTally, dict(collection_id=collection.id, day=day), responses=1)
    _add(ResponseMix, dict(collection_id=collection.id, language=language, channel=channel), responses=1)
    for indicator_id, gender, x in contributions(indicators, form_id, collection.version.parsed, answers):
        _add(IndicatorTally, dict(collection_id=collection.id, indicator=indicator_id, year=day.year, gender=gender),
             n=1, total=x, total_sq=x * x)
    value = feedback_value(indicators, form_id, answers)
    if value is not None:
        _add(AnswerTally, dict(collection_id=collection.id, var=indicators.feedback_item, value=value), n=1)
    db.session.flush()


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
    """Recompute every response-based tally from the stored responses; returns how many were read."""
    from ..clock import local_date
    from ..fieldwork.models import Collection
    from ..responses.models import Response

    indicators = current_indicators()
    collections = {c.id: c for c in db.session.scalars(select(Collection))}
    daily: dict[tuple, int] = defaultdict(int)
    mix: dict[tuple, int] = defaultdict(int)
    cells: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    answers_seen: dict[tuple, int] = defaultdict(int)
    read = 0
    rows = db.session.execute(select(Response.collection_id, Response.submitted_at, Response.language,
                                     Response.channel, Response.answers).execution_options(yield_per=batch))
    for collection_id, submitted_at, language, channel, answers in rows:
        read += 1
        collection = collections[collection_id]
        day = local_date(submitted_at, tz)
        form_id = collection.version.questionnaire.form_id
        daily[(collection_id, day)] += 1
        mix[(collection_id, language, channel)] += 1
        for indicator_id, gender, x in contributions(indicators, form_id, collection.version.parsed, answers):
            cell = cells[(collection_id, indicator_id, day.year, gender)]
            cell[0] += 1
            cell[1] += x
            cell[2] += x * x
        value = feedback_value(indicators, form_id, answers)
        if value is not None:
            answers_seen[(collection_id, indicators.feedback_item, value)] += 1
    for model in (ResponseTally, ResponseMix, IndicatorTally, AnswerTally):
        db.session.execute(delete(model))
    _insert(ResponseTally, [dict(collection_id=c, day=d, responses=n) for (c, d), n in daily.items()])
    _insert(ResponseMix, [dict(collection_id=c, language=lang, channel=ch, responses=n)
                          for (c, lang, ch), n in mix.items()])
    _insert(IndicatorTally, [dict(collection_id=c, indicator=i, year=y, gender=g, n=n, total=t, total_sq=s)
                             for (c, i, y, g), (n, t, s) in cells.items()])
    _insert(AnswerTally, [dict(collection_id=c, var=v, value=x, n=n) for (c, v, x), n in answers_seen.items()])
    db.session.flush()
    return read


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(model.__table__.insert(), rows)
