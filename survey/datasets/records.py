"""What the export reads: one submitted response as plain data, and how the caller hands them over.

The database glue turns stored responses into these records, a chunk (a list) at a time, so the
export never needs the whole table in memory and never sees a client id or a response id.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Callable, Iterable, Sequence


@dataclass(frozen=True)
class ResponseRecord:
    collection: str        # the collection's slug
    activity: str          # the collection's activity, as staff named it
    wave: str
    questionnaire: str     # the form id, e.g. "parent"
    version: int           # the questionnaire version number the answers belong to
    language: str          # the language the questionnaire was answered in
    channel: str           # tablet | link
    submitted_at: datetime  # UTC, naive, to the minute
    answers: dict[str, Any] = field(default_factory=dict)


_new = object.__new__


def trusted_record(collection: str, activity: str, wave: str, questionnaire: str, version: int, language: str,
                   channel: str, submitted_at: datetime, answers: dict) -> ResponseRecord:
    """The same ResponseRecord, built without the frozen dataclass's __init__, which sets every field
    through object.__setattr__: for the database glue, which makes one per response and export pass."""
    record = _new(ResponseRecord)
    record.__dict__.update(collection=collection, activity=activity, wave=wave, questionnaire=questionnaire,
                           version=version, language=language, channel=channel, submitted_at=submitted_at,
                           answers=answers)
    return record


FIELDS = tuple(f.name for f in fields(ResponseRecord))


@dataclass(frozen=True)
class RecordColumns:
    """A chunk of responses as one sequence per field (`answers`: one dict per response), in the
    order of ResponseRecord's fields. The export works a column at a time, so the database glue hands
    rows over transposed (one `zip(*rows)`) rather than making an object per response and reading
    each field back out of every object: 4 % fewer instructions for a whole 10k export
    (benchmarks/README.md, "Exports"). Tests and small exports may still hand over lists of records."""
    collection: Sequence[str]
    activity: Sequence[str]
    wave: Sequence[str]
    questionnaire: Sequence[str]
    version: Sequence[int]
    language: Sequence[str]
    channel: Sequence[str]
    submitted_at: Sequence[datetime]
    answers: Sequence[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.answers)

    @classmethod
    def of(cls, records: Sequence[ResponseRecord]) -> "RecordColumns":
        if not records:
            return cls(*([()] * len(FIELDS)))
        return cls(*zip(*([getattr(r, name) for name in FIELDS] for r in records)))

    def records(self) -> list[ResponseRecord]:
        return [trusted_record(*row) for row in zip(*(getattr(self, name) for name in FIELDS))]


def as_columns(chunk: "Sequence[ResponseRecord] | RecordColumns") -> RecordColumns:
    return chunk if isinstance(chunk, RecordColumns) else RecordColumns.of(chunk)


# A callable that yields the same records, in the same order, every time it is called, in chunks:
# each a list of ResponseRecord or one RecordColumns. The export
# reads them once to build the rows; unless the callable has `snapshot = True` (each call reads one
# consistent state, as one SELECT does), it reads them once more to check that nothing changed in
# between. It may take a keyword `answers` (the answer keys a reading needs: none for the check) and
# then may leave the other answers out.
Chunks = Callable[..., Iterable[Sequence[ResponseRecord]]]


def chunked(records: Sequence[ResponseRecord], size: int = 500) -> Chunks:
    """Chunks over records already in memory: for tests and small one-off exports."""
    def chunks():
        for start in range(0, len(records), size):
            yield list(records[start:start + size])
    chunks.snapshot = True   # the same records in memory every time
    return chunks
