"""Every file format written from the one anonymized frame: CSV, Excel CSV, SPSS, Stata, Parquet, ZIP.

CSV cells of text that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
get a leading apostrophe (OWASP "CSV injection"); numbers stay numbers, so -9 is still -9.
SPSS and Stata get labels in one language (`label_language`); string codes with value labels are
recoded to 1..n there, because both keep value labels on numbers only. "Don't know" codes become
user-missing in SPSS and extended missing (.a, .b, ...) in Stata, labelled as before.
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat

from .codebook import codebook_csv, codebook_html
from .columns import Column, label_in
from .pipeline import Dataset

EXTENSIONS = {"csv": ".csv", "excel_csv": ".csv", "sav": ".sav", "dta": ".dta", "parquet": ".parquet", "zip": ".zip"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATA_LABEL_MAX = 80
SPSS_LABEL_MAX = 256
ZIP_TIME = (1980, 1, 1, 0, 0, 0)   # fixed, so the same data give the same bundle byte for byte


def write(dataset: Dataset, format: str, path: Path, *, bundle_formats=("csv", "sav", "dta"),
          languages: Mapping | None = None, label_language: str = "sv") -> Path:
    path = Path(path)
    if format == "zip":
        write_zip(dataset, path, bundle_formats, languages=languages, label_language=label_language)
    elif format in ("sav", "dta"):
        WRITERS[format](dataset, path, label_language)
    else:
        WRITERS[format](dataset, path)
    return path


# -- text ------------------------------------------------------------------------------------------
def neutralize_formulas(frame: pd.DataFrame, columns: list[Column]) -> pd.DataFrame:
    """Text cells safe for a spreadsheet: formulas defused, and a lone CR (which pandas leaves
    unquoted, so readers split the row there) turned into a line feed."""
    def safe(value):
        if not isinstance(value, str):
            return value
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
        return value.replace("\r\n", "\n").replace("\r", "\n")

    out = frame.copy()
    for column in columns:
        if column.storage == "string":
            out[column.name] = out[column.name].map(safe)
    return out


def write_csv(dataset: Dataset, path: Path) -> None:
    neutralize_formulas(dataset.frame, dataset.columns).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_excel_csv(dataset: Dataset, path: Path) -> None:
    """For Excel with Swedish settings: BOM, semicolons, decimal comma, CRLF."""
    neutralize_formulas(dataset.frame, dataset.columns).to_csv(
        path, index=False, encoding="utf-8-sig", sep=";", decimal=",", lineterminator="\r\n")


# -- SPSS and Stata ------------------------------------------------------------------------------------
def _statistical(dataset: Dataset, lang: str):
    """The frame with labelled string codes recoded to 1..n, and the labels per column."""
    frame = pd.DataFrame(index=dataset.frame.index)
    value_labels: dict[str, dict] = {}
    missing: dict[str, list] = {}
    for column in dataset.columns:
        series = dataset.frame[column.name]
        if column.storage == "string" and column.value_labels:
            codes = {code: i for i, code in enumerate(column.value_labels, 1)}
            frame[column.name] = [float(codes[v]) if v in codes else None for v in series]
            value_labels[column.name] = {float(i): label_in(column.value_labels[code], lang) for code, i in codes.items()}
            missing[column.name] = [float(codes[c]) for c in column.missing_codes if c in codes]
        elif column.storage == "string":
            frame[column.name] = series.astype(object).where(series.notna(), None)
        else:
            frame[column.name] = pd.to_numeric(series, errors="coerce").astype("float64")
            if column.value_labels:
                value_labels[column.name] = {float(code): label_in(text, lang) for code, text in column.value_labels.items()
                                             if isinstance(code, (int, float))}
            missing[column.name] = [float(c) for c in column.missing_codes if isinstance(c, (int, float))]
    return frame, value_labels, {k: v for k, v in missing.items() if v}


def write_sav(dataset: Dataset, path: Path, label_language: str = "sv") -> None:
    frame, value_labels, missing = _statistical(dataset, label_language)
    pyreadstat.write_sav(
        frame, str(path), file_label=_file_label(dataset),
        column_labels={c.name: c.text(label_language)[:SPSS_LABEL_MAX] for c in dataset.columns},
        variable_value_labels=value_labels, missing_ranges=missing,
        variable_measure={c.name: c.measure for c in dataset.columns})


def write_dta(dataset: Dataset, path: Path, label_language: str = "sv") -> None:
    """Stata 14+ format (release 118, Unicode)."""
    frame, value_labels, missing = _statistical(dataset, label_language)
    extended: dict[str, list[str]] = {}
    for name, codes in missing.items():
        letters = {code: chr(ord("a") + i) for i, code in enumerate(codes[:26])}
        frame[name] = pd.Series([letters.get(v, v) if pd.notna(v) else None for v in frame[name]], dtype=object)
        labels = value_labels.get(name, {})
        value_labels[name] = {letters.get(code, code): text for code, text in labels.items()}
        extended[name] = list(letters.values())
    pyreadstat.write_dta(
        frame, str(path), file_label=_file_label(dataset)[:STATA_LABEL_MAX], version=14,
        column_labels={c.name: c.text(label_language)[:STATA_LABEL_MAX] for c in dataset.columns},
        variable_value_labels=value_labels, missing_user_values=extended)


def _file_label(dataset: Dataset) -> str:
    kind = "PSEUDONYMIZED" if dataset.report.pseudonymized else f"anonymized, k={dataset.report.k_reached}"
    return f"{dataset.questionnaire} ({kind})"


# -- Parquet --------------------------------------------------------------------------------------------
def write_parquet(dataset: Dataset, path: Path) -> None:
    """Labels travel in the schema: field metadata `label`, `value_labels`, `measure`, `missing_codes` (JSON)."""
    table = pa.Table.from_pandas(dataset.frame, preserve_index=False)
    fields = []
    for field_, column in zip(table.schema, dataset.columns):
        fields.append(field_.with_metadata({
            "label": json.dumps(column.label, ensure_ascii=False),
            "value_labels": json.dumps({str(k): v for k, v in column.value_labels.items()}, ensure_ascii=False),
            "measure": column.measure,
            "missing_codes": json.dumps(list(column.missing_codes), ensure_ascii=False),
        }))
    schema = pa.schema(fields, metadata={**(table.schema.metadata or {}),
                                         b"survey.report": json.dumps(dataset.report.to_dict(), ensure_ascii=False).encode()})
    pq.write_table(table.cast(schema), path)


# -- the bundle -----------------------------------------------------------------------------------------
README = """{title}

{status}

Files
- {data}: the data, one row per response, in random order (row_id is not a respondent id).
- codebook.csv / codebook.html: every column: wording in each language, value labels, missing
  codes, scales, questionnaire versions, translation status; Cronbach's alpha per scale.
- anonymization_report.md / .json: what was coarsened and suppressed, k reached, group sizes,
  l-diversity of sensitive items, free-text redactions.

Do not try to identify anyone, do not link this file with other data about the same people, and
do not publish tables with groups smaller than 10.
"""


def write_zip(dataset: Dataset, path: Path, formats=("csv", "sav", "dta"), *, languages=None, label_language="sv") -> None:
    unknown = set(formats) - (set(EXTENSIONS) - {"zip"})
    if unknown:
        raise ValueError(f"cannot bundle {sorted(unknown)}")
    base = f"{dataset.questionnaire}-{'pseudonymized' if dataset.report.pseudonymized else 'anonymized'}"
    entries: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for format in formats:
            name = f"{base}{'-excel' if format == 'excel_csv' else ''}{EXTENSIONS[format]}"
            target = Path(tmp) / name
            write(dataset, format, target, label_language=label_language)
            entries[name] = target.read_bytes()
    buffer = io.StringIO()
    codebook_csv(dataset, buffer)
    entries["codebook.csv"] = buffer.getvalue().encode("utf-8")
    entries["codebook.html"] = codebook_html(dataset, languages).encode("utf-8")
    entries["anonymization_report.md"] = dataset.report.to_markdown().encode("utf-8")
    entries["anonymization_report.json"] = json.dumps(dataset.report.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    entries["README.txt"] = README.format(title=f"Dataset: {dataset.questionnaire}", status=dataset.report.status,
                                          data=", ".join(n for n in entries if n.startswith(base))).encode("utf-8")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, entries[name])


WRITERS = {"csv": write_csv, "excel_csv": write_excel_csv, "sav": write_sav, "dta": write_dta,
           "parquet": write_parquet}
