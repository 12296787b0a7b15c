"""Responses submitted through the API come back, through `flask export` and the API route, in every
format, read by independent readers (pandas, pyreadstat, pyarrow): the same values, the questionnaire's
variable labels and value labels."""
from __future__ import annotations

import json
import zipfile
from collections import Counter

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from .conftest import bearer

COMPARED = ["day_face", "can_solve", "visits", "come_back", "se_a", "se_b", "se_c"]


def submitted_rows(answers: list[dict]) -> Counter:
    return Counter(tuple(int(a[v]) for v in COMPARED) + tuple(int(k in a["activities"]) for k in ("sport", "music", "homework"))
                   for a in answers)


def exported_rows(frame: pd.DataFrame) -> Counter:
    columns = COMPARED + ["activities_sport", "activities_music", "activities_homework"]
    return Counter(tuple(int(v) for v in row) for row in frame[columns].itertuples(index=False))


def cli_export(runner, tmp_path, format: str, *extra: str):
    out = tmp_path / format
    result = runner.invoke(args=["export", "summer", "--format", format, "--out", str(out), "--quiet", *extra])
    assert result.exit_code == 0, result.output
    files = [p for p in out.iterdir()]
    assert len(files) == 1
    return files[0], result.output


def test_csv_through_the_cli_has_the_submitted_values(answered, runner, tmp_path):
    path, _ = cli_export(runner, tmp_path, "csv")
    assert exported_rows(pd.read_csv(path)) == submitted_rows(answered)


def test_excel_csv_through_the_cli_has_the_submitted_values(answered, runner, tmp_path):
    path, _ = cli_export(runner, tmp_path, "excel-csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert exported_rows(frame) == submitted_rows(answered)


def test_spss_file_through_the_cli_has_values_variable_labels_and_value_labels(answered, runner, tmp_path):
    path, _ = cli_export(runner, tmp_path, "sav")
    frame, meta = pyreadstat.read_sav(str(path))
    assert exported_rows(frame) == submitted_rows(answered)
    assert meta.column_names_to_labels["day_face"] == "Hur har dagen varit?"
    assert meta.column_names_to_labels["can_solve"] == "Jag kan lösa de flesta problem om jag anstränger mig."
    assert meta.variable_value_labels["day_face"] == {1: "Inte så bra", 2: "Okej", 3: "Bra", 4: "Jättebra"}
    assert meta.variable_value_labels["come_back"] == {1: "Ja", 0: "Nej"}


def test_stata_file_through_the_cli_has_values_variable_labels_and_value_labels(answered, runner, tmp_path):
    path, _ = cli_export(runner, tmp_path, "dta")
    frame, meta = pyreadstat.read_dta(str(path))
    assert exported_rows(frame) == submitted_rows(answered)
    assert meta.column_names_to_labels["visits"] == "Hur många dagar i veckan är du här?"
    assert meta.variable_value_labels["se_a"][4] == "Stämmer helt"


def test_parquet_through_the_cli_keeps_values_and_labels(answered, runner, tmp_path):
    path, _ = cli_export(runner, tmp_path, "parquet")
    assert exported_rows(pd.read_parquet(path)) == submitted_rows(answered)
    field = pq.read_schema(path).field("day_face")
    assert json.loads(field.metadata[b"label"])["ar"] == "كيف كان يومك؟"
    assert json.loads(field.metadata[b"value_labels"])["4"]["sv"] == "Jättebra"


def test_the_zip_bundle_through_the_cli_holds_data_codebook_and_report(answered, runner, tmp_path):
    path, _ = cli_export(runner, tmp_path, "zip")
    bundle = zipfile.ZipFile(path)
    assert {"codebook.csv", "codebook.html", "anonymization_report.md", "allkinds-anonymized.sav"} <= set(bundle.namelist())
    frame = pd.read_csv(bundle.open("allkinds-anonymized.csv"))
    assert exported_rows(frame) == submitted_rows(answered)
    assert json.loads(bundle.read("anonymization_report.json"))["k_reached"] >= 5


def test_the_cli_prints_the_anonymization_report(answered, runner, tmp_path):
    _, output = cli_export(runner, tmp_path, "csv")
    assert "Anonymization report: allkinds" in output and "k asked / reached | 5 / 12" in output
    assert "Written:" in output and "(12 rows)" in output


def test_free_text_is_left_out_unless_asked_and_then_scrubbed(answered, runner, tmp_path):
    without, _ = cli_export(runner, tmp_path / "a", "csv")
    assert "sport_kind" not in pd.read_csv(without)
    scrubbed, _ = cli_export(runner, tmp_path / "b", "csv", "--free-text")
    texts = set(pd.read_csv(scrubbed)["sport_kind"].dropna())
    assert texts == {"fotboll, ring [telefon]"}


@pytest.mark.parametrize("format", ["csv", "sav"])
def test_the_api_answers_the_file_with_the_submitted_values(answered, client, token_for, tmp_path, format):
    _user, secret = token_for("researcher")
    reply = client.get("/api/v1/collections/summer/export." + format, headers=bearer(secret))
    assert reply.status_code == 200, reply.data[:300]
    assert reply.headers["X-Export-Rows"] == "12"
    path = tmp_path / f"d.{format}"
    path.write_bytes(reply.data)
    frame = pd.read_csv(path) if format == "csv" else pyreadstat.read_sav(str(path))[0]
    assert exported_rows(frame) == submitted_rows(answered)


def test_the_api_export_of_stata_keeps_the_labels(answered, client, token_for, tmp_path):
    _user, secret = token_for("researcher")
    reply = client.get("/api/v1/collections/summer/export.dta", headers=bearer(secret))
    (tmp_path / "d.dta").write_bytes(reply.data)
    frame, meta = pyreadstat.read_dta(str(tmp_path / "d.dta"))
    assert exported_rows(frame) == submitted_rows(answered)
    assert meta.column_names_to_labels["come_back"] == "Vill du komma tillbaka?"
