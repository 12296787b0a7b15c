"""k-anonymity on adversarial synthetic data, checked by our counter and by pycanon independently."""
from __future__ import annotations

import random
import zipfile
from datetime import datetime, timedelta

import pandas as pd
import pyreadstat
import pytest

from survey.datasets import ExportOptions, ExportRefused, build_dataset, chunked, export
from survey.datasets.anonymize import class_sizes

from .independent import pycanon_k
from .synthetic import crowd, definition, record

DEFS = {1: definition()}


def exported(records, tmp_path, **options):
    result = export(chunked(records, 37), DEFS, ExportOptions(seed=7, **options), tmp_path / "data.csv", "csv")
    frame = pd.read_csv(result.paths[0], dtype=str, keep_default_na=False, na_values=[""])
    return result, frame


def assert_k(result, frame, path, k=5):
    qis = list(result.report.quasi_identifier_columns)
    assert min(class_sizes(frame, qis)) >= k
    assert pycanon_k(path, qis) >= k
    assert result.report.k_reached >= k


def test_a_lone_speaker_of_a_language_does_not_survive(tmp_path):
    lone = record(language="ti", answers={"birth_year": 2016, "gender": 1, "home_languages": [8]})
    result, frame = exported(crowd(200) + [lone], tmp_path)
    assert_k(result, frame, tmp_path / "data.csv")
    text = (tmp_path / "data.csv").read_text()
    assert ",ti," not in text and "Tigrinja" not in text
    assert "home_languages_8" not in frame or not (frame["home_languages_8"] == "1").any()


def test_extreme_ages_are_coarsened_or_suppressed(tmp_path):
    old = record(answers={"birth_year": 1930, "gender": 2, "home_languages": [1]})
    young = record(answers={"birth_year": 2021, "gender": 1, "home_languages": [1]})
    result, frame = exported(crowd(200) + [old, young], tmp_path)
    assert_k(result, frame, tmp_path / "data.csv")
    if "birth_year" in frame:
        assert not frame["birth_year"].isin(["1930", "2021"]).any()


def test_a_single_child_at_an_activity_is_not_singled_out(tmp_path):
    alone = record(collection="tjejgrupp-2026", activity="Tjejgrupp", answers={"birth_year": 2016, "gender": 1})
    result, frame = exported(crowd(200) + [alone], tmp_path)
    assert_k(result, frame, tmp_path / "data.csv")
    assert "Tjejgrupp" not in (tmp_path / "data.csv").read_text()


def test_a_merged_other_still_below_k_is_not_offered(tmp_path):
    # 2 "other" + 2 "prefer not to say": merged they are 4 < k; the cap (1%) cannot hide 4 rows
    odd = [record(answers={"birth_year": 2016, "gender": g, "home_languages": [1]}) for g in (3, 3, 9, 9)]
    result, frame = exported(crowd(200) + odd, tmp_path, suppression_cap=0.01)
    assert result.report.levels["gender"] == "dropped"
    assert "gender" not in frame
    assert_k(result, frame, tmp_path / "data.csv")


def test_a_merged_other_of_at_least_k_keeps_gender(tmp_path):
    odd = [record(answers={"birth_year": 2016, "gender": g, "home_languages": [1]}) for g in (3, 3, 3, 9, 9, 9)]
    result, frame = exported(crowd(200) + odd, tmp_path, suppression_cap=0.01)
    assert result.report.levels["gender"] == "merged"
    assert set(frame["gender"].dropna()) == {"1", "2", "3"}
    assert_k(result, frame, tmp_path / "data.csv")


@pytest.mark.parametrize("outliers", [1, 2, 3, 4])
def test_a_few_rows_that_stand_out_are_suppressed_and_left_out(tmp_path, outliers):
    # each outlier answered alone in a year of its own: the date is never dropped, so only suppression helps
    odd = [record(submitted_at=datetime(2019 + i, 3, 1, 12, 0), answers={"birth_year": 2016, "gender": 1})
           for i in range(outliers)]
    result, frame = exported(crowd(200) + odd, tmp_path)
    report = result.report
    assert (report.rows_in, report.rows_suppressed, report.rows_dropped, report.rows_out) == \
        (200 + outliers, outliers, outliers, 200)
    assert_k(result, frame, tmp_path / "data.csv")
    assert not any(str(2019 + i) in (tmp_path / "data.csv").read_text() for i in range(outliers))


def test_suppressed_rows_stay_as_their_own_group_when_they_are_at_least_k(tmp_path):
    odd = [record(submitted_at=datetime(2010 + i, 3, 1, 12, 0), answers={"birth_year": 2016, "gender": 1})
           for i in range(7)]
    result, frame = exported(crowd(200) + odd, tmp_path)
    assert (result.report.rows_suppressed, result.report.rows_dropped, result.report.rows_out) == (7, 0, 207)
    date_column = next(c for c in frame if c.startswith("submitted_"))
    assert (frame[date_column] == "*").sum() == 7
    assert_k(result, frame, tmp_path / "data.csv")


def test_too_many_rows_standing_out_refuse_the_export(tmp_path):
    odd = [record(submitted_at=datetime(2000 + i, 3, 1, 12, 0)) for i in range(11)]  # cap: 10 of 211
    with pytest.raises(ExportRefused, match=r"k=5 cannot be reached.*suppression cap of 5%"):
        export(chunked(crowd(200) + odd), DEFS, ExportOptions(seed=1), tmp_path / "data.csv", "csv")
    assert not (tmp_path / "data.csv").exists()


def test_fewer_responses_than_k_refuse_the_export(tmp_path):
    with pytest.raises(ExportRefused, match="only 4 responses"):
        export(chunked(crowd(4)), DEFS, ExportOptions(), tmp_path, "csv")
    assert list(tmp_path.iterdir()) == []


def test_a_researcher_who_needs_gender_gets_a_refusal_rather_than_no_gender(tmp_path):
    odd = [record(answers={"birth_year": 2016, "gender": g}) for g in (3, 3, 9, 9)]
    with pytest.raises(ExportRefused, match="gender"):
        build_dataset(chunked(crowd(200) + odd), DEFS,
                      ExportOptions(suppression_cap=0.01, coarsest={"gender": "merged"}))


def test_k_below_three_is_never_accepted():
    with pytest.raises(ValueError, match="never goes below k=3"):
        ExportOptions(k=2)


def test_a_larger_k_is_honoured(tmp_path):
    result, frame = exported(crowd(300, languages=("sv", "ar", "so", "fa")), tmp_path, k=10)
    assert_k(result, frame, tmp_path / "data.csv", k=10)


def test_missing_values_count_as_a_category_of_their_own(tmp_path):
    unanswered = [record(answers={}) for _ in range(3)]   # no age, gender or languages: NaN, never a wildcard
    result, frame = exported(crowd(200) + unanswered, tmp_path)
    assert_k(result, frame, tmp_path / "data.csv")


@pytest.mark.parametrize("seed", range(12))
def test_skewed_random_data_is_k_anonymous_or_refused(tmp_path, seed):
    rng = random.Random(seed)
    n = rng.randint(0, 300)
    records = []
    for _ in range(n):
        records.append(record(
            collection=rng.choices(["a", "b", "c", "d"], [50, 20, 3, 1])[0], activity=rng.choice(["A", "B", "C"]),
            language=rng.choices(["sv", "ar", "so", "fa", "ti"], [60, 25, 8, 5, 1])[0],
            submitted_at=datetime(2026, 1, 1) + timedelta(days=rng.choices([rng.randrange(30), rng.randrange(700)], [9, 1])[0]),
            answers={"birth_year": rng.choices([2012, 2013, 2014, 1960, 1990], [30, 30, 30, 1, 5])[0],
                     "gender": rng.choices([1, 2, 3, 9], [45, 45, 3, 3])[0],
                     "home_languages": rng.choice([[1], [2], [1, 2], [3], [8], [2, 4]])}))
    try:
        result, frame = exported(records, tmp_path)
    except ExportRefused:
        return
    report = result.report
    assert report.rows_suppressed <= int(0.05 * n)
    assert min(class_sizes(frame, list(report.quasi_identifier_columns))) >= 5
    if seed % 4 == 0:
        assert pycanon_k(tmp_path / "data.csv", list(report.quasi_identifier_columns)) >= 5


def test_same_input_and_seed_give_the_same_files_and_report(tmp_path):
    records = crowd(150) + [record(language="ti")]
    first = export(chunked(records, 20), DEFS, ExportOptions(seed=3, free_text=True), tmp_path / "a.zip", "zip")
    second = export(chunked(records, 50), DEFS, ExportOptions(seed=3, free_text=True), tmp_path / "b.zip", "zip")
    a, b = zipfile.ZipFile(tmp_path / "a.zip"), zipfile.ZipFile(tmp_path / "b.zip")
    assert a.namelist() == b.namelist()
    for name in a.namelist():
        if name.endswith((".sav", ".dta")):   # their headers hold the time of writing: compare the content
            for entry in (a, b):
                (tmp_path / f"{id(entry)}{name[-4:]}").write_bytes(entry.read(name))
            read = pyreadstat.read_sav if name.endswith(".sav") else pyreadstat.read_dta
            (fa, ma), (fb, mb) = (read(str(tmp_path / f"{id(e)}{name[-4:]}")) for e in (a, b))
            pd.testing.assert_frame_equal(fa, fb)
            assert ma.variable_value_labels == mb.variable_value_labels
        else:
            assert a.read(name) == b.read(name), name
    assert first.report.to_dict() == second.report.to_dict()


def test_row_order_does_not_follow_submission_time(tmp_path):
    records = sorted(crowd(200, days=200), key=lambda r: r.submitted_at)
    result, frame = exported(records, tmp_path, coarsest={"date": "week"}, suppression_cap=0.3)
    weeks = list(frame["submitted_week"])
    assert weeks != sorted(weeks)
    assert list(frame["row_id"]) == [str(i) for i in range(1, len(frame) + 1)]
