"""Every format read back by an independent reader: values, variable labels and value labels survive."""
from __future__ import annotations

import json
import zipfile

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from survey.datasets import ExportOptions, LinkKey, build_dataset, chunked, export
from survey.datasets.formats import write

from .synthetic import MARKER, crowd, definition, marked, real_definition, real_languages, record

FAVOURITE = {"var": "favourite", "type": "single_choice", "choices": "activities",
             "label": {"sv": "Favorit", "en": "Favourite"}}
TEMPERATURE = {"var": "temperature", "type": "number", "min": -30, "max": 40, "label": {"sv": "Grader", "en": "Degrees"}}
DEFS = {1: definition(extra_items=(MARKER, FAVOURITE, TEMPERATURE))}
TRICKY = ["=1+1", "+SUM(A1)", "-2+3", "@-1", "\tx", "\rx", "vanlig text"]


@pytest.fixture(scope="module")
def dataset():
    records = crowd(120)
    records = [record(answers={**r.answers, "favourite": ["sport", "music", "homework"][i % 3], "temperature": -9,
                               "se_a": 9 if i % 10 == 0 else r.answers["se_a"], "comment": TRICKY[i % len(TRICKY)]},
                      collection=r.collection, activity=r.activity, language=r.language, channel=r.channel,
                      submitted_at=r.submitted_at) for i, r in enumerate(records)]
    return build_dataset(chunked(marked(records)), DEFS, ExportOptions(seed=2, free_text=True))


def test_csv_reads_back_with_the_same_values(dataset, tmp_path):
    write(dataset, "csv", tmp_path / "d.csv")
    back = pd.read_csv(tmp_path / "d.csv")
    assert list(back.columns) == list(dataset.frame.columns)
    assert back["se"].tolist() == pytest.approx(dataset.frame["se"].astype(float).tolist(), nan_ok=True)
    assert back["favourite"].tolist() == dataset.frame["favourite"].tolist()
    assert back["marker"].tolist() == dataset.frame["marker"].tolist()


def test_excel_csv_has_a_bom_semicolons_and_decimal_commas(dataset, tmp_path):
    write(dataset, "excel_csv", tmp_path / "d.csv")
    raw = (tmp_path / "d.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    back = pd.read_csv(tmp_path / "d.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert back["se"].tolist() == pytest.approx(dataset.frame["se"].astype(float).tolist(), nan_ok=True)
    assert any("," in line.split(";")[list(back.columns).index("se")] for line in raw.decode("utf-8-sig").splitlines()[1:])


@pytest.mark.parametrize("format", ["csv", "excel_csv"])
def test_text_cells_that_a_spreadsheet_would_run_are_neutralized_but_numbers_stay(dataset, tmp_path, format):
    write(dataset, format, tmp_path / "d.csv")
    sep = ";" if format == "excel_csv" else ","
    back = pd.read_csv(tmp_path / "d.csv", sep=sep, encoding="utf-8-sig", keep_default_na=False)
    comments = set(back["comment"])
    assert {"'=1+1", "'+SUM(A1)", "'-2+3", "'@-1", "'\tx", "'\nx", "vanlig text"} <= comments
    assert not any(c.startswith(("=", "+", "-", "@")) for c in comments)
    assert set(back["temperature"]) == {-9}


def test_spss_file_keeps_labels_measures_and_user_missing_codes(dataset, tmp_path):
    write(dataset, "sav", tmp_path / "d.sav")
    back, meta = pyreadstat.read_sav(str(tmp_path / "d.sav"), user_missing=True)
    assert meta.column_names_to_labels["se_a"] == "A"
    assert meta.column_names_to_labels["se"] == "Självförmåga"
    assert meta.variable_value_labels["se_a"][9] == "Vet inte"
    assert {"lo": 9.0, "hi": 9.0} in meta.missing_ranges["se_a"]
    assert meta.variable_measure["se_a"] == "ordinal" and meta.variable_measure["se"] == "scale"
    # string codes are recoded to 1..n with their labels
    assert meta.variable_value_labels["favourite"] == {1: "Idrott", 2: "Musik", 3: "Läxhjälp"}
    labels = meta.variable_value_labels["favourite"]
    assert [labels[v] for v in back["favourite"]] == [
        {"sport": "Idrott", "music": "Musik", "homework": "Läxhjälp"}[v] for v in dataset.frame["favourite"]]
    assert back["comment"].tolist()[:3] == dataset.frame["comment"].tolist()[:3]   # never neutralized here
    assert back["marker"].tolist() == dataset.frame["marker"].tolist()


def test_stata_file_is_release_118_with_labels_and_extended_missing(dataset, tmp_path):
    write(dataset, "dta", tmp_path / "d.dta")
    assert (tmp_path / "d.dta").read_bytes().startswith(b"<stata_dta><header><release>118</release>")
    back, meta = pyreadstat.read_dta(str(tmp_path / "d.dta"), user_missing=True)
    assert meta.column_names_to_labels["se"] == "Självförmåga"
    assert meta.variable_value_labels["se_a"]["a"] == "Vet inte"
    assert meta.missing_user_values["se_a"] == ["a"]
    assert (back["se_a"] == "a").sum() == (dataset.frame["se_a"] == 9).sum() > 0
    assert meta.variable_value_labels["favourite"] == {1: "Idrott", 2: "Musik", 3: "Läxhjälp"}
    assert back["marker"].tolist() == dataset.frame["marker"].tolist()


def test_parquet_keeps_values_and_labels_in_the_schema(dataset, tmp_path):
    write(dataset, "parquet", tmp_path / "d.parquet")
    back = pd.read_parquet(tmp_path / "d.parquet")
    assert back["marker"].tolist() == dataset.frame["marker"].tolist()
    assert back["favourite"].tolist() == dataset.frame["favourite"].tolist()
    field = pq.read_schema(tmp_path / "d.parquet").field("se_a")
    assert json.loads(field.metadata[b"label"])["sv"] == "A"
    assert json.loads(field.metadata[b"value_labels"])["9"]["sv"] == "Vet inte"
    assert json.loads(field.metadata[b"missing_codes"]) == [9]


def test_the_bundle_holds_data_codebook_and_report(dataset, tmp_path):
    write(dataset, "zip", tmp_path / "d.zip", bundle_formats=("csv", "sav", "dta", "parquet", "excel_csv"),
          languages=real_languages())
    names = set(zipfile.ZipFile(tmp_path / "d.zip").namelist())
    assert names == {"synth-anonymized.csv", "synth-anonymized-excel.csv", "synth-anonymized.sav",
                     "synth-anonymized.dta", "synth-anonymized.parquet", "codebook.csv", "codebook.html",
                     "anonymization_report.md", "anonymization_report.json", "README.txt"}
    report = json.loads(zipfile.ZipFile(tmp_path / "d.zip").read("anonymization_report.json"))
    assert report["k_reached"] >= 5 and report["pseudonymized"] is False


def test_a_pseudonymized_export_says_so_and_never_writes_the_key_or_the_code(tmp_path):
    key = b"server-secret-key-0123456789abcdef"
    records = [record(collection=r.collection, activity=r.activity, language=r.language, channel=r.channel,
                      submitted_at=r.submitted_at, answers={**r.answers, "panel_code": f"Blå Katt {i % 40}"})
               for i, r in enumerate(crowd(120))]
    result = export(chunked(records), {1: definition()}, ExportOptions(seed=1, link=LinkKey(key, "panel_code")),
                    tmp_path, "zip")
    path = result.paths[0]
    assert path.name == "synth-pseudonymized.zip"
    bundle = zipfile.ZipFile(path)
    everything = b"".join(bundle.read(n) for n in bundle.namelist())
    assert key not in everything and key.hex().encode() not in everything and b"Katt" not in everything
    assert "PSEUDONYMIZED, NOT ANONYMOUS" in bundle.read("README.txt").decode()
    assert result.report.pseudonymized
    frame = pd.read_csv(bundle.open("synth-pseudonymized.csv"))
    assert "panel_code" not in frame and frame["link_key"].nunique() <= 40


def test_the_same_code_gives_the_same_link_key_across_waves_however_it_is_typed():
    from survey.datasets.pipeline import _link_key
    key = b"k" * 32
    assert _link_key(key, "Blå Katt 7") == _link_key(key, " blå  katt 7 ") != _link_key(b"x" * 32, "Blå Katt 7")


def test_the_real_parent_questionnaire_exports_to_every_format(tmp_path):
    import random
    from .synthetic import plausible_answers
    parent = real_definition("parent")
    rng = random.Random(4)
    records = [record(questionnaire="parent", language=rng.choice(["sv", "ar"]), answers=plausible_answers(parent, rng))
               for _ in range(80)]
    result = export(chunked(records), {1: parent}, ExportOptions(seed=1, bundle_formats=("csv", "sav", "dta", "parquet")),
                    tmp_path, "zip", languages=real_languages())
    bundle = zipfile.ZipFile(result.paths[0])
    with bundle.open("parent-anonymized.sav") as f:
        (tmp_path / "p.sav").write_bytes(f.read())
    back, meta = pyreadstat.read_sav(str(tmp_path / "p.sav"))
    assert {"psoc_total", "psoc_total_n", "collective_efficacy", "psoc_01"} <= set(back.columns)
    assert len(back) == result.rows
    codebook = pd.read_csv(bundle.open("codebook.csv"), keep_default_na=False)
    assert list(codebook["name"]) == list(back.columns)
