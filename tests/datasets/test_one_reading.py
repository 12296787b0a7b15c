"""The export reads the responses once to build the rows and a second time, without answers, only to
check the selection: the rows wait on disk in runs of buckets, and the plan is applied as they are
written. Rows left out by the plan must leave no trace in the report, the alphas or the column types."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pandas as pd
import pytest

from survey.datasets import ExportError, ExportOptions, build_dataset, chunked, export
from survey.datasets import pipeline
from survey.datasets.reliability import cronbach_alpha

from .synthetic import MARKER, crowd, definition, marked, record

DEFS = {1: definition(extra_items=(MARKER,))}


def test_rows_spilled_in_runs_on_disk_give_the_same_file_as_rows_held_in_memory(monkeypatch):
    records = marked(crowd(500, days=200))
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 37)
    held = build_dataset(chunked(records, 33), DEFS, ExportOptions(seed=8, free_text=True)).frame
    monkeypatch.setattr(pipeline, "SPILL_ROWS", 50)   # a run every 2 chunks: 8 runs of 256 buckets
    spilled = build_dataset(chunked(records, 33), DEFS, ExportOptions(seed=8, free_text=True)).frame
    pd.testing.assert_frame_equal(spilled, held)
    # runs written at other moments (another chunk size) hold the buckets' rows in the same order
    again = build_dataset(chunked(records, 71), DEFS, ExportOptions(seed=8, free_text=True)).frame
    pd.testing.assert_frame_equal(again, held)
    assert sorted(held["marker"]) == list(range(len(records)))


@pytest.mark.parametrize("spill_rows", [50, 30_000])
def test_rows_left_out_count_in_neither_redactions_nor_alpha_nor_column_types(monkeypatch, tmp_path, spill_rows):
    monkeypatch.setattr(pipeline, "SPILL_ROWS", spill_rows)
    kept = marked(crowd(200, languages=("sv", "ar")))
    kept[5] = replace(kept[5], answers={**kept[5].answers, "comment": "mejla a@b.se"})
    # two responses alone in years of their own: suppressed, and too few for a group, so left out;
    # they hold a phone number in free text, a visit count that is not whole and extreme scale answers
    outliers = [record(submitted_at=datetime(2019 + i, 3, 1, 12, 0),
                       answers={"birth_year": 2016, "gender": 1, "marker": 900 + i, "visits": 2.5,
                                "se_a": 1, "se_b": 4, "se_c": 4, "comment": "ring 070-123 45 67"})
                for i in range(2)]
    options = ExportOptions(seed=3, free_text=True)
    with_outliers = build_dataset(chunked(kept + outliers, 40), DEFS, options)
    alone = build_dataset(chunked(kept, 40), DEFS, options)
    assert with_outliers.report.rows_dropped == 2
    assert set(with_outliers.frame["marker"]) == set(range(200))
    assert with_outliers.report.redactions == alone.report.redactions != {}
    assert with_outliers.frame["visits"].dtype == "Int64"
    scale = with_outliers.layout.scales[0]
    items = with_outliers.frame[list(scale.items)].astype(float)
    items["se_c"] = 5 - items["se_c"]   # reverse-coded on 1..4
    expected = cronbach_alpha([[None if pd.isna(v) else v for v in row] for row in items.itertuples(index=False)])
    overall = with_outliers.reliability["se"].overall
    assert overall.n == expected.n and overall.value == pytest.approx(expected.value, rel=1e-12)
    assert overall == alone.reliability["se"].overall or overall.value == pytest.approx(alone.reliability["se"].overall.value)
    # and a kept row whose visit count is not whole still makes the column a float one
    kept[7] = replace(kept[7], answers={**kept[7].answers, "visits": 2.5})
    assert build_dataset(chunked(kept + outliers, 40), DEFS, options).frame["visits"].dtype == "float64"


def test_the_check_reading_asks_for_no_answers_and_refuses_a_changed_selection(tmp_path):
    records = crowd(60)
    calls = []

    def chunks(answers=None):
        calls.append(answers)
        if answers is None:
            yield records
        else:   # a source that can leave the answers out does so
            yield [replace(r, answers={}) for r in records[:len(records) - len(calls) + 2]]

    result = export(chunks, {1: definition()}, ExportOptions(seed=1), tmp_path, "csv")
    assert calls == [None, ()] and result.rows == 60
    calls.clear()
    calls.append("one more call before: the check reading then gets a response fewer")
    with pytest.raises(ExportError, match="fewer came the second time"):
        export(chunks, {1: definition()}, ExportOptions(seed=1), tmp_path / "two.csv", "csv")
    assert not (tmp_path / "two.csv").exists()


def test_the_check_reading_compares_the_quasi_identifiers_of_the_response_itself(tmp_path):
    records = crowd(60)

    def chunks(answers=None):
        if answers is None:
            yield records
        else:
            yield [replace(r, answers={}, language="so" if i == 3 else r.language) for i, r in enumerate(records)]

    with pytest.raises(ExportError, match="changed between the two readings"):
        export(chunks, {1: definition()}, ExportOptions(seed=1), tmp_path / "data.csv", "csv")
    assert list(tmp_path.iterdir()) == []


def test_the_database_source_reads_no_answers_when_none_are_asked_for(answered):
    from survey.datasets.source import ResponseSource, select_collections
    source = ResponseSource(select_collections(["summer"]))
    full = [record_ for chunk in source.chunks() for record_ in chunk.records()]
    bare = [record_ for chunk in source.chunks(answers=()) for record_ in chunk.records()]
    assert len(full) == len(bare) > 0 and any(r.answers for r in full)
    assert all(r.answers == {} for r in bare)
    assert [(r.collection, r.activity, r.version, r.language, r.submitted_at) for r in bare] == \
        [(r.collection, r.activity, r.version, r.language, r.submitted_at) for r in full]


def test_a_source_reading_one_snapshot_is_read_once(tmp_path, answered):
    from survey.datasets.source import ResponseSource, select_collections
    assert ResponseSource(select_collections(["summer"])).chunks.snapshot is True
    records = crowd(60)
    calls = []

    def chunks(answers=None):
        calls.append(answers)
        yield records
    chunks.snapshot = True
    assert export(chunks, {1: definition()}, ExportOptions(seed=1), tmp_path, "csv").rows == 60
    assert calls == [None]


@pytest.mark.parametrize("dialect", ["csv", "excel_csv"])
def test_csv_written_from_blocks_of_arrays_is_the_csv_of_the_typed_frames(tmp_path, dialect):
    import numpy as np
    from survey.datasets.formats import write_csv_blocks, write_csv_frames
    from .test_streaming import tricky_frame
    frame, columns = tricky_frame()
    blocks = [{"whole": frame["whole"].to_numpy(dtype=float, na_value=np.nan)[part],
               "score": frame["score"].to_numpy()[part], "odd": frame["odd"].to_numpy()[part],
               "odd_few": frame["odd_few"].to_numpy()[part],
               "text": frame["text"].to_numpy(dtype=object)[part]}
              for part in (slice(0, 1000), slice(1000, 1001), slice(1001, None))]
    write_csv_frames([frame], columns, tmp_path / "frames.csv", dialect)
    whole = {"whole": True, "score": False, "odd": False, "odd_few": False}
    write_csv_blocks(blocks, columns, whole, tmp_path / "blocks.csv", dialect)
    assert (tmp_path / "blocks.csv").read_bytes() == (tmp_path / "frames.csv").read_bytes()


@pytest.mark.parametrize("dialect", ["csv", "excel_csv"])
def test_an_export_to_csv_has_the_bytes_of_its_dataset_written_as_a_frame(tmp_path, monkeypatch, dialect):
    from survey.datasets.formats import write_csv_frames
    records = marked(crowd(300))
    records[4] = replace(records[4], answers={**records[4].answers, "comment": '=ring "mig", 070-123 45 67\r\nå ﻻ'})
    options = ExportOptions(seed=6, free_text=True)
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 30)
    dataset = build_dataset(chunked(records, 40), DEFS, options)
    write_csv_frames([dataset.frame], dataset.columns, tmp_path / "frame.csv", dialect)
    path = export(chunked(records, 40), DEFS, options, tmp_path / "export.csv", dialect).paths[0]
    assert path.read_bytes() == (tmp_path / "frame.csv").read_bytes()


@pytest.mark.parametrize("scan", [True, False])
def test_the_source_gives_the_same_records_by_index_or_by_a_scan_in_id_order(answered, make_collection, submit,
                                                                            monkeypatch, scan):
    from survey.datasets.source import ResponseSource, select_collections
    from .conftest import varied_answers
    make_collection("spring")
    for answers in varied_answers(3, seed=4):
        assert submit("spring", answers=answers).status_code == 201
    expected = {}
    for slugs in (["summer"], ["spring"], ["summer", "spring"]):
        monkeypatch.setattr(ResponseSource, "_scan_in_id_order", lambda self: False)
        expected[tuple(slugs)] = [r for chunk in ResponseSource(select_collections(slugs)).chunks() for r in chunk.records()]
    monkeypatch.setattr(ResponseSource, "_scan_in_id_order", lambda self: scan)
    for slugs, records in expected.items():
        source = ResponseSource(select_collections(list(slugs)))
        assert source.scan is scan
        assert [r for chunk in source.chunks() for r in chunk.records()] == records
        assert source.count() == len(records) and source.definitions()
    assert len(expected[("spring",)]) == 3 and len(expected[("summer", "spring")]) == len(expected[("summer",)]) + 3


def test_sqlite_scans_in_id_order_only_for_a_large_share_of_the_rows(answered, make_collection, submit):
    from survey.datasets.source import ResponseSource, select_collections
    from survey.extensions import db
    from .conftest import varied_answers
    make_collection("spring")
    assert submit("spring", answers=varied_answers(1, seed=4)[0]).status_code == 201
    if db.session.get_bind().dialect.name != "sqlite":
        assert ResponseSource(select_collections(["summer"])).scan is False
        return
    assert ResponseSource(select_collections(["summer"])).scan is True      # 12 of the 13 rows
    assert ResponseSource(select_collections(["spring"])).scan is False     # 1 of 13


@pytest.mark.parametrize("seed", range(4))
def test_groups_kept_across_lattice_nodes_equal_groups_counted_per_node(seed):
    import itertools
    import numpy as np
    from survey.datasets.anonymize import _LatticeGroups, _small_groups
    rng = np.random.default_rng(seed)
    combos = 3000
    weights = rng.integers(1, 9, combos).astype(float)
    # per QI, a few levels, each a coarsening of raw codes (some with large radices, to force renumbering)
    options = []
    for radix in (4000, 60, 7, 300):
        raw = rng.integers(0, radix, combos)
        options.append([raw, raw // 3, raw // 40, np.zeros(combos, dtype=np.int64)])
    groups = _LatticeGroups(weights)
    for node in itertools.product(*options):
        for k in (3, 5):
            assert np.array_equal(groups.small(list(node), k), _small_groups(list(node), weights, k))


def test_multiple_choice_columns_over_a_chunk_equal_export_values_row_by_row():
    import random
    import numpy as np
    from survey.datasets.pipeline import _chosen
    from survey.questionnaires.items import MultipleChoiceItem
    from .synthetic import real_definition
    rng = random.Random(1)
    items = [item for item in real_definition("parent").items.values() if isinstance(item, MultipleChoiceItem)]
    assert items
    for item in items:
        codes = [c.value for c in item.choice_list.choices]
        values = [None if rng.random() < 0.2 else rng.sample(codes + ["unknown", 999], rng.randint(0, 3))
                  for _ in range(2000)]
        columns = _chosen(item, values)
        assert set(columns) == set(item.export_values(codes[:1]))
        for name, column in columns.items():
            expected = [item.export_values(value).get(name) for value in values]
            assert np.array_equal(column, np.array([np.nan if v is None else v for v in expected], dtype=float),
                                  equal_nan=True)
        # anything but lists of codes is left to the row-by-row rule
        assert _chosen(item, values + ["music"]) is None and _chosen(item, values + [[["nested"]]]) is None
