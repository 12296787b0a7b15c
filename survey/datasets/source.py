"""The database side of an export: which collections, which responses, which definitions.

Responses are read as plain rows (never ORM objects) in chunks (RecordColumns), streamed with
yield_per (a server-side cursor on PostgreSQL), so memory does not grow with the table. The export
reads them once: each reading is one SELECT, which sees one consistent state of the table on SQLite
and PostgreSQL alike (`chunks.snapshot`), so the export needs no second reading to check it. Readings
stop at the highest response id seen when the source was made.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from orjson import loads
from sqlalchemy import Text, cast, func, select

from ..extensions import db
from ..fieldwork.models import Collection
from ..questionnaires.definition import Definition
from ..questionnaires.models import Questionnaire, QuestionnaireVersion
from ..responses.models import Response
from .records import RecordColumns

CHUNK = 2000


class SelectionError(ValueError):
    """The collections asked for cannot be exported together; the message says why in plain words."""


class UnknownCollection(SelectionError):
    pass


def select_collections(slugs: list[str], wave: str | None = None) -> list[Collection]:
    """The collections named, all of one questionnaire, optionally only those of `wave`."""
    if not slugs:
        raise SelectionError("Choose at least one collection.")
    found = {c.slug: c for c in db.session.scalars(select(Collection).where(Collection.slug.in_(slugs)))}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise UnknownCollection(f"No collection called {', '.join(unknown)}.")
    collections = [found[slug] for slug in dict.fromkeys(slugs)]
    forms = {c.slug: c.version.questionnaire.form_id for c in collections}
    if len(set(forms.values())) > 1:
        listed = ", ".join(f"{slug} ({form})" for slug, form in forms.items())
        raise SelectionError(f"These collections belong to different questionnaires: {listed}. "
                             "An export holds one questionnaire: export each questionnaire on its own.")
    if wave:
        collections = [c for c in collections if c.wave == wave]
        if not collections:
            raise SelectionError(f"None of these collections is of the wave '{wave}'.")
    return collections


def utc_bounds(since: date | None, until: date | None, tz: str) -> tuple[datetime | None, datetime | None]:
    """Local calendar days (both included) as naive UTC moments: [start of since, start of the day after until)."""
    zone = ZoneInfo(tz)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time.min, zone).astimezone(timezone.utc).replace(tzinfo=None)
    if since and until and until < since:
        raise SelectionError("The end date is before the start date.")
    return (utc(since) if since else None, utc(until + timedelta(days=1)) if until else None)


@dataclass
class ResponseSource:
    """The responses of some collections of one questionnaire, within dates, as export chunks."""
    collections: list[Collection]
    start: datetime | None = None     # naive UTC, included
    end: datetime | None = None       # naive UTC, excluded
    chunk_size: int = CHUNK

    def __post_init__(self):
        self.form_id = self.collections[0].version.questionnaire.form_id
        self._ids = [c.id for c in self.collections]
        self.scan = False    # decided below, once the last id is known
        self.last_id = db.session.scalar(select(func.max(Response.id)).where(*self._where(with_last=False))) or 0
        self.scan = self._scan_in_id_order()

    def _scan_in_id_order(self) -> bool:
        """On SQLite: whether to read the table in id order, skipping other collections' rows, rather than
        through the collection index. The index gives the rows in client id order: each is then fetched
        from a random place and all are sorted by id (the answers too): 0.66 s for 100k rows here,
        against 0.25 s for the scan, and 0.23 s against 0.03 s for the versions used. So the scan wins
        unless the selection is under about a third of the rows it passes (ids up to the last one)."""
        if db.session.get_bind().dialect.name != "sqlite" or not self.last_id:
            return False
        selected = db.session.scalar(select(func.count(Response.id))   # the index alone answers this
                                     .where(Response.collection_id.in_(self._ids), Response.id <= self.last_id))
        return selected * 3 >= self.last_id

    def _where(self, with_last: bool = True) -> list:
        # `+ 0`: SQLite then cannot use the collection index, and scans by id (see _scan_in_id_order)
        collection = Response.collection_id + 0 if self.scan else Response.collection_id
        where = [collection.in_(self._ids)]
        if self.start:
            where.append(Response.submitted_at >= self.start)
        if self.end:
            where.append(Response.submitted_at < self.end)
        if with_last:
            where.append(Response.id <= self.last_id)
        return where

    def count(self) -> int:
        return db.session.scalar(select(func.count(Response.id)).where(*self._where()))

    def definitions(self) -> dict[int, Definition]:
        """The definitions of the versions these responses answered, by version number."""
        used = select(Response.questionnaire_version_id).where(*self._where()).distinct()
        versions = db.session.scalars(select(QuestionnaireVersion).join(Questionnaire)
                                      .where(QuestionnaireVersion.id.in_(used))
                                      .order_by(QuestionnaireVersion.number))
        return {version.number: version.parsed for version in versions}

    def chunks(self, answers: Iterable[str] | None = None):
        """RecordColumns in response id order; the same ones on every call. With `answers`,
        a database that can pick answers out of the JSON cheaply (PostgreSQL) sends only those; the
        records then hold only them. SQLite parses the JSON to pick from it, which took longer than
        sending it whole and parsing it here (benchmarks/README.md, "Exports"), so there they come whole."""
        # no answers at all (the export's check reading) costs nothing to leave out on any database
        keys = (list(answers) if answers is not None and (not answers or db.session.get_bind().dialect.name == "postgresql")
                else None)
        if keys is None:
            # the answers as their JSON text, parsed here by orjson: the JSON type's json.loads was a
            # third of an export's reading time
            picked = [cast(Response.answers, Text)]
        else:
            picked = [cast(Response.answers[key], Text) for key in keys]
        statement = (select(Collection.slug, Collection.activity, Collection.wave, QuestionnaireVersion.number,
                            Response.language, Response.channel, Response.submitted_at, *picked)
                     .join(Collection, Response.collection_id == Collection.id)
                     .join(QuestionnaireVersion, Response.questionnaire_version_id == QuestionnaireVersion.id)
                     .where(*self._where()).order_by(Response.id)
                     .execution_options(yield_per=self.chunk_size))
        form_id = self.form_id
        # on the session's connection, but past the ORM's result layer: plain rows are all we need,
        # handed over transposed (RecordColumns), a column per field
        for rows in db.session.connection().execute(statement).partitions():
            slugs, activities, waves, numbers, languages, channels, moments, *texts = zip(*rows)
            if keys is None:
                answers = [loads(text) if text else {} for text in texts[0]]
            else:
                answers = [dict(zip(keys, [None if text is None else loads(text) for text in row]))
                           for row in zip(*texts)] if keys else [{} for _ in rows]
            yield RecordColumns(slugs, activities, waves, (form_id,) * len(rows), numbers, languages, channels,
                                moments, answers)

    # one statement per reading: the rows come from one snapshot, so one reading is consistent in itself
    chunks.snapshot = True
