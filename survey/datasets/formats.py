"""Every file format written from the one anonymized frame: CSV, Excel CSV, SPSS, Stata, Parquet, ZIP.

CSV cells of text that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
get a leading apostrophe (OWASP "CSV injection"); numbers stay numbers, so -9 is still -9.
SPSS and Stata get labels in one language (`label_language`); string codes with value labels are
recoded to 1..n there, because both keep value labels on numbers only. "Don't know" codes become
user-missing in SPSS and extended missing (.a, .b, ...) in Stata, labelled as before.
"""
from __future__ import annotations

import io
import itertools
import json
import math
import tempfile
import zipfile
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

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
    out = frame.copy()
    for column in columns:
        if column.storage == "string":
            out[column.name] = _safe_text(out[column.name])
    return out


def _safe_text(series: pd.Series) -> pd.Series:
    # .str gives NaN for anything not a string, so only text cells change, as before
    formula = series.str.startswith(FORMULA_STARTS, na=False)
    if formula.any():
        series = series.mask(formula, "'" + series[formula])
    carriage = series.str.contains("\r", regex=False, na=False)
    if carriage.any():
        series = series.mask(carriage, series[carriage].str.replace("\r\n", "\n", regex=False)
                             .str.replace("\r", "\n", regex=False))
    return series


CSV_DIALECTS = {"csv": {"encoding": "utf-8", "sep": ",", "decimal": ".", "lineterminator": "\n"},
                # for Excel with Swedish settings: BOM, semicolons, decimal comma, CRLF
                "excel_csv": {"encoding": "utf-8-sig", "sep": ";", "decimal": ",", "lineterminator": "\r\n"}}


def write_csv_frames(frames: Iterable[pd.DataFrame], columns: list[Column], path: Path, dialect: str = "csv") -> None:
    """Frames appended one after another under one header: the same bytes as one frame written at once,
    and the same bytes pandas' `to_csv` writes (tests/datasets/test_formats.py compares them)."""
    options = CSV_DIALECTS[dialect]
    with open(path, "w", encoding=options["encoding"], newline="") as stream:
        stream.write(options["sep"].join(c.name for c in columns) + options["lineterminator"])
        for frame in frames:
            for start in range(0, len(frame), CSV_BLOCK):   # the text of a block at a time
                stream.write(csv_rows(frame.iloc[start:start + CSV_BLOCK], columns, dialect, neutralize=True))


CSV_BLOCK = 10_000


def csv_rows(frame: pd.DataFrame, columns: list[Column], dialect: str = "csv", *, neutralize: bool = False) -> str:
    """The rows of `frame` as CSV text (no header), formatted as pandas' `to_csv` formats them, but
    column by column in Arrow's compute kernels: `to_csv` formats cell by cell, and took longer than
    everything else in an export together. `neutralize`: text cells as `neutralize_formulas` makes them."""
    if len(frame) == 0:
        return ""
    options = CSV_DIALECTS[dialect]
    sep, end = options["sep"], options["lineterminator"]
    special = _special(dialect)
    parts = []
    for column in columns:
        series = frame[column.name]
        if column.storage == "string" or series.dtype == object:
            parts.append(_text_cells(_arrow_text(series), neutralize, special))
        elif pd.api.types.is_integer_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            parts.append(pa.array(series.astype("Int64")).cast(pa.string()))
        else:
            parts.append(_float_text(series.to_numpy(dtype=np.float64, na_value=np.nan), options["decimal"]))
    return _joined_lines(parts, sep, end).as_py() + end


def _special(dialect: str) -> str:
    """The characters that make Python's csv module (QUOTE_MINIMAL) quote a field: the separator, a
    quote, a character of the line terminator."""
    options = CSV_DIALECTS[dialect]
    chars = dict.fromkeys(options["sep"] + '"' + options["lineterminator"])
    return "[" + "".join(chars).replace("\r", "\\r").replace("\n", "\\n") + "]"


def _text_cells(text: pa.Array, neutralize: bool, special: str) -> pa.Array:
    """Text as CSV cells: each distinct text formatted once (most text columns hold a few values)."""
    encoded = pc.dictionary_encode(text)
    if len(encoded.dictionary) * 2 < len(text):
        return _distinct_text_cells(encoded.dictionary, neutralize, special).take(encoded.indices)
    return _distinct_text_cells(text, neutralize, special)


def _distinct_text_cells(text: pa.Array, neutralize: bool, special: str) -> pa.Array:
    if neutralize:
        text = _safe_arrow_text(text)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(text, special), quoted, text)


def _joined_lines(parts: list[pa.Array], sep: str, end: str) -> pa.Scalar:
    """The cells joined into lines and the lines into one string, by Arrow (no Python string per line)."""
    lines = pc.binary_join_element_wise(*parts, sep, null_handling="replace", null_replacement="")
    block = pa.ListArray.from_arrays(pa.array([0, len(lines)], type=pa.int32()), lines)
    return pc.binary_join(block, end)[0]


def write_csv_blocks(blocks: Iterable[Mapping[str, np.ndarray]], columns: list[Column], whole: Mapping[str, bool],
                     path: Path, dialect: str = "csv") -> None:
    """`write_csv_frames` straight from the export's blocks of arrays (float64 numbers, object text):
    the same bytes as the typed frames written by `write_csv_frames` (tests/datasets/test_one_reading.py),
    without building them. `whole`: numeric columns written as whole numbers (Int64 in a frame)."""
    options = CSV_DIALECTS[dialect]
    sep, end, decimal = options["sep"], options["lineterminator"], options["decimal"]
    special = _special(dialect)
    end_bytes = end.encode()
    with open(path, "wb") as stream:
        stream.write((sep.join(c.name for c in columns) + end).encode(options["encoding"]))
        for block in blocks:
            size = len(next(iter(block.values()))) if block else 0
            for start in range(0, size, CSV_BLOCK):
                parts: list = []       # text arrays, and a list for each run of adjacent whole-number columns
                for column in columns:
                    values = block[column.name][start:start + CSV_BLOCK]
                    if column.storage == "string" or values.dtype == object:
                        parts.append(_text_cells(_arrow_text(values), True, special))
                    elif whole.get(column.name):
                        if not parts or not isinstance(parts[-1], list):
                            parts.append([])
                        parts[-1].append(values)
                    else:
                        parts.append(_float_text(values, decimal))
                runs = [part for part in parts if isinstance(part, list)]
                looked_up = iter(_whole_cells(runs, sep))
                parts = [text for part in parts
                         for text in ([text for _, text in next(looked_up)] if isinstance(part, list) else [part])]
                stream.write(_joined_lines(parts, sep, end).as_buffer())
                stream.write(end_bytes)


WHOLE_LOOKUP_MAX = 1000   # whole numbers spanning at most this many values are looked up, not formatted
WHOLE_GROUP_MAX = 1024    # texts in the table of one group of adjacent columns looked up together


def _whole_cells(runs: list[list[np.ndarray]], sep: str) -> list[list[tuple[int, pa.Array]]]:
    """Runs of adjacent columns of whole numbers held as float64 (NaN: missing) as CSV text: per run,
    (columns, text) pairs in order, each text array holding the cells of that many adjacent columns
    of the run joined by `sep` (a missing cell empty, as the line joiner writes a null; a column
    alone has null there).

    Most such columns are codes and 0/1 options that span a few values, so each value's text is made
    once and looked up by position; and as a few adjacent columns take few combinations of values,
    the texts of whole combinations ("4,2,5") are looked up at once while the table stays under
    WHOLE_GROUP_MAX texts: three Likert items to one cell, which leaves a third of the cells for
    the lookup and the line joiner (writing a 10k export's CSV, its blocks in memory: 24 ms
    instead of 34, best of 15).
    Every group's positions go into one table of texts, taken by one call of Arrow's `take`. A
    column spanning more than WHOLE_LOOKUP_MAX values, or holding an infinity, is formatted cell by
    cell, alone."""
    if not runs:
        return []
    size = len(runs[0][0])
    out: list[tuple[int, pa.Array] | None] = []     # for all runs, in order; None: looked up below
    ends: list[int] = []                            # where each run's entries end in `out`
    groups: list[list[tuple[np.ndarray, np.ndarray, int, int]]] = []   # (values, missing, lowest, values spanned)
    pending: list = []
    pending_texts = 1

    def close() -> None:
        nonlocal pending, pending_texts
        if pending:
            groups.append(pending)
            out.append(None)     # filled from the lookup below
        pending, pending_texts = [], 1

    for values in (values for run in runs for values in run + [None]):
        if values is None:      # the run's end
            close()
            ends.append(len(out))
            continue
        missing = np.isnan(values)
        lowest, highest = np.fmin.reduce(values, initial=np.inf), np.fmax.reduce(values, initial=-np.inf)
        if missing.all():
            lowest = highest = 0.0
        if not (np.isfinite(lowest) and np.isfinite(highest)) or highest - lowest > WHOLE_LOOKUP_MAX:
            close()
            out.append((1, pa.array(np.where(missing, 0, values).astype(np.int64), mask=missing).cast(pa.string())))
            continue
        spanned = int(highest) - int(lowest) + 1
        if pending_texts * (spanned + 1) > WHOLE_GROUP_MAX:
            close()
        pending.append((values, missing, int(lowest), spanned))
        pending_texts *= spanned + 1

    table: list[str | None] = []
    starts: dict[tuple, int] = {}       # the group's (lowest, spanned) per column -> where its texts begin in `table`
    positions = np.empty((len(groups), size), dtype=np.int32)
    for row, members in enumerate(groups):
        key = tuple((lowest, spanned) for _, _, lowest, spanned in members)
        if key not in starts:
            starts[key] = len(table)
            if len(members) == 1:
                lowest, spanned = key[0]
                table += [str(i) for i in range(lowest, lowest + spanned)] + [None]    # the last: missing
            else:
                texts = [[str(i) for i in range(lowest, lowest + spanned)] + [""] for lowest, spanned in key]
                table += map(sep.join, itertools.product(*texts))
        at = None
        with np.errstate(invalid="ignore"):      # NaN turned into a position, then set below
            for values, missing, lowest, spanned in members:
                place = np.subtract(values, lowest).astype(np.int32)
                place[missing] = spanned
                # the first column varies slowest in itertools.product
                at = place if at is None else at * (spanned + 1) + place
        np.add(at, starts[key], out=positions[row])
    if groups:
        texts = pa.array(table, type=pa.string()).take(positions.reshape(-1))
        found = iter(range(len(groups)))
        for i, entry in enumerate(out):
            if entry is None:
                row = next(found)
                out[i] = (len(groups[row]), texts.slice(row * size, size))
    return [out[low:high] for low, high in zip([0] + ends, ends)]


def _safe_arrow_text(text: pa.Array) -> pa.Array:
    """`_safe_text` in Arrow: a leading apostrophe before a formula, every CR made a line feed."""
    formula = pc.match_substring_regex(text, "^[=+\\-@\\t\\r]")
    text = pc.if_else(formula, pc.binary_join_element_wise("'", text, ""), text)
    return pc.replace_substring(pc.replace_substring(text, "\r\n", "\n"), "\r", "\n")


def _arrow_text(series: pd.Series | np.ndarray) -> pa.Array:
    values = series.to_numpy(dtype=object) if isinstance(series, pd.Series) else np.asarray(series, dtype=object)
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):   # something not a string: written as str() writes it
        return pa.array([None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
                         for v in values], type=pa.string())


def _float_text(values: np.ndarray, decimal: str) -> pa.Array:
    """Floats as Python's repr writes them (4.0, 2.6666666666666665, 1e-05), missing as null.

    Such columns are mostly scale scores, means of a few answers that take a few dozen values: each
    distinct value is written by repr once and looked up (half the time of formatting every cell
    in Arrow and correcting where Arrow writes otherwise than repr). Columns of many distinct
    values, and a negative zero (which numpy counts as zero), are formatted cell by cell."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) and not (np.signbit(values) & (values == 0)).any():
        distinct, inverse = np.unique(values, return_inverse=True)
        if len(distinct) * 4 <= len(values):
            texts = [None if value != value else repr(value).replace(".", decimal) for value in distinct.tolist()]
            return pa.array(texts, type=pa.string()).take(inverse.reshape(-1).astype(np.int32))
    return _float_cells(values, decimal)


def _float_cells(values: np.ndarray, decimal: str) -> pa.Array:
    """`_float_text` cell by cell (float64 values): formatted by Arrow, and by repr where Arrow writes otherwise."""
    text = pa.array(values, from_pandas=True).cast(pa.string())
    with np.errstate(invalid="ignore"):
        size = np.abs(values)
        # Arrow switches to an exponent at other sizes than repr (repr: below 1e-4 and from 1e16; Arrow:
        # from about 1e10 when that is shorter): those values are written by repr itself, with a margin
        odd = ((size < 1e-3) & (size > 0)) | (size >= 1e9)
        # and Arrow writes 4.0 as "4"
        whole = (values == np.trunc(values)) & (size < 1e9)
    if whole.any():
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, ".0", ""), text)
    odd = np.flatnonzero(odd & np.isfinite(values))
    if len(odd):
        texts = text.to_pylist()
        for i in odd.tolist():
            texts[i] = repr(float(values[i]))
        text = pa.array(texts, type=pa.string())
    if decimal != ".":
        text = pc.replace_substring(text, ".", decimal)
    return text


def write_csv(dataset: Dataset, path: Path) -> None:
    write_csv_frames([dataset.frame], dataset.columns, path)


def write_excel_csv(dataset: Dataset, path: Path) -> None:
    """For Excel with Swedish settings: BOM, semicolons, decimal comma, CRLF."""
    write_csv_frames([dataset.frame], dataset.columns, path, "excel_csv")


# -- SPSS and Stata ------------------------------------------------------------------------------------
def _statistical(dataset: Dataset, lang: str):
    """The frame with labelled string codes recoded to 1..n, and the labels per column."""
    data, value_labels, missing = _statistical_columns({c.name: dataset.frame[c.name] for c in dataset.columns},
                                                       dataset.columns, lang)
    return pd.DataFrame(data, index=dataset.frame.index), value_labels, missing


def _statistical_columns(columns_data: Mapping[str, pd.Series | np.ndarray], columns: list[Column], lang: str):
    """`_statistical` over columns given as series or arrays: float64 series for numbers and labelled
    codes, object series (None for missing) for text; the labels and missing codes per column."""
    data: dict[str, pd.Series] = {}
    recodes, value_labels, missing = _statistical_labels(columns, lang)
    for column in columns:
        series = columns_data[column.name]
        if not isinstance(series, pd.Series):
            series = pd.Series(series, dtype=object if column.storage == "string" else None)
        if column.name in recodes:
            data[column.name] = pd.Series(_recoded(series.to_numpy(dtype=object), recodes[column.name]),
                                          index=series.index)
        elif column.storage == "string":
            data[column.name] = series.astype(object).where(series.notna(), None)
        else:
            data[column.name] = pd.to_numeric(series, errors="coerce").astype("float64")
    return data, value_labels, missing


def _statistical_labels(columns: list[Column], lang: str):
    """Per column: the recoding of labelled string codes to 1..n (by column name), the value labels
    and the missing codes, as SPSS and Stata get them (numbers only; columns without any left out)."""
    recodes: dict[str, dict] = {}
    value_labels: dict[str, dict] = {}
    missing: dict[str, list] = {}
    for column in columns:
        if column.storage == "string" and column.value_labels:
            codes = {code: float(i) for i, code in enumerate(column.value_labels, 1)}
            recodes[column.name] = codes
            value_labels[column.name] = {float(i): label_in(column.value_labels[code], lang) for code, i in codes.items()}
            missing[column.name] = [float(codes[c]) for c in column.missing_codes if c in codes]
        elif column.storage != "string":
            if column.value_labels:
                value_labels[column.name] = {float(code): label_in(text, lang) for code, text in column.value_labels.items()
                                             if isinstance(code, (int, float))}
            missing[column.name] = [float(c) for c in column.missing_codes if isinstance(c, (int, float))]
    return recodes, value_labels, {k: v for k, v in missing.items() if v}


def write_sav(dataset: Dataset, path: Path, label_language: str = "sv") -> None:
    import pyreadstat   # here, not on top: a CSV export need not load it (a tenth of a second)
    frame, value_labels, missing = _statistical(dataset, label_language)
    pyreadstat.write_sav(frame, str(path), **_sav_dictionary(dataset.columns, _file_label(dataset), label_language,
                                                              value_labels, missing))


def _sav_dictionary(columns: list[Column], file_label: str, lang: str, value_labels: dict, missing: dict) -> dict:
    return dict(file_label=file_label, column_labels={c.name: c.text(lang)[:SPSS_LABEL_MAX] for c in columns},
                variable_value_labels=value_labels, missing_ranges=missing,
                variable_measure={c.name: c.measure for c in columns})


SAV_CASES_AT = 80          # the int32 case count in an SPSS system file's header ($FL2 record)
SAV_SLOTS_AT = 68          # the int32 number of 8-byte slots a case takes
SAV_SYSMIS = -np.finfo(np.float64).max
SAV_SHORT_STRING = 255     # longer strings are split into segments in the dictionary: written whole instead


def write_sav_blocks(blocks: Iterable[Mapping[str, np.ndarray]], columns: list[Column], file_label: str,
                     text_bytes: Mapping[str, int], path: Path, label_language: str = "sv") -> bool:
    """An SPSS .sav file written a block of rows at a time, so memory does not grow with the rows.
    pyreadstat writes only whole frames, so it writes the dictionary (labels, value labels, missing
    values, measures, string widths) from one row of the final types and widths, uncompressed; that
    row is cut off, the data are appended block by block in the uncompressed layout (per case, 8 bytes
    per slot: float64 little-endian with SYSMIS for missing, text space-padded to the width rounded up
    to 8), and the case counts are set (the header's, and the 64-bit one of extension record 7.16). Read back, it equals `write_sav` on the whole frame
    (tests/datasets/test_sav_blocks.py). `text_bytes`: each text column's longest value in UTF-8 bytes.
    Returns False, writing nothing, when a text is longer than SPSS's short strings: `write_sav` then."""
    import pyreadstat
    recodes, value_labels, missing = _statistical_labels(columns, label_language)
    # text stays text unless its codes are recoded to numbers
    widths = {c.name: max(1, int(text_bytes.get(c.name, 0))) for c in columns
              if c.storage == "string" and c.name not in recodes}
    if any(width > SAV_SHORT_STRING for width in widths.values()):
        return False
    # numpy arrays, not a Series each: building 91 one-row Series took 8-12 ms, the arrays 1.5 (same file).
    # Numbers 0, not missing: pyreadstat drops the nulls of every column that has any before looking at
    # its type, a third of its time for this one row, and the row is cut off below; the dictionary came
    # out the same byte for byte (compared by hand; tests/datasets/test_sav_blocks.py reads it all back)
    header = pd.DataFrame({c.name: np.array(["x" * widths[c.name]], dtype=object) if c.name in widths
                           else np.zeros(1) for c in columns})
    pyreadstat.write_sav(header, str(path), **_sav_dictionary(columns, file_label, label_language, value_labels, missing))
    layout = [(c.name, f"S{8 * -(-widths[c.name] // 8)}" if c.name in widths else "<f8") for c in columns]
    record = np.dtype([(f"c{i}", kind) for i, (_, kind) in enumerate(layout)])
    with open(path, "r+b") as f:
        f.seek(SAV_SLOTS_AT)
        slots = int(np.frombuffer(f.read(4), "<i4")[0])
        size = f.seek(0, 2)
        if slots * 8 != record.itemsize:
            raise RuntimeError(f"pyreadstat laid out {slots} slots a case, {record.itemsize // 8} expected")
        start = size - record.itemsize                    # the one case written with the dictionary
        f.seek(start - 8)
        if tuple(np.frombuffer(f.read(8), "<i4")) != (999, 0):   # the dictionary's end record
            raise RuntimeError("the .sav dictionary does not end where expected (compressed?)")
        f.seek(0)
        # the 64-bit case count too: extension record 7, subtype 16 (8-byte fields, 2 of them: 1, cases)
        marker = np.array([7, 16, 8, 2], dtype="<i4").tobytes() + np.array([1], dtype="<i8").tobytes()
        found = f.read(start).find(marker)
        cases_64 = found + len(marker) if found >= 0 else None
        f.truncate(start)
        f.seek(start)
        text_spans = [(record.fields[f"c{i}"][1], record.fields[f"c{i}"][1] + record.fields[f"c{i}"][0].itemsize)
                      for i, (name, _) in enumerate(layout) if name in widths]
        cases = 0
        for block in blocks:
            n = len(next(iter(block.values()))) if block else 0
            if n == 0:
                continue
            rows = np.empty(n, dtype=record)
            for i, (name, kind) in enumerate(layout):
                values = block[name]
                if name in widths:
                    # each distinct text encoded once (most text columns hold a few values)
                    codes, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
                    encoded = [str(v).encode() for v in distinct] + [b""]   # the last: missing
                    if max(map(len, encoded)) > widths[name]:
                        raise ValueError(f"a value of {name} is longer than the {widths[name]} bytes counted")
                    rows[f"c{i}"] = np.array(encoded, dtype=kind)[codes]   # -1 (missing) takes the last
                else:
                    numbers = _sav_numbers(values, recodes.get(name))
                    rows[f"c{i}"] = np.where(np.isnan(numbers), SAV_SYSMIS, numbers)
            raw = rows.view(np.uint8).reshape(n, record.itemsize)
            for low, high in text_spans:   # numpy pads bytes with NUL, SPSS with spaces
                part = raw[:, low:high]
                part[part == 0] = 32
            f.write(rows.tobytes())
            cases += n
        f.seek(SAV_CASES_AT)
        f.write(np.array([cases if cases < 2 ** 31 else -1], dtype="<i4").tobytes())
        if cases_64 is not None:
            f.seek(cases_64)
            f.write(np.array([cases], dtype="<i8").tobytes())
    return True


def _recoded(values: np.ndarray, recode: dict) -> np.ndarray:
    """Labelled string codes as their numbers 1..n (float64; missing or unlabelled: NaN), each
    distinct code looked up once."""
    codes, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    lookup = np.array([recode.get(v, np.nan) for v in distinct] + [np.nan], dtype=np.float64)
    return lookup[codes]   # -1 (missing) takes the last


def _sav_numbers(values: np.ndarray, recode: dict | None) -> np.ndarray:
    """A block's column as float64 (NaN: missing), as `_statistical_columns` makes it, without a
    pandas Series per column and block: labelled codes recoded, numbers as they are, anything else
    through pandas."""
    if recode is not None:
        return _recoded(values, recode)
    if isinstance(values, np.ndarray) and values.dtype == np.float64:
        return values
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def write_dta(dataset: Dataset, path: Path, label_language: str = "sv") -> None:
    """Stata 14+ format (release 118, Unicode)."""
    import pyreadstat
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
    return file_label(dataset.questionnaire, dataset.report)


def file_label(questionnaire: str, report) -> str:
    kind = "PSEUDONYMIZED" if report.pseudonymized else f"anonymized, k={report.k_reached}"
    return f"{questionnaire} ({kind})"


# -- Parquet --------------------------------------------------------------------------------------------
def write_parquet(dataset: Dataset, path: Path) -> None:
    write_parquet_frames([dataset.frame], dataset.columns, dataset.report, path)


def write_parquet_frames(frames: Iterable[pd.DataFrame], columns: list[Column], report, path: Path) -> None:
    """Labels travel in the schema: field metadata `label`, `value_labels`, `measure`, `missing_codes` (JSON).
    One row group per frame; text columns are typed as text even where a frame has none."""
    writer = schema = None
    try:
        for frame in frames:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if schema is None:
                schema = _parquet_schema(table, columns, report)
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(table.cast(schema))
    finally:
        if writer is not None:
            writer.close()


def _parquet_schema(table: pa.Table, columns: list[Column], report) -> pa.Schema:
    fields = []
    for field_, column in zip(table.schema, columns):
        fields.append(pa.field(field_.name, pa.string() if column.storage == "string" else field_.type).with_metadata({
            "label": json.dumps(column.label, ensure_ascii=False),
            "value_labels": json.dumps({str(k): v for k, v in column.value_labels.items()}, ensure_ascii=False),
            "measure": column.measure,
            "missing_codes": json.dumps(list(column.missing_codes), ensure_ascii=False),
        }))
    return pa.schema(fields, metadata={**(table.schema.metadata or {}),
                                       b"survey.report": json.dumps(report.to_dict(), ensure_ascii=False).encode()})


STREAMED = ("csv", "excel_csv", "parquet")


def write_frames(frames: Iterable[pd.DataFrame], columns: list[Column], report, format: str, path: Path) -> None:
    """The formats written a frame at a time, so memory does not grow with the rows."""
    if format == "parquet":
        write_parquet_frames(frames, columns, report, path)
    else:
        write_csv_frames(frames, columns, path, format)


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
