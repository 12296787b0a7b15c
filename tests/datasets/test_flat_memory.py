"""Issue 15: an export's memory must not grow with the number of rows. What the reading keeps for the
plan, the group count and the writing is per distinct combination of raw quasi-identifier values
(bounded by the QIs' domains), never an array with an entry per row read."""
from __future__ import annotations

import tracemalloc
from dataclasses import replace

import numpy as np
import pytest

from survey.datasets import ExportError, ExportOptions, chunked, export
from survey.datasets import pipeline

from .synthetic import crowd, definition

DEFS = {1: definition()}
BASE = crowd(2_000, seed=5)   # the same responses again and again: the same combinations, more rows


def streamed(records: list, work, chunk: int = 500):
    return pipeline.stream_dataset(chunked(records, chunk), DEFS, ExportOptions(seed=2, free_text=True), None, work)


def test_the_state_kept_after_the_reading_is_per_combination_not_per_row(tmp_path):
    small, large = streamed(BASE, tmp_path / "small"), streamed(BASE * 10, tmp_path / "large")
    assert (large.report.rows_in, large.report.rows_out) == (20_000, 20_000)
    # per combination of raw QI codes: as many entries for 20,000 rows as for the 2,000 they repeat
    assert len(large.suppressed) == len(large.dropped) == len(small.suppressed) < 2_000
    assert all(len(entry) == len(large.dropped) for entry in large.entries.values())


@pytest.fixture
def work(tmp_path):
    (tmp_path / "2k").mkdir()
    (tmp_path / "20k").mkdir()
    return tmp_path


def traced_peak(records: list, work) -> int:
    """The peak of memory allocated while reading, planning and writing the records (already in memory)."""
    tracemalloc.start()
    try:
        built = streamed(records, work)
        for _ in built.blocks():
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_does_not_grow_with_rows_of_the_same_combinations(monkeypatch, work):
    # rows wait on disk after 1,000 and are written 500 at a time, so the chunks, the spill and the
    # buckets held are the same size for 2,000 rows and for 20,000: only per-row state could differ
    monkeypatch.setattr(pipeline, "SPILL_ROWS", 1_000)
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 500)
    traced_peak(BASE, work / "2k")   # imports, caches and first-call allocations out of the way
    small = traced_peak(BASE, work / "2k")
    large = traced_peak(BASE * 10, work / "20k")
    # per-row arrays (a QI code per QI, a sensitive literal per item, the plan's int64 keys and masks)
    # took over 100 bytes a row, 1.8 MB for the 18,000 rows more; allow a tenth of that for noise
    assert large - small < 18_000 * 10, (small, large)


def test_the_check_reading_refuses_known_values_that_moved_between_rows(tmp_path):
    # the check compares a digest of each QI's codes in reading order, not stored codes per row:
    # two responses trading languages (both seen, as many rows) must still be a change
    records = crowd(60)
    first = next(i for i, r in enumerate(records) if r.language == "sv")
    second = next(i for i, r in enumerate(records) if r.language == "ar")
    moved = list(records)
    moved[first], moved[second] = replace(records[first], language="ar"), replace(records[second], language="sv")
    readings = iter([records, moved, records, records])

    def chunks(answers=None):
        """Chunks of 25, without answers when the check reading asks for none, as a database gives them."""
        reading = next(readings)
        for start in range(0, len(reading), 25):
            yield [r if answers is None else replace(r, answers={}) for r in reading[start:start + 25]]

    with pytest.raises(ExportError, match="changed between the two readings; export again"):
        export(chunks, DEFS, ExportOptions(seed=1), tmp_path / "data.csv", "csv")
    assert list(tmp_path.iterdir()) == []
    assert export(chunks, DEFS, ExportOptions(seed=1), tmp_path / "data.csv", "csv").rows == 60


@pytest.mark.parametrize("high", [7, 2 ** 40], ids=["one int64 key", "keys too wide: pairwise"])
def test_distinct_rows_of_codes_are_numpys_unique_rows_either_way(high):
    from survey.datasets.anonymize import _distinct
    rng = np.random.default_rng(3)
    codes = [rng.integers(0, high, 500) % (high if high < 10 else 5) + (0 if high < 10 else high * (i % 2))
             for i in range(4)]
    _, first, inverse, counts = _distinct(codes, 500)
    _, want_first, want_inverse, want_counts = np.unique(np.column_stack(codes), axis=0, return_index=True,
                                                         return_inverse=True, return_counts=True)
    assert np.array_equal(first, want_first) and np.array_equal(counts, want_counts)
    assert np.array_equal(inverse.reshape(-1), want_inverse.reshape(-1))
