"""SPSS files written a block of rows at a time (dictionary by pyreadstat, data appended) against
pyreadstat's whole-frame writer: the same values, labels, missing values and types when read back."""
from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from survey.datasets import ExportOptions, build_dataset, chunked, export
from survey.datasets import pipeline
from survey.datasets.formats import write_sav

from .synthetic import plausible_answers, real_definition, record

TEXTS = ["å", "مرحبا بكم في النادي", "ring mig 070-123 45 67", "=1+1", "blåbär  ", "x" * 40, ""]
HEADER_TIME = slice(92, 109)   # creation date and time in the header: the two writers run at other moments


def records_for(form: str, n: int = 160):
    definition = real_definition(form)
    rng = random.Random(11)
    records = []
    for i in range(n):
        answers = plausible_answers(definition, rng)
        for var in list(answers):
            if isinstance(answers[var], str):
                answers[var] = rng.choice(TEXTS + [None])   # free text: Swedish, Arabic, long, empty, missing
            elif rng.random() < 0.1:
                answers[var] = None                        # unanswered: missing in SPSS
        records.append(record(questionnaire=form, language=rng.choice(["sv", "ar"]), wave=rng.choice(["vår", "höst", "الربيع"]),
                              channel=rng.choice(["tablet", "link"]), answers=answers))
    return definition, records


def read(path):
    return pyreadstat.read_sav(str(path), user_missing=True)


@pytest.mark.parametrize("form", ["parent", "youth", "child"])
@pytest.mark.parametrize("free_text", [True, False])
def test_a_sav_written_block_by_block_reads_back_as_the_whole_frame_writers(tmp_path, monkeypatch, form, free_text):
    definition, records = records_for(form)
    options = ExportOptions(seed=5, free_text=free_text, label_language="sv")
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 23)   # several blocks
    dataset = build_dataset(chunked(records, 50), {1: definition}, options)
    write_sav(dataset, tmp_path / "whole.sav", "sv")
    blocks = export(chunked(records, 50), {1: definition}, options, tmp_path / "blocks.sav", "sav").paths[0]
    whole_frame, whole_meta = read(tmp_path / "whole.sav")
    frame, meta = read(blocks)
    pd.testing.assert_frame_equal(frame, whole_frame)
    assert len(frame) == len(dataset.frame) == meta.number_rows
    for attribute in ("column_names", "column_labels", "file_label", "variable_value_labels", "missing_ranges",
                      "variable_measure", "original_variable_types", "variable_display_width",
                      "variable_storage_width"):
        assert getattr(meta, attribute) == getattr(whole_meta, attribute), attribute
    texts = [name for name, kind in meta.original_variable_types.items() if kind.startswith("A")]
    assert {"wave", "channel"} <= set(texts)
    assert {"vår", "höst", "الربيع"} == set(frame["wave"])
    if free_text and form != "parent":   # the parent questionnaire has no text items
        written = set().union(*(set(frame[name]) for name in texts))
        assert {"å", "مرحبا بكم في النادي", "x" * 40} <= written
    # indeed the same file, but for the moment it was written
    mine, theirs = bytearray(blocks.read_bytes()), bytearray((tmp_path / "whole.sav").read_bytes())
    mine[HEADER_TIME], theirs[HEADER_TIME] = b"\0" * 17, b"\0" * 17
    assert mine == theirs


def test_missing_numbers_and_texts_stay_missing(tmp_path):
    definition, records = records_for("parent", 60)
    records = [replace(r, wave="") for r in records]   # a text column without any text
    path = export(chunked(records), {1: definition}, ExportOptions(seed=1), tmp_path / "p.sav", "sav").paths[0]
    frame, meta = read(path)
    assert set(frame["wave"]) == {""} and meta.original_variable_types["wave"] == "A1"
    numeric = [name for name, kind in meta.original_variable_types.items() if not kind.startswith("A")]
    assert frame[numeric].isna().to_numpy().sum() > 0
    whole = build_dataset(chunked(records), {1: definition}, ExportOptions(seed=1))
    write_sav(whole, tmp_path / "whole.sav")
    pd.testing.assert_frame_equal(frame, read(tmp_path / "whole.sav")[0])


def test_text_longer_than_an_spss_short_string_is_written_whole(tmp_path):
    definition, records = records_for("youth", 60)
    var = "leisure_wish"
    records[3] = replace(records[3], answers={**records[3].answers, var: "å" * 200})   # 400 bytes
    options = ExportOptions(seed=1, free_text=True)
    path = export(chunked(records), {1: definition}, options, tmp_path / "p.sav", "sav").paths[0]
    frame, _ = read(path)
    assert ("å" * 200) in set(frame[var])
    whole = build_dataset(chunked(records), {1: definition}, options)
    write_sav(whole, tmp_path / "whole.sav")
    pd.testing.assert_frame_equal(frame, read(tmp_path / "whole.sav")[0])
    assert np.array_equal(frame.columns, whole.frame.columns)


def test_labelled_string_codes_are_recoded_block_by_block_as_in_the_whole_frame(tmp_path):
    from survey.datasets.columns import Column
    from survey.datasets.formats import _statistical_columns, write_sav_blocks
    columns = [Column("kind", {"sv": "Slag"}, "item", "nominal", "string",
                      value_labels={"a": {"sv": "A"}, "b": {"sv": "B"}, "dk": {"sv": "Vet ej"}}, missing_codes=("dk",)),
               Column("n", {"sv": "Antal"}, "item", "scale", "numeric"),
               Column("note", {"sv": "Text"}, "item", "nominal", "string")]
    values = {"kind": np.array(["a", None, "dk", "b", "zz", "a"], dtype=object),   # "zz": a code without a label
              "n": np.array([1.0, np.nan, 3.0, 4.0, 5.0, 6.0]),
              "note": np.array(["x", None, "å", "", "y", "z"], dtype=object)}
    blocks = [{name: column[part] for name, column in values.items()} for part in (slice(0, 4), slice(4, None))]
    assert write_sav_blocks(blocks, columns, "test", {"note": 2}, tmp_path / "blocks.sav", "sv")
    frame, meta = read(tmp_path / "blocks.sav")
    expected, labels, missing = _statistical_columns(values, columns, "sv")
    # 1, NaN, 3, 2, NaN, 1
    np.testing.assert_array_equal(frame["kind"].to_numpy(), expected["kind"].to_numpy())
    np.testing.assert_array_equal(frame["n"].to_numpy(), expected["n"].to_numpy())
    assert meta.variable_value_labels["kind"] == labels["kind"] == {1.0: "A", 2.0: "B", 3.0: "Vet ej"}
    assert meta.missing_ranges["kind"] == [{"lo": 3.0, "hi": 3.0}] and missing["kind"] == [3.0]
