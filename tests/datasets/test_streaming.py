"""The export's streamed parts against the whole-frame rules they replace: CSV written a frame at a
time, the external shuffle, scale scores over a chunk, Cronbach's alpha from running sums, group
sizes and l-diversity counted block by block, and the coded lattice search."""
from __future__ import annotations

import io
import itertools
import math
import random
from collections import Counter
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from survey.datasets import ExportOptions, build_dataset, chunked
from survey.datasets import anonymize, pipeline
from survey.datasets.anonymize import ClassCounter, ExportRefused, class_sizes, l_diversity
from survey.datasets.columns import Column
from survey.datasets.formats import CSV_DIALECTS, csv_rows, neutralize_formulas, write_csv_frames
from survey.datasets.layout import build_layout
from survey.datasets.pipeline import score_columns
from survey.datasets.reliability import AlphaAccumulator, cronbach_alpha
from survey.questionnaires.scoring import score_and_count

from .synthetic import MARKER, crowd, definition, marked, plausible_answers, real_definition, record

DEFS = {1: definition(extra_items=(MARKER,))}


def tricky_frame(n: int = 3000, seed: int = 1) -> tuple[pd.DataFrame, list[Column]]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "whole": pd.array(np.where(rng.random(n) < 0.2, np.nan, rng.integers(-9, 99, n)), dtype="Int64"),
        "score": np.where(rng.random(n) < 0.2, np.nan, rng.integers(1, 40, n) / rng.choice([1, 3, 7], n)),
        "odd": rng.choice([0.0, -0.0, 4.0, 1e-5, 1.5e-7, 4.1e10, 1e16, 1.2345e20, np.inf, -np.inf, np.nan], n),
        # the same without a negative zero: written by looking up each distinct value's text
        "odd_few": rng.choice([0.0, 4.0, 1e-5, 1.5e-7, 4.1e10, 1e16, 1.2345e20, np.inf, -np.inf, np.nan], n),
        "text": pd.Series(rng.choice(["vanlig", "a,b", "a;b", 'citat "x"', "rad\nbrytning", "cr\rx", "", None,
                                      "=1+1", "-2", "@x", "\tx", "åäö ﻻ", "  mellanslag "], n), dtype=object),
    })
    columns = [Column(name, {}, "item", "nominal", "string" if name == "text" else "numeric") for name in frame]
    return frame, columns


@pytest.mark.parametrize("dialect", ["csv", "excel_csv"])
def test_csv_rows_are_the_bytes_pandas_to_csv_writes(dialect):
    frame, columns = tricky_frame()
    options = CSV_DIALECTS[dialect]
    safe = neutralize_formulas(frame, columns)
    expected = safe.to_csv(index=False, header=False, sep=options["sep"], decimal=options["decimal"],
                           lineterminator=options["lineterminator"])
    assert csv_rows(safe, columns, dialect) == expected
    assert csv_rows(frame, columns, dialect, neutralize=True) == expected   # neutralized in Arrow, the same text


def test_whole_numbers_looked_up_are_written_as_the_integers_they_hold():
    from survey.datasets.formats import WHOLE_LOOKUP_MAX, _whole_cells
    rng = np.random.default_rng(8)
    wide = rng.integers(0, WHOLE_LOOKUP_MAX * 5, 500)       # more values than are looked up
    columns = [
        np.where(rng.random(500) < 0.3, np.nan, rng.integers(-9, 6, 500)).astype(float),       # codes, -9 missing code
        np.full(500, np.nan),                                                                   # nothing answered
        np.full(500, 7.0),                                                                      # one value
        rng.integers(0, 2, 500).astype(float),                                                  # a 0/1 option
        np.where(rng.random(500) < 0.1, np.nan, wide).astype(float),
        rng.integers(-9, 6, 500).astype(float),                                                 # codes again, shared texts
    ]
    # each column a run of its own: one text array each
    texts = [text for run in _whole_cells([[values] for values in columns], ",") for _, text in run]
    for values, text in zip(columns, texts, strict=True):
        assert text.to_pylist() == [None if np.isnan(value) else str(int(value)) for value in values]


@pytest.mark.parametrize("sep", [",", ";"])
def test_adjacent_whole_number_columns_looked_up_together_give_each_cell_in_place(sep):
    """A few adjacent columns are looked up as one text ("4,,2"): joined, the texts of a run must be the
    run's own cells, a missing one empty, and no text may reach past its run."""
    from survey.datasets.formats import WHOLE_GROUP_MAX, WHOLE_LOOKUP_MAX, _whole_cells
    rng = np.random.default_rng(9)
    size = 400

    def codes(low, high, missing=0.2):
        return np.where(rng.random(size) < missing, np.nan, rng.integers(low, high + 1, size)).astype(float)
    runs = [
        [codes(1, 7) for _ in range(7)] + [codes(0, 1, 0) for _ in range(9)],          # Likert items, 0/1 options
        [codes(-9, 5), np.full(size, np.nan), codes(0, WHOLE_LOOKUP_MAX * 3), codes(1, 5), np.full(size, 3.0)],
        [codes(1, WHOLE_GROUP_MAX - 1)],                                                 # alone: its table is full
        [codes(2, 4)],
    ]
    found = _whole_cells(runs, sep)
    assert len(found) == len(runs)
    assert len(found[0]) < len(runs[0])    # grouped
    for run, texts in zip(runs, found):
        assert sum(count for count, _ in texts) == len(run)
        expected = [sep.join("" if np.isnan(v) else str(int(v)) for v in row) for row in zip(*run)]
        lines = zip(*[["" if t is None else t for t in text.to_pylist()] for _, text in texts])
        assert [sep.join(line) for line in lines] == expected


@pytest.mark.parametrize("dialect", ["csv", "excel_csv"])
def test_csv_written_a_frame_at_a_time_equals_one_frame_written_at_once(tmp_path, dialect):
    frame, columns = tricky_frame()
    write_csv_frames([frame], columns, tmp_path / "one.csv", dialect)
    parts = [frame.iloc[:1000], frame.iloc[1000:1001], frame.iloc[1001:]]
    write_csv_frames(parts, columns, tmp_path / "parts.csv", dialect)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "parts.csv").read_bytes()
    options = CSV_DIALECTS[dialect]
    with io.StringIO() as expected:
        neutralize_formulas(frame, columns).to_csv(expected, index=False, sep=options["sep"], decimal=options["decimal"],
                                                   lineterminator=options["lineterminator"])
        assert (tmp_path / "one.csv").read_bytes() == expected.getvalue().encode(options["encoding"])


def by_marker(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="row_id").sort_values("marker").reset_index(drop=True)


def test_the_external_shuffle_gives_a_permutation_with_row_ids_1_to_n(monkeypatch):
    records = marked(sorted(crowd(400, days=200), key=lambda r: r.submitted_at))
    whole = build_dataset(chunked(records, 33), DEFS, ExportOptions(seed=4)).frame
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 37)   # 11 buckets, each shuffled on its own
    spread = build_dataset(chunked(records, 33), DEFS, ExportOptions(seed=4)).frame
    assert list(spread["row_id"]) == list(range(1, len(records) + 1))
    assert sorted(spread["marker"]) == list(range(len(records)))
    markers = list(spread["marker"])
    assert markers != sorted(markers)
    # the same rows, cell for cell, as with one bucket; only the order differs
    pd.testing.assert_frame_equal(by_marker(spread), by_marker(whole))
    # the same seed gives the same order, whatever the chunk size
    again = build_dataset(chunked(records, 50), DEFS, ExportOptions(seed=4)).frame
    pd.testing.assert_frame_equal(again, spread)


def test_the_external_shuffle_puts_every_row_anywhere(monkeypatch):
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 10)
    records = marked(crowd(40))
    first_rows = Counter()
    for seed in range(60):
        frame = build_dataset(chunked(records, 7), DEFS, ExportOptions(seed=seed)).frame
        first_rows[int(frame["marker"].iloc[0])] += 1
    assert len(first_rows) > 20   # not always a row of the first bucket or chunk


@pytest.mark.parametrize("seed", range(5))
def test_the_streamed_alpha_equals_cronbach_alpha_on_the_same_rows(seed):
    rng = np.random.default_rng(seed)
    level = rng.integers(1, 6, (500, 1))
    matrix = np.clip(level + rng.integers(-1, 2, (500, 4)), 1, 5).astype(float)
    matrix[rng.random((500, 4)) < 0.05] = np.nan
    accumulator = AlphaAccumulator(4)
    start = 0
    for size in itertools.cycle([1, 17, 60, 3]):
        if start >= len(matrix):
            break
        accumulator.add(matrix[start:start + size])
        start += size
    rows = [[None if math.isnan(v) else v for v in row] for row in matrix]
    expected, streamed = cronbach_alpha(rows), accumulator.result()
    assert streamed.n == expected.n and streamed.items == expected.items == 4
    assert streamed.value == pytest.approx(expected.value, rel=1e-12)


def test_the_streamed_alpha_has_none_without_variance_or_rows():
    accumulator = AlphaAccumulator(2)
    assert accumulator.result().value is None
    accumulator.add(np.array([[2.0, 3.0], [2.0, 3.0], [np.nan, 1.0]]))
    assert accumulator.result() == cronbach_alpha([[2, 3], [2, 3], [None, 1]])


def test_the_dataset_alpha_equals_cronbach_alpha_of_the_written_rows():
    from survey.questionnaires.scoring import item_score
    records = crowd(300, languages=("sv", "ar"))
    dataset = build_dataset(chunked(records, 41), DEFS, ExportOptions(seed=2))
    scale = dataset.layout.scales[0]
    rows = [[None if pd.isna(v) else item_score(DEFS[1], var, int(v), var in scale.reverse)
             for var, v in zip(scale.items, values)]
            for values in dataset.frame[list(scale.items)].itertuples(index=False)]
    expected = cronbach_alpha(rows)
    reliability = dataset.reliability[scale.id]
    assert reliability.overall.n == expected.n
    assert reliability.overall.value == pytest.approx(expected.value, rel=1e-12)


@pytest.mark.parametrize("form", ["parent", "youth", "child"])
def test_scale_scores_over_a_chunk_equal_the_row_by_row_rule(form):
    definition_ = real_definition(form)
    rng = random.Random(7)
    answers = []
    for _ in range(400):
        one = plausible_answers(definition_, rng)
        for scale in definition_.scales:
            for var in scale.items:
                roll = rng.random()
                if roll < 0.15:
                    one.pop(var, None)
                elif roll < 0.25 and var in one and not isinstance(one[var], (list, str)):
                    one[var] = 9 if rng.random() < 0.5 else None   # "don't know" where the list has it
        answers.append(one)
    assert definition_.scales
    for scale in definition_.scales:
        scored = score_columns(definition_, scale, [[a.get(var) for a in answers] for var in scale.items])
        assert scored is not None
        for row, (score, count) in zip(answers, zip(*scored)):
            expected_score, expected_count = score_and_count(definition_, scale, row)
            assert count == expected_count
            assert (math.isnan(score) and expected_score is None) or score == expected_score


def test_codes_in_a_span_are_scored_as_the_row_by_row_rule_scores_them():
    # agree4 scores 1..4 (9 is "don't know"): a whole column is tested by range, not code by code
    definition_ = DEFS[1]
    scale = definition_.scales[0]
    assert definition_.items["se_a"].choice_list.scored_span == (1, 4)
    assert definition_.items["gender"].choice_list.scored_span == (1, 3)
    assert definition_.items["home_languages"].choice_list.scored_span is None   # 1..4 and 8
    odd = [1, 4, 9, 0, 5, 2.5, 3.0, -0.0, float("inf"), float("nan"), None, 2]
    columns = [odd, list(reversed(odd)), odd[3:] + odd[:3]]
    scored = score_columns(definition_, scale, columns)
    assert scored is not None
    for row, (score, count) in enumerate(zip(*scored)):
        expected_score, expected_count = score_and_count(definition_, scale, {
            var: column[row] for var, column in zip(scale.items, columns) if column[row] is not None})
        assert count == expected_count
        assert (math.isnan(score) and expected_score is None) or score == expected_score


def test_number_answers_are_read_into_one_matrix_only_when_every_one_is_a_plain_number():
    answers = [{"a": 1, "b": 2.5}, {"b": 0}, {"a": -9, "c": "x"}]
    matrix = pipeline._number_matrix(answers, ["a", "b"])
    assert matrix.flags.c_contiguous
    np.testing.assert_array_equal(matrix, [[1, np.nan, -9], [2.5, 0, np.nan]])
    for odd in (True, None, "3", [1]):   # the caller converts these as _numbers would, or row by row
        assert pipeline._number_matrix(answers + [{"a": odd}], ["a", "b"]) is None


def test_a_scale_answer_of_an_odd_type_is_scored_row_by_row():
    scale = DEFS[1].scales[0]
    assert score_columns(DEFS[1], scale, [[1, "2"], [3, 4], [2, 2]]) is None


def literal_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "week": pd.Series(rng.choice(["2026-W01", "2026-W02", "*", None], n, p=[0.5, 0.4, 0.05, 0.05]), dtype=object),
        "band": pd.array(np.where(rng.random(n) < 0.1, np.nan, rng.integers(1, 4, n)), dtype="Int64"),
        "lang": pd.Series(rng.choice(["sv", "ar", "so"], n), dtype=object),
        "unsafe": pd.array(np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 2, n)), dtype="Int64"),
        "mood": np.where(rng.random(n) < 0.1, np.nan, rng.integers(1, 5, n) / 2),
    })


@pytest.mark.parametrize("qi_columns", [["week", "band", "lang"], ["week"], []])
def test_group_sizes_and_l_diversity_counted_by_blocks_equal_the_whole_frame(qi_columns):
    frame = literal_frame(900, seed=len(qi_columns))
    counter = ClassCounter(qi_columns, {"unsafe": ["unsafe"], "both": ["unsafe", "mood"]})
    for start in range(0, len(frame), 250):
        block = frame.iloc[start:start + 250]
        counter.add({name: block[name].to_numpy(dtype=object if block[name].dtype == object else np.float64,
                                                 na_value=None if block[name].dtype == object else np.nan)
                     for name in frame})
    assert counter.sizes() == class_sizes(frame, qi_columns)
    assert counter.l_diversity("unsafe") == l_diversity(frame, qi_columns, ["unsafe"])
    assert counter.l_diversity("both") == l_diversity(frame, qi_columns, ["unsafe", "mood"])


# -- the lattice search: the coded search against the row-by-row search it replaced ----------------
def reference_plan(qis, raws, k, suppression_cap, coarsest=None):
    """The search as it was written before it worked on codes (np.unique over all rows per node)."""
    n = len(next(iter(raws.values())))
    coarsest = dict(coarsest or {})
    options = []
    for qi in qis:
        allowed = qi.levels[:qi.levels.index(coarsest[qi.name]) + 1] if qi.name in coarsest else qi.levels
        choices = []
        for index, level in enumerate(allowed):
            keys = [qi.key(raw, level) for raw in raws[qi.name]]
            rare = frozenset()
            if level in qi.merges_rare:
                counts = Counter(key for key in keys if key is not None)
                other = qi.other_key(level)
                rare = frozenset(key for key, count in counts.items() if count < k and key != other)
                keys = [other if key in rare else key for key in keys]
                merged = sum(1 for key in keys if key == other)
                if 0 < merged < k:
                    continue
            index_of: dict = {}
            codes = np.array([index_of.setdefault(key, len(index_of)) for key in keys])
            choices.append((index, level, codes, rare))
        if not choices:
            raise ExportRefused("no level")
        options.append(choices)
    limit = math.floor(suppression_cap * n)
    weights = [qi.weight for qi in qis]
    priority = sorted(range(len(qis)), key=lambda i: (-weights[i], i))
    best, searched = None, 0
    for node in itertools.product(*options):
        searched += 1
        loss = sum(w * index / (len(qi.levels) - 1) for w, qi, (index, *_rest) in zip(weights, qis, node)) / sum(weights)
        rows = list(zip(*(codes.tolist() for _, _, codes, _ in node)))
        counts = Counter(rows)
        small = np.array([counts[row] < k for row in rows])
        outliers = int(small.sum())
        if outliers > limit or n - (outliers if outliers < k else 0) < k:
            continue
        total_loss = ((n - outliers) * loss + outliers) / n
        rank = (round(total_loss, 9), outliers, tuple(node[i][0] for i in priority))
        if best is None or rank < best[0]:
            best = (rank, node, small)
    if best is None:
        raise ExportRefused("k cannot be reached")
    _, node, small = best
    return ({qi.name: c[1] for qi, c in zip(qis, node)}, {qi.name: c[3] for qi, c in zip(qis, node)}, small, searched)


def skewed(n: int, seed: int):
    rng = random.Random(seed)
    return [record(
        collection=rng.choices(["a", "b", "c", "d"], [50, 20, 3, 1])[0], activity=rng.choice(["A", "B", "C"]),
        language=rng.choices(["sv", "ar", "so", "fa", "ti"], [60, 25, 8, 5, 1])[0],
        submitted_at=datetime(2026, 1, 1) + timedelta(days=rng.choices([rng.randrange(30), rng.randrange(700)], [9, 1])[0]),
        answers={"birth_year": rng.choices([2012, 2013, 2014, 1960, 1990, None], [30, 30, 30, 1, 5, 2])[0],
                 "gender": rng.choices([1, 2, 3, 9], [45, 45, 3, 3])[0],
                 "home_languages": rng.choice([[1], [2], [1, 2], [3], [8], [2, 4]])}) for _ in range(n)]


@pytest.mark.parametrize("seed, k, cap", [(0, 5, 0.05), (1, 3, 0.0), (2, 10, 0.2), (3, 5, 0.05), (4, 5, 0.1)])
def test_the_coded_search_chooses_what_the_row_by_row_search_chose(seed, k, cap):
    layout = build_layout({1: definition()})
    qis = layout.quasi_identifiers
    records = skewed(300, seed)
    raws = {qi.name: [qi.raw(r) for r in records] for qi in qis}
    try:
        expected = reference_plan(qis, raws, k, cap)
    except ExportRefused:
        with pytest.raises(ExportRefused):
            anonymize.plan(qis, raws, k, cap)
        return
    chosen = anonymize.plan(qis, raws, k, cap)
    assert chosen.levels == expected[0] and chosen.rare == expected[1]
    assert chosen.suppressed.tolist() == expected[2].tolist()
    assert chosen.nodes_searched == expected[3]


def test_groups_counted_from_table_entries_equal_groups_counted_from_the_cells():
    rng = np.random.default_rng(3)
    tables = {"week": np.array(["2026-W01", "2026-W02", None, "*"], dtype=object),
              "band": np.array([1.0, 2.0, np.nan, 2.0, np.nan])}   # two entries with the same cell
    entries = [{"week": rng.integers(0, 4, 200), "band": rng.integers(0, 5, 200)} for _ in range(3)]
    blocks = [{"week": tables["week"][e["week"]], "band": tables["band"][e["band"]],
               "unsafe": rng.choice([0.0, 1.0, np.nan], 200)} for e in entries]
    by_cells = ClassCounter(["week", "band"], {"unsafe": ["unsafe"]})
    by_entries = ClassCounter(["week", "band"], {"unsafe": ["unsafe"]}, tables)
    for block, entry in zip(blocks, entries):
        by_cells.add(block)
        by_entries.add(block, entry)
    frame = pd.DataFrame({name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]})
    assert by_entries.sizes() == by_cells.sizes() == class_sizes(frame, ["week", "band"])
    assert by_entries.l_diversity("unsafe") == by_cells.l_diversity("unsafe") == l_diversity(frame, ["week", "band"], ["unsafe"])


def test_the_first_reading_has_the_same_answers_as_the_full_reading(answered, make_collection,
                                                                                          submit):
    from survey.datasets.source import ResponseSource, select_collections
    from .conftest import varied_answers
    make_collection("spring")
    assert submit("spring", answers=varied_answers(1, seed=9)[0]).status_code == 201
    source = ResponseSource(select_collections(["summer", "spring"]))
    keys = ["activities", "birth_year", "gender", "not_an_item"]
    full = [record for chunk in source.chunks() for record in chunk.records()]
    picked = [record for chunk in source.chunks(answers=keys) for record in chunk.records()]
    assert len(full) == len(picked) == 13
    for whole, some in zip(full, picked):
        assert {key: some.answers.get(key) for key in keys} == {key: whole.answers.get(key) for key in keys}
        assert (some.collection, some.version, some.language, some.submitted_at) == \
            (whole.collection, whole.version, whole.language, whole.submitted_at)
    assert [len(chunk) for chunk in source.chunks(answers=["gender"])] == [13]


@pytest.mark.parametrize("format", ["csv", "excel_csv", "parquet"])
def test_a_file_written_bucket_by_bucket_holds_the_same_rows_as_the_whole_frame(tmp_path, monkeypatch, format):
    from survey.datasets import export
    records = marked(crowd(300))
    # a text column empty in some buckets and not in others: Parquet must still type it as text
    records = [record(collection=r.collection, activity=r.activity, language=r.language, channel=r.channel,
                      submitted_at=r.submitted_at, answers={**r.answers, **({"comment": "=ring 070-123 45 67"}
                                                                             if i % 97 == 5 else {})})
               for i, r in enumerate(records)]
    options = ExportOptions(seed=6, free_text=True)
    whole = build_dataset(chunked(records, 40), DEFS, options).frame
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 30)
    path = export(chunked(records, 40), DEFS, options, tmp_path, format).paths[0]
    if format == "parquet":
        back = pd.read_parquet(path)
    else:
        sep, decimal, encoding = (";", ",", "utf-8-sig") if format == "excel_csv" else (",", ".", "utf-8")
        back = pd.read_csv(path, sep=sep, decimal=decimal, encoding=encoding)
    assert list(back["row_id"]) == list(range(1, len(whole) + 1))
    assert sorted(back["marker"]) == sorted(whole["marker"])
    mine = back.set_index("marker").sort_index()
    theirs = whole.set_index("marker").sort_index()
    for name in ["se", "se_n", "visits", "gender", "activities_music"]:
        assert mine[name].astype(float).tolist() == pytest.approx(theirs[name].astype(float).tolist(), nan_ok=True)
    comments = set(mine["comment"].dropna())
    assert comments == ({"'=ring [telefon]"} if format != "parquet" else {"=ring [telefon]"})
