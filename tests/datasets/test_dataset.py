"""Reshaping: one row per response, one column per variable, versions aligned, scales beside the items."""
from __future__ import annotations

import random
from datetime import date, datetime

import pandas as pd
import pytest

from survey.datasets import ExportError, ExportOptions, build_dataset, chunked
from survey.datasets.hierarchies import Age, SubmissionDate

from .synthetic import MARKER, crowd, definition, definition_data, marked, plausible_answers, real_definition, record
from survey.questionnaires.definition import Definition

DEFS = {1: definition(extra_items=(MARKER,))}


def build(records, definitions=DEFS, **options):
    return build_dataset(chunked(marked(records), 25), definitions, ExportOptions(seed=5, **options))


def row_of(frame: pd.DataFrame, marker: int) -> pd.Series:
    return frame[frame["marker"] == marker].iloc[0]


def test_scale_scores_with_missing_answers_match_hand_computation():
    planted = [
        record(answers={"birth_year": 2016, "gender": 1, "home_languages": [1], "se_a": 4, "se_b": None, "se_c": 1}),  # (4 + (5-1)) / 2
        record(answers={"birth_year": 2016, "gender": 1, "home_languages": [1], "se_a": 3, "se_b": 9}),                 # "don't know": 1 answered < 2
        record(answers={"birth_year": 2016, "gender": 1, "home_languages": [1], "se_a": 2, "se_b": 3, "se_c": 2}),      # (2 + 3 + 3) / 3
    ]
    frame = build(planted + crowd(100)).frame
    first, second, third = (row_of(frame, i) for i in range(3))
    assert (first["se"], first["se_n"]) == (4.0, 2)
    assert pd.isna(second["se"]) and second["se_n"] == 1
    assert third["se"] == pytest.approx(8 / 3) and third["se_n"] == 3
    assert second["se_b"] == 9   # the answer itself stays, as a labelled missing code


def test_a_sum_scale_is_prorated_over_missing_items():
    parent = real_definition("parent")
    rng = random.Random(2)
    records = [record(questionnaire="parent", answers=plausible_answers(parent, rng)) for _ in range(40)]
    answers = dict(records[0].answers)
    efficacy = ["psoc_01", "psoc_06", "psoc_07", "psoc_10", "psoc_11", "psoc_13", "psoc_15"]
    answers.update({var: value for var, value in zip(efficacy, [6, 5, 4, 3, 2, None, None])})
    answers["n_children"] = 77_777   # a marker: out of range, but the export does not re-validate
    records[0] = record(questionnaire="parent", answers=answers)
    frame = build_dataset(chunked(records), {1: parent}, ExportOptions(seed=1)).frame
    row = frame[frame["n_children"] == 77_777].iloc[0]
    assert row["psoc_efficacy"] == pytest.approx((6 + 5 + 4 + 3 + 2) / 5 * 7)
    assert row["psoc_efficacy_n"] == 5


def test_multiple_choice_becomes_one_0_1_column_per_option():
    planted = [record(answers={"birth_year": 2016, "gender": 1, "home_languages": [1], "activities": ["music", "homework"]}),
               record(answers={"birth_year": 2016, "gender": 1, "home_languages": [1]})]
    frame = build(planted + crowd(100)).frame
    chose, skipped = row_of(frame, 0), row_of(frame, 1)
    assert (chose["activities_sport"], chose["activities_music"], chose["activities_homework"]) == (0, 1, 1)
    assert skipped[["activities_sport", "activities_music", "activities_homework"]].isna().all()


def test_versions_are_aligned_by_variable_name_with_the_version_as_a_column():
    data = definition_data(2, extra_items=(MARKER, {"var": "new_question", "type": "number", "min": 0, "max": 5,
                                                    "label": {"sv": "Ny", "en": "New"}}))
    data["pages"][0]["items"] = [i for i in data["pages"][0]["items"] if i["var"] != "visits"]
    definitions = {1: DEFS[1], 2: Definition(data)}
    records = crowd(60) + [record(version=2, answers={**r.answers, "new_question": 3, "visits": None})
                           for r in crowd(60, seed=2)]
    dataset = build(records, definitions)
    frame = dataset.frame
    assert set(frame["questionnaire_version"]) == {1, 2}
    assert frame.loc[frame["questionnaire_version"] == 1, "new_question"].isna().all()
    assert (frame.loc[frame["questionnaire_version"] == 2, "new_question"] == 3).all()
    assert frame.loc[frame["questionnaire_version"] == 2, "visits"].isna().all()
    versions = {c.name: c.versions for c in dataset.columns}
    assert (versions["visits"], versions["new_question"], versions["se_a"]) == ((1,), (2,), (1, 2))


def test_a_column_whose_storage_changes_between_versions_is_refused():
    data = definition_data(2)
    for item in data["pages"][0]["items"]:
        if item["var"] == "visits":
            item.clear()
            item.update({"var": "visits", "type": "short_text", "label": {"sv": "Besök", "en": "Visits"}})
    with pytest.raises(ExportError, match="Give the changed item a new name"):
        build(crowd(10), {1: definition(), 2: Definition(data)})


def test_rows_carry_a_random_row_id_and_the_metadata_but_no_response_identity():
    dataset = build(crowd(100))
    frame = dataset.frame
    assert sorted(frame["row_id"]) == list(range(1, len(frame) + 1))
    assert {"wave", "channel", "questionnaire_version"} <= set(frame)
    assert any(c.startswith("submitted_") for c in frame)
    assert not {"client_id", "response_id", "id", "submitted_at"} & set(frame)
    assert not frame.isin(["sommar-2026"]).any().any() or "collection" in frame


def test_submission_dates_are_coarsened_to_iso_week_month_term_and_year():
    levels = SubmissionDate()
    assert levels.key(date(2024, 12, 30), "week") == "2025-W01"
    assert levels.key(date(2026, 6, 17), "week") == "2026-W25"
    assert levels.key(date(2026, 6, 17), "month") == "2026-06"
    assert [levels.key(date(2026, m, 1), "term") for m in (5, 6, 8, 9)] == ["2026-VT", "2026-sommar", "2026-sommar", "2026-HT"]
    assert levels.key(date(2026, 6, 17), "year") == "2026"


def test_ages_12_and_13_fall_on_either_side_of_the_band_and_group_edge():
    age = Age(definition().items["birth_year"], [], [])
    band = {a: age.key((2026 - a, 2026), "band") for a in (9, 10, 12, 13, 15, 16, 19, 20)}
    assert band[12] == band[10] != band[13] == band[15] != band[16] == band[19] != band[20]
    assert age.key((2026 - 12, 2026), "group") == 1 and age.key((2026 - 13, 2026), "group") == 2
    assert age.key((2026 - 45, 2026), "group") == 3


def test_every_quasi_identifier_maps_every_value_at_every_level():
    dataset = build(crowd(50))
    rng = random.Random(0)
    for qi in dataset.layout.quasi_identifiers:
        for rec in crowd(20, seed=rng.randrange(100)) + [record(answers={})]:
            for level in qi.levels:
                key = qi.key(qi.raw(rec), level)
                assert level != "dropped" or key is None
                qi.columns(level, {key})


def test_free_text_is_left_out_by_default_and_scrubbed_when_asked_for():
    planted = [record(answers={"birth_year": 2016, "gender": 1, "home_languages": [1], "comment": "ring 070-123 45 67 eller mejla a@b.se"})]
    default = build(planted + crowd(60))
    assert "comment" not in default.frame and not default.report.free_text_columns
    asked = build(planted + crowd(60), free_text=True)
    assert row_of(asked.frame, 0)["comment"] == "ring [telefon] eller mejla [e-post]"
    assert asked.report.free_text_columns == ("comment", "panel_code")
    assert asked.report.redactions == {"email": 1, "phone": 1}
    assert "manual review" in asked.report.to_markdown() or "Read every cell" in asked.report.to_markdown()


def test_records_of_another_questionnaire_are_refused():
    with pytest.raises(ExportError, match="'other'"):
        build([record(questionnaire="other")] * 10)


def test_the_two_readings_must_see_the_same_records():
    readings = iter([[crowd(10)], [crowd(10, seed=99)]])
    with pytest.raises(ExportError, match="changed between the two readings"):
        build_dataset(lambda: next(readings), {1: definition()}, ExportOptions(k=3, suppression_cap=0.4))


def test_progress_is_reported_per_chunk_in_each_stage(tmp_path):
    from survey.datasets import export
    seen = []
    result = export(chunked(crowd(100), 30), {1: definition()}, ExportOptions(seed=1), tmp_path, "csv",
                    progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert [s for s in seen if s[0] == "reading"] == [("reading", 30, None), ("reading", 60, None),
                                                     ("reading", 90, None), ("reading", 100, None)]
    assert ("building", 100, 100) in seen and seen[-1] == ("writing", 1, 1)
    assert result.paths == [tmp_path / "synth-anonymized.csv"] and result.rows == result.report.rows_out
