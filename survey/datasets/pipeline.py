"""From response records to an anonymized, documented dataset: the whole export without Flask.

The caller hands over a callable yielding chunks of responses, each a list of ResponseRecord or one
RecordColumns (read once to build the rows, and a second time without answers, as a check, unless
each reading is one snapshot) and the questionnaire's definitions by version number. Raw background
answers and raw free text are never held for all rows at once: rows wait on disk with free text
already scrubbed and quasi-identifiers as one bare number, their combination of the distinct raw
values seen (the combinations and values themselves stay in memory), and they are generalized or
suppressed by the plan as the file is written.
"""
from __future__ import annotations

import gc
import hashlib
import hmac
import inspect
import itertools
import json
import math
import operator
import os
import tempfile
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc  # noqa: F401  (pa.ipc)

from survey.questionnaires.definition import Definition
from survey.questionnaires.items import ChoiceItem, Item, MultipleChoiceItem
from survey.questionnaires.scoring import score_and_count
from survey.questionnaires.variables import column_name

from . import anonymize
from .anonymize import MIN_K, ExportRefused
from .columns import Column
from .hierarchies import ItemQuasiIdentifier
from .layout import ExportError, Layout, build_layout, scale_column_names
from .records import Chunks, RecordColumns, as_columns
from .redact import redact
from .reliability import Alpha, AlphaAccumulator
from .report import AnonymizationReport

Progress = Callable[[str, int, "int | None"], None]   # (stage, done, total or None)
ALPHA_MIN_PER_LANGUAGE = 30


@dataclass(frozen=True)
class LinkKey:
    """Panel linking: an HMAC of the code a respondent chose, with a key that never leaves the server."""
    key: bytes = field(repr=False)
    code_item: str            # the item holding the respondent's own code; never exported itself

    def __post_init__(self):
        if len(self.key) < 16:
            raise ValueError("a link key needs at least 16 random bytes")


@dataclass(frozen=True)
class ExportOptions:
    k: int = 5
    suppression_cap: float = 0.05           # share of rows whose QI values may be suppressed
    free_text: bool = False                 # include free text, scrubbed and marked for manual review
    seed: int | None = None                 # row order and row ids; None: fresh randomness
    link: LinkKey | None = None             # makes the export pseudonymized, not anonymous
    activity_groups: Mapping[str, str] | None = None   # activity -> group, adds a level between activity and dropped
    coarsest: Mapping[str, str] | None = None          # QI -> coarsest level a researcher accepts
    label_language: str = "sv"              # variable and value labels in .sav and .dta
    bundle_formats: tuple[str, ...] = ("csv", "sav", "dta")

    def __post_init__(self):
        if self.k < MIN_K:
            raise ValueError(f"k={self.k} is too small: an export never goes below k={MIN_K}")
        if not 0 <= self.suppression_cap < 0.5:
            raise ValueError("the suppression cap is a share of rows, from 0 up to (not including) 0.5")

    def describe(self) -> dict:
        """What shaped the export, safe to write down: no seed, no key."""
        return {"k": self.k, "suppression_cap": self.suppression_cap, "free_text": self.free_text,
                "link_key": self.link is not None,
                "activity_groups": dict(sorted((self.activity_groups or {}).items())),
                "coarsest": dict(sorted((self.coarsest or {}).items()))}


@dataclass(frozen=True)
class ScaleReliability:
    scale: str
    overall: Alpha
    by_language: dict[str, Alpha]


@dataclass
class Dataset:
    questionnaire: str
    frame: pd.DataFrame
    columns: list[Column]
    report: AnonymizationReport
    reliability: dict[str, ScaleReliability]
    layout: Layout

    @property
    def languages(self) -> list[str]:
        return self.layout.languages


@dataclass(frozen=True)
class ExportResult:
    paths: list[Path]
    report: AnonymizationReport
    rows: int


def build_dataset(chunks: Chunks, definitions: Mapping[int, Definition], options: ExportOptions = ExportOptions(),
                  progress: Progress | None = None) -> Dataset:
    """The whole dataset as one frame (for tests, small exports and the formats written from a frame)."""
    with tempfile.TemporaryDirectory(prefix="survey-export-") as work, bulk_work():
        built = stream_dataset(chunks, definitions, options, progress, Path(work))
        return built.dataset()


@contextmanager
def bulk_work():
    """The cyclic garbage collector paused while an export runs. An export makes millions of short-lived
    dicts and lists (a dict of answers per response and pass) and holds a chunk of them at a time: the
    collector's passes over them took as long as reading the rows (benchmarks/README.md, "Exports").
    They hold no reference cycles, so reference counting frees them; the collector runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def stream_dataset(chunks: Chunks, definitions: Mapping[int, Definition], options: ExportOptions,
                   progress: Progress | None, work: Path, *, text_widths: bool = True) -> "StreamedDataset":
    """Read every response once, building its row as it comes; anonymize; check. The rows wait in
    `work`, spread over random buckets, until `StreamedDataset.frames()` hands them out in random
    order, a bucket at a time, with the anonymization applied to their quasi-identifiers then.

    The reading keeps each row's quasi-identifiers as raw codes (into the distinct values seen) and
    remembers a row only by its combination of those codes: the plan, the group count and the writing
    need no more, as every rule decides by the combination. What is kept for all rows is per
    combination (rows each, and rows per sensitive answer for l-diversity), bounded by the QIs'
    domains, so memory does not grow with the rows (issue 15). Each spilled row carries its
    combination's number. Before anything is written, the groups the file will have are counted and
    the export is refused below k.

    `text_widths`: measure each text column's longest value as the rows come (`text_bytes`), which
    only an SPSS file written a block at a time needs (its string widths come first); without it
    `text_bytes` is empty."""
    progress = progress or (lambda stage, done, total: None)
    layout = build_layout(definitions, options.activity_groups)
    qis = layout.quasi_identifiers
    if options.link and options.link.code_item not in layout.items:
        raise ExportError(f"The link code item {options.link.code_item!r} is not in the questionnaire.")

    builder = _ChunkBuilder(layout, _columns(layout, None, None, options), options)
    sensitive = {var: names for var, names in layout.sensitive.items() if all(name in builder.names for name in names)}
    # a row waits with its combination of raw QI codes: the plan decides per combination
    hidden = ["_combo", "_language"]
    spill = _Spill([c.name for c in builder.columns if c.storage == "numeric"] + hidden,
                   [c.name for c in builder.columns if c.storage == "string"], work)
    rng = np.random.default_rng(options.seed)

    # -- the one reading: rows built and spilled; kept for all rows: only their combinations ---------
    seen: list[dict] = [{} for _ in qis]
    combinations = _Combinations(len(qis))
    digests = [hashlib.blake2b(digest_size=32) for _ in qis]   # each QI's codes in reading order, for the check
    pairs = {var: _PairCounts() for var in sensitive}          # (combination, sensitive value) -> rows
    sensitive_seen: dict[str, dict] = {var: {} for var in sensitive}
    languages: dict[str, int] = {}
    widths = _Widths(options.k) if text_widths else None
    n = 0
    for chunk in map(as_columns, chunks()):
        _check_records(chunk, layout)
        size = len(chunk)
        qi_codes = [_encode(seen[position], qi.raws(chunk)) for position, qi in enumerate(qis)]
        for digest, coded in zip(digests, qi_codes):
            digest.update(coded.tobytes())
        combo = combinations.add(qi_codes, size)
        built = builder.build(chunk, combo)
        built["_combo"] = combo.astype(np.float64)
        built["_language"] = _encode(languages, chunk.language).astype(np.float64)
        for var, names in sensitive.items():
            pairs[var].add(combo, _literal_ids(sensitive_seen[var], [built[name] for name in names], size))
        if widths is not None:
            for name in spill.text:
                widths.add(name, built[name], combo)
        # each row's bucket drawn as it comes: one double per row, so the chunk size does not change it
        spill.add(built, (rng.random(size) * FANOUT).astype(np.int64))
        n += size
        progress("reading", n, None)
    spill.close()
    combo_codes, weights = combinations.arrays()
    plan = anonymize.plan_combinations(qis, {qi.name: list(seen[i]) for i, qi in enumerate(qis)}, combo_codes, weights,
                                       options.k, options.suppression_cap, options.coarsest)
    progress("anonymizing", n, n)

    # per QI: the final key of each distinct raw value (rare ones merged into "other")
    final_keys = [_final_keys(qi, list(seen[i]), plan) for i, qi in enumerate(qis)]
    suppressed = plan.suppressed                    # per combination, as everything from here on
    dropped = suppressed & plan.drop_suppressed
    keep = ~dropped
    kept_rows = int(weights[keep].sum())
    present = {qi.name: {final_keys[i][c] for c in np.unique(combo_codes[i][keep & ~suppressed]).tolist()}
               for i, qi in enumerate(qis)}
    columns = _columns(layout, plan, present, options)
    qi_cells = _QiCells(qis, plan, final_keys, columns)
    entries = qi_cells.entries(combo_codes, suppressed)   # per QI column: each combination's table entry
    if not getattr(chunks, "snapshot", False):
        _check_reading(chunks, layout, seen, digests, n, progress)

    # the groups of the file to be written, counted from the combinations before anything is written
    counter = anonymize.ClassCounter([c.name for c in columns if c.role == "quasi_identifier"], sensitive,
                                     qi_cells.tables)
    kept = np.flatnonzero(keep)
    kept_entries = {name: entry[kept] for name, entry in entries.items()}
    block = {name: qi_cells.tables[name][entry] for name, entry in kept_entries.items()}
    counter.add_classes(block or {"_": kept}, kept_entries, weights[kept])
    for var, names in sensitive.items():
        pair_combos, values, counts = pairs[var].arrays()
        rows = keep[pair_combos]
        pair_combos, values, counts = pair_combos[rows], values[rows], counts[rows]
        pair_entries = {name: entry[pair_combos] for name, entry in entries.items()}
        literals = [np.array([value[j] for value in sensitive_seen[var]] or [None], dtype=object)
                    for j in range(len(names))]
        block = {name: qi_cells.tables[name][entry] for name, entry in pair_entries.items()}
        block.update((name, literal[values]) for name, literal in zip(names, literals))
        counter.add_values(var, block, pair_entries, counts)
    progress("building", n, n)

    sizes = counter.sizes()
    k_reached = min(sizes) if sizes else 0
    if kept_rows < options.k or k_reached < options.k:
        raise ExportRefused(f"The finished dataset reached only k={k_reached} (asked {options.k}); nothing is written.")
    qi_columns = [c.name for c in columns if c.role == "quasi_identifier"]
    free_text_columns = tuple(c.name for c in columns if c.role == "free_text")
    report = AnonymizationReport(
        questionnaire=layout.questionnaire, versions=tuple(layout.definitions), k_target=options.k,
        k_reached=k_reached, rows_in=n, rows_out=kept_rows, rows_suppressed=plan.suppressed_rows,
        rows_dropped=plan.suppressed_rows if plan.drop_suppressed else 0, suppression_cap=options.suppression_cap,
        levels=plan.levels, merged_rare={name: len(keys) for name, keys in plan.rare.items()},
        quasi_identifier_columns=tuple(qi_columns),
        class_sizes=dict(sorted(Counter(sizes).items())),
        max_risk=round(1 / k_reached, 4), average_risk=round(len(sizes) / kept_rows, 4),
        l_diversity={var: counter.l_diversity(var) for var in counter.sensitive},
        redactions=dict(sorted(builder.redactions_kept(dropped).items())), free_text_columns=free_text_columns,
        pseudonymized=options.link is not None, nodes_searched=plan.nodes_searched, config=options.describe())
    integral = builder.integral_kept(dropped)
    integral.update(qi_cells.integral(combo_codes, suppressed, keep))
    text_bytes = {}
    if widths is not None:
        text_bytes = widths.kept(dropped)
        text_bytes.update(qi_cells.text_bytes(combo_codes, suppressed, keep))
    return StreamedDataset(layout.questionnaire, columns, report, None, layout, spill, rng, integral, kept_rows,
                           qi_cells, suppressed, dropped, entries, _Alphas(layout, builder.names), list(languages),
                           text_bytes)


class _Combinations:
    """The distinct combinations of raw QI codes met in the reading, numbered densely in order of
    appearance, and the rows each stands for. Every rule of the plan and of the group count depends on
    a row only through its combination, and combinations are bounded by the QIs' domains (days, years
    of birth, a few genders and languages), not by the rows: this is all that is kept of the rows."""

    def __init__(self, qis: int):
        self.ids: dict[tuple, int] = {}
        self.codes: list[list[int]] = [[] for _ in range(qis)]   # per QI: each combination's raw code
        self.weights: list[int] = []

    def add(self, codes: list[np.ndarray], size: int) -> np.ndarray:
        """Each row's combination id (numbered on first sight), the chunk's distinct combinations found
        at once (one int64 key per row, numpy.unique), then looked up one per distinct combination."""
        if size == 0:
            return np.zeros(0, dtype=np.int64)
        _, first, inverse, counts = anonymize._distinct(codes, size)
        found = np.column_stack([c[first] for c in codes]).tolist() if codes else [[]] * len(first)
        ids = np.empty(len(first), dtype=np.int64)
        for j, (combination, count) in enumerate(zip(found, counts.tolist())):
            combination = tuple(combination)
            combo = self.ids.get(combination)
            if combo is None:
                combo = self.ids[combination] = len(self.ids)
                for column, code in zip(self.codes, combination):
                    column.append(code)
                self.weights.append(0)
            self.weights[combo] += count
            ids[j] = combo
        return ids[inverse.reshape(-1)]

    def arrays(self) -> tuple[list[np.ndarray], np.ndarray]:
        """Per QI each combination's raw code; each combination's row count."""
        return [np.array(column, dtype=np.int64) for column in self.codes], np.array(self.weights, dtype=np.int64)


class _PairCounts:
    """Rows per (combination, sensitive literal id), counted chunk by chunk: what l-diversity needs."""

    def __init__(self):
        self.counts: Counter = Counter()   # combination << 32 | literal id -> rows

    def add(self, combos: np.ndarray, values: np.ndarray) -> None:
        keys, counts = np.unique((combos << 32) | values, return_counts=True)
        for key, count in zip(keys.tolist(), counts.tolist()):
            self.counts[key] += count

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keys = np.array(list(self.counts), dtype=np.int64)
        counts = np.array(list(self.counts.values()), dtype=np.int64)
        return keys >> 32, keys & 0xFFFFFFFF, counts


class _Widths:
    """The longest text per column in UTF-8 bytes (an SPSS string variable's width), counted as rows are
    read. Rows left out by the plan are known only later, and they are fewer than k: so the k longest
    values are kept with their rows' combinations (which the plan leaves out or keeps whole), and the
    longest of those on a kept combination is the longest kept."""

    def __init__(self, k: int):
        self.k = k
        self.longest: dict[str, list[tuple[int, int]]] = {}   # column -> (bytes, combination), at most k

    def add(self, name: str, values: np.ndarray, combos: np.ndarray) -> None:
        text = pa.array(values, type=pa.string(), from_pandas=True) if len(values) else pa.array([], pa.string())
        lengths = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
        top = np.argsort(-lengths, kind="stable")[:self.k]
        merged = self.longest.get(name, []) + [(int(lengths[i]), int(combos[i])) for i in top]
        self.longest[name] = sorted(merged, key=lambda pair: -pair[0])[:self.k]

    def kept(self, dropped: np.ndarray) -> dict[str, int]:
        return {name: next((size for size, combo in pairs if not dropped[combo]), 0)
                for name, pairs in self.longest.items()}


FANOUT = 256          # random buckets a row can land in; consecutive ones are written together (BUCKET_ROWS)


def _literal_ids(index: dict, arrays: list[np.ndarray], size: int) -> np.ndarray:
    """Per row, the number of its literal value (a tuple over the sensitive item's columns, read as
    the group counter reads them: text, or "missing") in `index`, new ones added as they come."""
    found, literals = anonymize._literal_codes(arrays, "missing", size)
    if not found:
        return np.zeros(size, np.int64)
    _, first, inverse, _ = anonymize._distinct(found, size)
    ids = np.array([index.setdefault(tuple(literals[j][found[j][row]] for j in range(len(found))), len(index))
                    for row in first.tolist()], dtype=np.int64)
    return ids[inverse.reshape(-1)]


def _check_reading(chunks: Chunks, layout: Layout, seen: list[dict], digests: list, n: int,
                   progress: Progress) -> None:
    """For a source that does not say each reading is one snapshot: a second, light reading, where
    the same responses must come again with the same quasi-identifiers. The rows and the plan both
    come from the one full reading, so this does not guard the anonymization; it refuses an export
    whose source changed while it was read (responses added, deleted or moved). A source that can
    leave the answers out is asked to: then the quasi-identifiers from answers are not compared,
    only those from the response itself (collection, date, language). Each QI's codes are compared as
    a digest of all of them in reading order (`digests`, from the first reading), not row by row, so
    nothing is kept per row: a change shows when the reading ends, a value never seen at once."""
    qis = layout.quasi_identifiers
    try:
        takes_answers = "answers" in inspect.signature(chunks).parameters
    except (TypeError, ValueError):
        takes_answers = False
    compared = [position for position, qi in enumerate(qis) if not takes_answers or not isinstance(qi, ItemQuasiIdentifier)]
    again = {position: hashlib.blake2b(digest_size=32) for position in compared}
    index = 0
    for chunk in map(as_columns, chunks(answers=()) if takes_answers else chunks()):
        if index + len(chunk) > n:
            raise ExportError("The responses changed between the two readings: more came the second time.")
        for position in compared:
            codes = list(map(seen[position].get, qis[position].raws(chunk)))
            if None in codes:
                raise ExportError("The responses changed between the two readings; export again.")
            again[position].update(np.array(codes, dtype=np.int32).tobytes())   # as _encode gave them
        index += len(chunk)
        progress("checking", index, n)
    if index != n:
        raise ExportError("The responses changed between the two readings: fewer came the second time.")
    if any(again[position].digest() != digests[position].digest() for position in compared):
        raise ExportError("The responses changed between the two readings; export again.")


class _QiCells:
    """The cells of the quasi-identifier columns under the plan: per column, a table with one entry
    per distinct raw value of its QI and a last one for a suppressed row, looked up with the rows' codes."""

    def __init__(self, qis, plan, final_keys: list[list], columns: list[Column]):
        names_written = {c.name for c in columns}
        self.storage = {c.name: c.storage for c in columns}
        self.integer = {c.name for c in columns if c.storage == "numeric" and c.integer}
        self.tables: dict[str, np.ndarray] = {}
        self.qi_columns: list[list[str]] = []
        for qi, keys in zip(qis, final_keys):
            level = plan.levels[qi.name]
            cells = [qi.cells(key, level) for key in keys]
            suppressed = qi.suppressed_cells(level)
            names = [c.name for c in qi.columns(level, set()) if c.name in names_written]
            for name in names:
                values = [c.get(name) for c in cells]
                if self.storage[name] == "string":
                    table = np.empty(len(values) + 1, dtype=object)
                    table[:] = [None if v is None else str(v) for v in values] + [suppressed.get(name)]
                else:
                    table = _numbers(values + [suppressed.get(name)])
                self.tables[name] = table
            self.qi_columns.append(names)

    def entries(self, qi_codes: list[np.ndarray], suppressed: np.ndarray) -> dict[str, np.ndarray]:
        """Each QI column's table entry per row (or combination): its raw value's, or the last (suppressed)."""
        return {name: np.where(suppressed, len(self.tables[name]) - 1, codes)
                for names, codes in zip(self.qi_columns, qi_codes) for name in names}

    def _used(self, codes: list[np.ndarray], suppressed: np.ndarray, keep: np.ndarray,
              wanted: Callable[[str], bool]) -> dict[str, np.ndarray]:
        """Per wanted QI column: the values of its table that the kept rows get (given per row or per
        combination of raw codes: the same values either way)."""
        return {name: self.tables[name][np.unique(np.where(suppressed, len(self.tables[name]) - 1, column)[keep])]
                for names, column in zip(self.qi_columns, codes) for name in names if wanted(name)}

    def text_bytes(self, codes: list[np.ndarray], suppressed: np.ndarray, keep: np.ndarray) -> dict[str, int]:
        """Per text QI column: the longest value the kept rows get, in UTF-8 bytes."""
        used = self._used(codes, suppressed, keep, lambda name: self.storage[name] == "string")
        return {name: max((len(v.encode()) for v in values if isinstance(v, str)), default=0)
                for name, values in used.items()}

    def integral(self, codes: list[np.ndarray], suppressed: np.ndarray, keep: np.ndarray) -> dict[str, bool]:
        """Per numeric QI column: whether every value the kept rows get is a whole number."""
        used = self._used(codes, suppressed, keep, self.integer.__contains__)
        return {name: bool(np.array_equal(finite, np.trunc(finite)))
                for name, finite in ((name, values[~np.isnan(values)]) for name, values in used.items())}


@dataclass
class StreamedDataset:
    """A built dataset whose rows wait on disk: `frames()` gives them in random order, typed, with row_id.
    Cronbach's alpha is counted on the rows as they are handed out: `reliability` is there after."""
    questionnaire: str
    columns: list[Column]
    report: AnonymizationReport
    reliability: dict[str, ScaleReliability] | None
    layout: Layout
    spill: "_Spill"
    rng: np.random.Generator
    integral: dict[str, bool]            # numeric column -> every value a whole number
    rows: int
    qi_cells: _QiCells
    suppressed: np.ndarray               # per combination of raw QI codes: its QI values suppressed
    dropped: np.ndarray                  # per combination: its rows left out of the file
    entries: dict[str, np.ndarray]       # per QI column: each combination's entry in qi_cells.tables
    alphas: "_Alphas"
    language_names: list[str]
    text_bytes: dict[str, int]           # text column -> the longest value of the rows kept, in UTF-8 bytes ({}: not measured)

    @property
    def languages(self) -> list[str]:
        return self.layout.languages

    def blocks(self, reliability: bool = True):
        """One dict of columns per bucket, rows shuffled within it: every row lands in a random bucket
        and every bucket is shuffled, so the file order is a uniformly random permutation; row_id
        counts 1..n. Numbers are float64 arrays, text object arrays (None for missing).

        `reliability`: count Cronbach's alpha on the way (`self.reliability`, for the codebook). A file
        without a codebook leaves it out: it was 6 % of a 10k CSV export's time."""
        offset = 0
        for data in self.spill.groups(BUCKET_ROWS):
            combos = data["_combo"].astype(np.int64)
            kept = ~self.dropped[combos]
            if not kept.all():
                combos = combos[kept]
                data = {name: values[kept] for name, values in data.items()}
            size = len(combos)
            if size == 0:
                continue
            for name, entry in self.entries.items():
                data[name] = self.qi_cells.tables[name][entry[combos]]
            if reliability:
                self.alphas.add(data, data["_language"].astype(np.int64), self.language_names)
            order = self.rng.permutation(size)
            out = {}
            for column in self.columns:
                if column.name == "row_id":
                    out["row_id"] = np.arange(offset + 1, offset + size + 1, dtype=np.float64)
                else:
                    out[column.name] = data[column.name][order]
            offset += size
            yield out
        if reliability:
            self.reliability = self.alphas.results()

    def whole(self) -> dict[str, bool]:
        """Per numeric column: written as whole numbers (Int64 in a frame)."""
        return {c.name: c.name == "row_id" or (c.integer and self.integral.get(c.name, True))
                for c in self.columns if c.storage == "numeric"}

    def frames(self, reliability: bool = True):
        """`blocks()` as typed frames: Int64 for whole numbers, float64 for the others, object for text."""
        whole = self.whole()
        for data in self.blocks(reliability):
            frame = {}
            for column in self.columns:
                values = data[column.name]
                if column.name == "row_id":
                    frame["row_id"] = pd.array(values.astype(np.int64), dtype="Int64")
                elif column.storage == "string":
                    frame[column.name] = pd.Series(values, dtype=object)
                elif whole[column.name]:
                    frame[column.name] = pd.array(values, dtype="Int64")
                else:
                    frame[column.name] = pd.Series(values, dtype="float64")
            yield pd.DataFrame(frame)

    def dataset(self) -> Dataset:
        frames = list(self.frames())
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return Dataset(self.questionnaire, frame, self.columns, self.report, self.reliability, self.layout)


def export(chunks: Chunks, definitions: Mapping[int, Definition], options: ExportOptions, out: Path | str,
           format: str = "zip", *, languages: Mapping | None = None, progress: Progress | None = None) -> ExportResult:
    """Build the dataset and write it. `out` is a directory (a file name is chosen) or a file path.

    CSV, Excel CSV, Parquet and SPSS are written a bucket of rows at a time (memory does not grow with
    the rows; SPSS falls back to the whole frame for text longer than 255 bytes); Stata and the ZIP
    bundle are written from one frame of typed columns, as pyreadstat writes a whole frame. `languages` (code -> survey.i18n.languages.Language) gives the codebook each
    wording's direction; without it the HTML codebook lets the browser decide (dir="auto").
    """
    # formats imports pipeline's types
    from .formats import EXTENSIONS, STREAMED, file_label, write, write_csv_blocks, write_frames, write_sav_blocks

    if format not in EXTENSIONS:
        raise ValueError(f"unknown format {format!r}; known: {', '.join(EXTENSIONS)}")
    out = Path(out)
    # the rows wait beside the output (the same protected place, the same file system for the rename)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=out if out.is_dir() else out.parent) as work, bulk_work():
        # only an SPSS file written a block at a time needs the text widths counted while reading,
        # and only the bundle's codebook the alphas counted while writing
        built = stream_dataset(chunks, definitions, options, progress, Path(work), text_widths=format == "sav")
        if out.is_dir():
            kind = "pseudonymized" if built.report.pseudonymized else "anonymized"
            suffix = "-excel" if format == "excel_csv" else ""
            out = out / f"{built.questionnaire}-{kind}{suffix}{EXTENSIONS[format]}"
        if progress:
            progress("writing", 0, 1)
        partial = Path(work) / ("partial" + EXTENSIONS[format])
        if format in ("csv", "excel_csv"):
            write_csv_blocks(built.blocks(reliability=False), built.columns, built.whole(), partial, format)
        elif format in STREAMED:
            write_frames(built.frames(reliability=False), built.columns, built.report, format, partial)
        elif not (format == "sav" and write_sav_blocks(built.blocks(reliability=False), built.columns,
                                                       file_label(built.questionnaire, built.report),
                                                       built.text_bytes, partial, options.label_language)):
            # Stata, the bundle, and SPSS with text over 255 bytes: from one whole frame
            write(built.dataset(), format, partial, bundle_formats=options.bundle_formats, languages=languages,
                  label_language=options.label_language)
        os.replace(partial, out)
        if progress:
            progress("writing", 1, 1)
    return ExportResult(paths=[out], report=built.report, rows=built.rows)


# -- helpers ---------------------------------------------------------------------------------------
BUCKET_ROWS = 10_000     # rows shuffled in memory at once when the file is written


def _check_records(chunk: RecordColumns, layout: Layout) -> None:
    for questionnaire, version in set(zip(chunk.questionnaire, chunk.version)):
        if questionnaire != layout.questionnaire:
            raise ExportError(f"A response to {questionnaire!r} came with the export of {layout.questionnaire!r}.")
        if version not in layout.definitions:
            raise ExportError(f"Responses to version {version} came, but its definition was not given.")


def _encode(index: dict, raws: list) -> np.ndarray:
    """Each raw value's code in `index`, new values added in order of appearance."""
    codes = list(map(index.get, raws))
    if None in codes:
        for i, code in enumerate(codes):
            if code is None:
                codes[i] = index.setdefault(raws[i], len(index))
    return np.array(codes, dtype=np.int32)


def _final_keys(qi, uniques: list, plan) -> list:
    """The key each distinct raw value has at the chosen level, rare ones as "other"."""
    level, rare = plan.levels[qi.name], plan.rare[qi.name]
    other = qi.other_key(level)
    return [other if key in rare else key for key in (qi.key(raw, level) for raw in uniques)]


def _columns(layout: Layout, plan, present: Mapping[str, set] | None, options: ExportOptions) -> list[Column]:
    by_name = {qi.name: qi for qi in layout.quasi_identifiers}

    def qi_columns(name: str) -> list[Column]:
        # without a plan (while reading): the other columns only, the QI ones come with the plan
        return by_name[name].columns(plan.levels[name], present[name]) if plan is not None else []

    columns = [Column("row_id", {"en": "Row number in random order (not a respondent id)",
                                 "sv": "Radnummer i slumpad ordning (inte ett id för svaranden)"},
                      "row_id", "nominal", "numeric")]
    if options.link:
        columns.append(Column("link_key", {"en": "Link key across waves (keyed hash of the respondent's own code)",
                                           "sv": "Länknyckel mellan omgångar (nyckelhash av svarandens egen kod)"},
                              "link", "nominal", "string", note="pseudonymized: personal data"))
    columns += qi_columns("activity")
    columns.append(Column("wave", {"en": "Wave", "sv": "Omgång"}, "meta", "nominal", "string"))
    columns += qi_columns("date")
    columns.append(Column("questionnaire_version", {"en": "Questionnaire version", "sv": "Enkätversion"},
                          "meta", "nominal", "numeric"))
    columns += qi_columns("language")
    columns.append(Column("channel", {"en": "Channel (tablet at an event, or own phone via a link)",
                                      "sv": "Kanal (surfplatta vid en aktivitet, eller egen telefon via länk)"},
                          "meta", "nominal", "string"))
    done: set[str] = set()
    skip_item = options.link.code_item if options.link else None
    for column in layout.item_columns:
        if column.item == skip_item:
            continue
        if column.item in by_name:
            if column.item not in done:
                columns += qi_columns(column.item)
                done.add(column.item)
            continue
        if column.role == "free_text" and not options.free_text:
            continue
        columns.append(column)
    for scale in layout.scales:
        score, count = scale_column_names(scale)
        versions = layout.scale_versions[scale.id]
        reversed_ = f"; reverse-coded: {', '.join(sorted(scale.reverse))}" if scale.reverse else ""
        columns.append(Column(score, scale.label, "scale", "scale", "numeric", integer=False, versions=versions,
                              note=f"{scale.score} of items {', '.join(scale.items)}{reversed_}; at least "
                                   f"{scale.min_answered} answered (a sum is prorated); range {scale.range[0]}–{scale.range[1]}"))
        columns.append(Column(count, {lang: f"{text}: items answered" for lang, text in scale.label.items()},
                              "scale_count", "scale", "numeric", versions=versions,
                              note=f"items of {scale.id} answered (not counting don't know)"))
    return columns


def _link_key(key: bytes, code: str) -> str:
    normal = unicodedata.normalize("NFKC", str(code)).casefold()
    normal = "".join(normal.split())
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()[:32]


def _numbers(values) -> np.ndarray:
    # numpy turns None into NaN itself when asked for floats
    if isinstance(values, np.ndarray):
        return values.astype(np.float64, copy=False)
    return np.array(values, dtype=np.float64) if len(values) else np.zeros(0)


def _texts(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v is None else str(v) for v in values]
    return out


class _ChunkBuilder:
    """Turns a chunk of records into typed columns (float64 for numbers, objects for text), an item
    or a scale at a time over the whole chunk, never a row at a time through the item types."""

    def __init__(self, layout: Layout, columns: list[Column], options: ExportOptions):
        self.layout, self.options = layout, options
        self.columns = [c for c in columns if c.name != "row_id"]
        self.names = {c.name for c in self.columns}
        self.storage = {c.name: c.storage for c in self.columns}
        # per whole-number column: the combinations of raw QI codes of rows holding a value that is not
        # whole, at most k of them (fewer than k rows are ever left out, so k of them decide it; the plan
        # leaves out or keeps a combination's rows together)
        self.not_whole: dict[str, list[int]] = {c.name: [] for c in self.columns if c.storage == "numeric" and c.integer}
        self.redactions: Counter = Counter()
        self.redacted: dict[int, Counter] = {}   # combination -> the redactions in its rows' free text
        skip = set(layout.qi_items) | ({options.link.code_item} if options.link else set())
        self.items = {version: [(var, item, self._kind(item), any(v.free_text for v in layout.variables_of.get(var, ())))
                                for var, item in definition.items.items()
                                if var not in skip and self._written(var, layout)]
                      for version, definition in layout.definitions.items()}
        self.reads = {version: list(dict.fromkeys([var for var, *_ in self.items[version]]
                                                  + [var for scale in definition.scales for var in scale.items]))
                      for version, definition in layout.definitions.items()}
        # items exported as they are, as numbers: their answers become one float matrix per chunk
        self.plain_numbers = {version: {var for var, _item, kind, free_text in self.items[version]
                                        if kind == "plain" and not free_text and self.storage.get(var) == "numeric"}
                              for version in layout.definitions}
        # (and answers read only for scoring: items whose columns are not written as they are)
        self.numeric_reads = {version: [var for var in self.reads[version]
                                        if var in self.plain_numbers[version]
                                        or var not in {v for v, *_ in self.items[version]}]
                              for version in layout.definitions}
        # (and the rest: read as they are when the numbers come as one matrix)
        self.other_reads = {}
        for version in layout.definitions:
            numbers = set(self.numeric_reads[version])
            self.other_reads[version] = [var for var in self.reads[version] if var not in numbers]

    def _written(self, var: str, layout: Layout) -> bool:
        """Whether any column of the item is in the file (free text left out is not even read)."""
        return var in self.names or any(v.name in self.names for v in layout.variables_of.get(var, ()))

    @staticmethod
    def _kind(item) -> str:
        export_values = type(item).export_values
        if export_values is Item.export_values:
            return "plain"
        if export_values is MultipleChoiceItem.export_values:
            return "options"
        return "cells"

    def build(self, chunk: RecordColumns, combos: np.ndarray) -> dict[str, np.ndarray]:
        """The columns of every row of the chunk but the quasi-identifiers' (which wait for the plan);
        `combos`: each row's combination of raw QI codes (what the plan decides a row's fate by)."""
        size = len(chunk)
        out: dict[str, np.ndarray] = {}
        self.combos = combos
        out["wave"] = _texts(chunk.wave)
        out["questionnaire_version"] = _numbers(chunk.version)
        out["channel"] = _texts(chunk.channel)
        answers = chunk.answers
        versions = set(chunk.version)
        if len(versions) == 1:
            groups = [(versions.pop(), None, answers)]
        else:
            version_of = np.array(chunk.version)
            groups = [(v, np.flatnonzero(version_of == v), None) for v in sorted(versions)]
        for version, rows, group_answers in groups:
            if group_answers is None:
                group_answers = [answers[i] for i in rows]
            self.group_rows = rows   # the chunk's rows of this version (None: all)
            cells, raw = self._items(version, group_answers)
            cells.update(self._scales(version, raw, group_answers))
            for name, values in cells.items():
                if name not in self.names:
                    continue
                array = _numbers(values) if self.storage[name] == "numeric" else _texts(values)
                if rows is None:
                    out[name] = array
                else:
                    if name not in out:
                        out[name] = np.full(size, np.nan) if self.storage[name] == "numeric" else np.full(size, None, dtype=object)
                    out[name][rows] = array
        if self.options.link:
            key, item = self.options.link.key, self.options.link.code_item
            out["link_key"] = _texts([_link_key(key, code) if code else None for code in (a.get(item) for a in answers)])
        for column in self.columns:
            name = column.name
            if name not in out:
                out[name] = np.full(size, np.nan) if column.storage == "numeric" else np.full(size, None, dtype=object)
            elif name in self.not_whole and len(self.not_whole[name]) < self.options.k:
                values = out[name]
                with np.errstate(invalid="ignore"):
                    odd = np.flatnonzero(~np.isnan(values) & (values != np.trunc(values)))   # ±inf too
                self.not_whole[name] += combos[odd[:self.options.k]].tolist()
        return out

    def integral_kept(self, dropped: np.ndarray) -> dict[str, bool]:
        """Per whole-number column: every value of the rows kept a whole number (`dropped`: per combination)."""
        return {name: len(combos) < self.options.k and bool(dropped[combos].all()) if combos else True
                for name, combos in self.not_whole.items()}

    def redactions_kept(self, dropped: np.ndarray) -> Counter:
        """The redactions in the free text of the rows kept (`dropped`: per combination)."""
        total = Counter(self.redactions)
        for combo, counts in self.redacted.items():
            if dropped[combo]:
                total.subtract(counts)
        return +total

    def _items(self, version: int, answers: list) -> tuple[dict[str, list], dict[str, list]]:
        cells: dict[str, list] = {}
        options = self.options
        # every answer column the version needs, read in one sweep over the answers (dict.get mapped
        # over the names per row, then transposed: a third of the time of one pass per item)
        numeric = self.numeric_reads[version]
        matrix = _number_matrix(answers, numeric) if numeric and answers else None
        names = self.reads[version] if matrix is None else self.other_reads[version]
        if answers:
            raw = dict(zip(names, zip(*[list(map(a.get, names)) for a in answers])))
        else:
            raw = {name: () for name in names}
        if matrix is not None:
            raw.update(zip(numeric, matrix))
        elif numeric and answers:
            columns = [raw[var] for var in numeric]
            # plain numbers and nulls (no text, no booleans): all converted in one call, as _numbers would each
            if set(map(type, itertools.chain.from_iterable(columns))) <= {int, float, type(None)}:
                raw.update(zip(numeric, np.array(columns, dtype=np.float64)))
        for var, item, kind, free_text in self.items[version]:
            values = raw[var]
            if kind == "plain" and not free_text:
                cells[var] = values
            elif kind == "options" and not free_text and (chosen := _chosen(item, values)) is not None:
                cells.update(chosen)
            else:
                rows = [item.export_values(v) for v in values]
                names = dict.fromkeys(name for row in rows for name in row)
                for name in names:
                    column = []
                    for number, row in enumerate(rows):
                        value = row.get(name)
                        if isinstance(value, str) and free_text:
                            if not options.free_text:
                                value = None
                            else:
                                value, counts = redact(value)
                                if counts:
                                    self.redactions.update(counts)
                                    at = number if self.group_rows is None else int(self.group_rows[number])
                                    self.redacted.setdefault(int(self.combos[at]), Counter()).update(counts)
                        column.append(value)
                    cells[name] = column
        return cells, raw

    def _scales(self, version: int, raw: dict[str, list], answers: list) -> dict[str, list | np.ndarray]:
        definition = self.layout.definitions[version]
        out = {}
        for scale in self.layout.scales:
            own = next((s for s in definition.scales if s.id == scale.id), None)
            if own is None:
                continue
            score, count = scale_column_names(scale)
            values = [raw[var] for var in own.items]
            scored = score_columns(definition, own, values)
            if scored is None:   # answers of an unusual type: the row-by-row rule, exactly as stored
                pairs = [score_and_count(definition, own, a) for a in answers]
                out[score], out[count] = [p[0] for p in pairs], [p[1] for p in pairs]
            else:
                out[score], out[count] = scored
        return out


def _number_matrix(answers: Sequence[dict], names: list[str]) -> np.ndarray | None:
    """The answers to `names` as one float matrix, a row per name (NaN where a response has no such
    answer), or None if any is not a plain number (text, a boolean, an explicit null): the caller then
    converts them as `_numbers` would. Each response's answers go straight into one flat list (NaN for a
    missing key) and one `np.fromiter` converts them all, rather than transposing them into tuples
    and converting those by `np.array`: 4 % fewer instructions for a whole 10k export."""
    missing = [math.nan] * len(names)
    flat: list = []
    extend = flat.extend
    for answer in answers:
        extend(map(answer.get, names, missing))
    if not set(map(type, flat)) <= {int, float}:
        return None
    matrix = np.fromiter(flat, dtype=np.float64, count=len(flat)).reshape(len(answers), len(names))
    return np.ascontiguousarray(matrix.T)


def _chosen(item, values) -> dict[str, np.ndarray] | None:
    """A multiple-choice item's 0/1 columns (NaN when unanswered), as `export_values` gives them: the
    chosen codes of all rows in one flat list, looked up once, then one comparison per option.
    None for anything but lists of codes."""
    choices = item.choice_list.choices
    position: dict = {}
    for i, choice in enumerate(choices):
        position.setdefault(choice.value, i)
    if not set(map(type, values)) <= {list, type(None)}:
        return None
    size = len(values)
    unanswered = np.fromiter(map(operator.is_, values, itertools.repeat(None)), dtype=bool, count=size)
    answered = [value for value in values if value is not None]
    lengths = np.zeros(size, dtype=np.int64)
    lengths[~unanswered] = np.fromiter(map(len, answered), dtype=np.int64, count=len(answered))
    flat = list(itertools.chain.from_iterable(answered))
    try:
        found = np.fromiter(map(position.get, flat, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
    except TypeError:   # an unhashable code
        return None
    row_of = np.repeat(np.arange(size), lengths)
    out = {}
    for choice in choices:
        column = np.zeros(size)
        column[row_of[found == position[choice.value]]] = 1.0
        column[unanswered] = np.nan
        out[column_name(item.var, choice.value)] = column
    return out


def item_scores(definition: Definition, var: str, values, reverse: bool) -> np.ndarray | None:
    """`scoring.item_score` over a column of answers at once: NaN where it gives None. None when an
    answer is not a plain number (the caller then scores those rows one by one)."""
    if isinstance(values, np.ndarray):
        x = values.astype(np.float64, copy=False)
    else:
        if not set(map(type, values)) <= {int, float, type(None)}:
            return None
        x = _numbers(values)
    item = definition.items[var]
    if isinstance(item, ChoiceItem):
        span = item.choice_list.scored_span
        if span is not None:   # codes low..high, every one scored: in range and whole
            with np.errstate(invalid="ignore"):
                valid = (x >= span[0]) & (x <= span[1]) & (x == np.floor(x))
        else:
            scored = [value for value, choice in item.choice_list._by_number.items() if not choice.missing]
            valid = np.zeros(len(x), dtype=bool)
            for value in scored:   # a handful of codes: one comparison each beats np.isin's sort
                valid |= x == value
        if reverse:
            low, high = item.choice_list.scored_bounds()
    else:
        valid = ~np.isnan(x)
        low, high = getattr(item, "min", None), getattr(item, "max", None)
        if reverse and (low is None or high is None):
            return None
    scores = (low + high - x) if reverse else x.copy()
    scores[~valid] = np.nan
    return scores


def score_columns(definition: Definition, scale, values: list) -> tuple[np.ndarray, np.ndarray] | None:
    """`scoring.score_and_count` over a chunk: the score (NaN for None) and the count per row, the items
    added in the scale's order as the row-by-row rule adds them, so the sums are the same floats."""
    total = count = None
    for var, column in zip(scale.items, values):
        scores = item_scores(definition, var, column, var in scale.reverse)
        if scores is None:
            return None
        answered = ~np.isnan(scores)
        if total is None:
            total, count = np.where(answered, scores, 0.0), answered.astype(np.int64)
        else:
            total = total + np.where(answered, scores, 0.0)
            count = count + answered
    if total is None:
        size = len(values[0]) if values else 0
        total, count = np.zeros(size), np.zeros(size, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    score = mean if scale.score == "mean" else mean * len(scale.items)
    score = np.where(count < scale.min_answered, np.nan, score)
    return score, count.astype(np.float64)


class _Alphas:
    """Cronbach's alpha per scale from the written rows, accumulated chunk by chunk: the newest
    version's items, scored (reverse coding included) from the exported values, listwise."""

    def __init__(self, layout: Layout, names: set[str]):
        self.layout = layout
        self.parts = {}
        for scale in layout.scales:
            version = max(layout.scale_versions[scale.id])
            usable = len(scale.items) >= 2 and all(var in names for var in scale.items)
            self.parts[scale.id] = (scale, layout.definitions[version],
                                    AlphaAccumulator(len(scale.items)) if usable else None, {})

    def add(self, built: dict[str, np.ndarray], language_codes: np.ndarray, language_names: Sequence) -> None:
        """The block's rows: their columns, and each row's language as a code into `language_names`.
        Each language's rows are picked once per block by comparing integer codes (comparing the
        names, an object array, took a tenth of a large export's time)."""
        rows_of = [(language_names[code], language_codes == code) for code in np.unique(language_codes).tolist()]
        for scale, definition, overall, by_language in self.parts.values():
            if overall is None:
                continue
            matrix = np.column_stack([item_scores(definition, var, built[var], var in scale.reverse)
                                      for var in scale.items])
            overall.add(matrix)
            for lang, rows in rows_of:
                if lang not in by_language:
                    by_language[lang] = AlphaAccumulator(len(scale.items))
                by_language[lang].add(matrix[rows])

    def results(self) -> dict[str, ScaleReliability]:
        out = {}
        for scale_id, (scale, _definition, overall, by_language) in self.parts.items():
            if overall is None:
                out[scale_id] = ScaleReliability(scale_id, Alpha(None, 0, len(scale.items)), {})
                continue
            out[scale_id] = ScaleReliability(scale_id, overall.result(), {
                lang: accumulator.result() for lang, accumulator in sorted(by_language.items())
                if accumulator.n >= ALPHA_MIN_PER_LANGUAGE})
        return out


class _Spill:
    """Built rows waiting to be written, each in one of FANOUT random buckets.

    Chunks are held until SPILL_ROWS rows wait, then sorted by bucket once and written as one run
    (an Arrow IPC file with one record batch per bucket: the numbers of a row as one fixed-size binary
    cell, the text columns as text). Writing a run is a handful of large writes, however many buckets
    there are: cutting every chunk into a slice per bucket and appending each to a file of its own
    made the cost grow with rows × buckets. An export that never reaches SPILL_ROWS stays in memory.
    `groups()` hands out consecutive buckets together, about `rows` rows at a time.

    Held chunks keep their columns as built; a row's numbers are laid side by side only for a run's
    cells. Everything after the spill reads a column at a time, so an export held in memory stays
    in columns throughout: laying 10,000 rows out by row and back by column took two copies of every
    number (some 600 of the 8,300 fresh pages a cold 10k CSV export touched)."""

    def __init__(self, numeric: list[str], text: list[str], work: Path):
        self.numeric, self.text, self.work = list(numeric), list(text), Path(work)
        self.width = 8 * len(self.numeric)
        self.held: list[tuple] = []  # (buckets, numeric columns, text columns) per chunk
        self.held_rows = 0
        self.counts = np.zeros(FANOUT, dtype=np.int64)
        self.runs: list[Path] = []
        self.memory = None           # (numeric columns, text columns, starts) when no run was written

    def add(self, built: dict[str, np.ndarray], bucket: np.ndarray) -> None:
        self.held.append((bucket, [built[name] for name in self.numeric], [built[name] for name in self.text]))
        self.counts += np.bincount(bucket, minlength=FANOUT)
        self.held_rows += len(bucket)
        if self.held_rows >= SPILL_ROWS:
            self._write_run()

    def _sorted(self):
        """The held rows sorted by bucket, a column at a time: (numeric columns, text columns, starts)."""
        bucket = np.concatenate([b for b, _, _ in self.held])
        order = np.argsort(bucket, kind="stable")   # stable: a bucket's rows stay in reading order

        def column(kind: int, i: int) -> np.ndarray:
            return np.concatenate([held[kind][i] for held in self.held])[order]
        numbers = [np.asarray(column(1, i), dtype=np.float64) for i in range(len(self.numeric))]
        texts = [column(2, i) for i in range(len(self.text))]
        starts = np.searchsorted(bucket[order], np.arange(FANOUT + 1))
        self.held, self.held_rows = [], 0
        return numbers, texts, starts

    def _schema(self) -> pa.Schema:
        return pa.schema([pa.field("numbers", pa.binary(self.width))]
                         + [pa.field(f"text{i}", pa.string()) for i in range(len(self.text))])

    def _write_run(self) -> None:
        columns, texts, starts = self._sorted()
        size = int(starts[-1])
        numbers = np.empty((size, len(self.numeric)), dtype=np.float64)   # a row's numbers side by side
        for i, values in enumerate(columns):
            numbers[:, i] = values
        cells = pa.Array.from_buffers(pa.binary(self.width), size, [None, pa.py_buffer(numbers)])
        arrays = [cells] + [pa.array(t, type=pa.string(), from_pandas=True) for t in texts]
        path = self.work / f"run-{len(self.runs)}.arrow"
        schema = self._schema()
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            for b in range(FANOUT):   # one batch per bucket, empty ones too: batch number = bucket
                start, end = int(starts[b]), int(starts[b + 1])
                writer.write_batch(pa.record_batch([a.slice(start, end - start) for a in arrays], schema=schema))
        self.runs.append(path)

    def close(self) -> None:
        if self.runs:
            if self.held_rows:
                self._write_run()
        elif self.held:
            self.memory = self._sorted()

    def groups(self, rows: int):
        """Dicts of columns, one per group of consecutive buckets holding at least `rows` rows (or the
        last ones). Within a group, bucket after bucket, each bucket's rows in reading order, so the
        content does not depend on when runs were written. The groups depend on the buckets' sizes
        only, and rows are exchangeable given those, so shuffling each group keeps the order uniform."""
        bounds, held = [0], 0
        for b, count in enumerate(self.counts.tolist()):
            held += count
            if held >= rows:
                bounds.append(b + 1)
                held = 0
        if bounds[-1] != FANOUT:
            bounds.append(FANOUT)
        readers = [pa.ipc.open_file(pa.OSFile(str(path), "rb")) for path in self.runs]
        try:
            for low, high in zip(bounds, bounds[1:]):
                if self.memory is not None:
                    numbers, texts, starts = self.memory
                    part = slice(int(starts[low]), int(starts[high]))
                    data = {name: values[part] for name, values in zip(self.numeric, numbers)}
                    data.update((name, values[part]) for name, values in zip(self.text, texts))
                    yield data
                    continue
                if readers:
                    table = pa.Table.from_batches([reader.get_batch(b) for b in range(low, high) for reader in readers],
                                                  schema=self._schema())
                    size = table.num_rows
                    cells = table.column(0).combine_chunks() if size else None
                    numbers = (np.frombuffer(cells.buffers()[1], dtype=np.float64, count=size * len(self.numeric),
                                             offset=cells.offset * self.width).reshape(size, len(self.numeric))
                               if size else np.zeros((0, len(self.numeric))))
                    texts = [table.column(i + 1).to_numpy() if size else np.zeros(0, dtype=object)
                             for i in range(len(self.text))]
                else:
                    numbers, texts = np.zeros((0, len(self.numeric))), [np.zeros(0, dtype=object) for _ in self.text]
                # a row's numbers lie together in a run; each column is read on its own from here on
                # (shuffled, scored, written), so they are laid out a column at a time once
                columns = np.ascontiguousarray(numbers.T)
                data = {name: columns[i] for i, name in enumerate(self.numeric)}
                data.update(zip(self.text, texts))
                yield data
        finally:
            for reader, path in zip(readers, self.runs):
                path.unlink(missing_ok=True)
            self.memory = None


SPILL_ROWS = 30_000   # rows held before they are sorted by bucket and written as a run


def report_json(report: AnonymizationReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=False)
