"""From response records to an anonymized, documented dataset: the whole export without Flask.

The caller hands over a callable yielding chunks of ResponseRecord (read twice: once for the
quasi-identifiers, once to build the rows) and the questionnaire's definitions by version number.
Raw background answers and raw free text are never held for all rows at once: the first pass
keeps only the quasi-identifier values, the second writes rows already generalized and scrubbed.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from survey.questionnaires.definition import Definition
from survey.questionnaires.scoring import item_score, score_and_count

from . import anonymize
from .anonymize import MIN_K, ExportRefused
from .columns import Column
from .layout import ExportError, Layout, build_layout, scale_column_names
from .records import Chunks
from .redact import redact
from .reliability import Alpha, cronbach_alpha
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
    progress = progress or (lambda stage, done, total: None)
    layout = build_layout(definitions, options.activity_groups)
    qis = layout.quasi_identifiers
    if options.link and options.link.code_item not in layout.items:
        raise ExportError(f"The link code item {options.link.code_item!r} is not in the questionnaire.")

    # -- pass 1: quasi-identifier values only ----------------------------------------------------
    raws: dict[str, list] = {qi.name: [] for qi in qis}
    n = 0
    for chunk in chunks():
        for record in chunk:
            _check_record(record, layout)
            for qi in qis:
                raws[qi.name].append(qi.raw(record))
            n += 1
        progress("reading", n, None)
    plan = anonymize.plan(qis, raws, options.k, options.suppression_cap, options.coarsest)
    progress("anonymizing", n, n)

    final_keys = {qi.name: _final_keys(qi, raws[qi.name], plan) for qi in qis}
    kept = ~plan.suppressed
    columns = _columns(layout, plan, final_keys, kept, options)
    values: dict[str, list] = {c.name: [] for c in columns}
    answer_language: list[str] = []
    redactions: Counter = Counter()

    # -- pass 2: the rows, generalized and scrubbed as they are built -----------------------------
    index = 0
    for chunk in chunks():
        for record in chunk:
            if index >= n:
                raise ExportError("The responses changed between the two readings: more came the second time.")
            row = index
            index += 1
            for qi in qis:
                if qi.raw(record) != raws[qi.name][row]:
                    raise ExportError("The responses changed between the two readings; export again.")
            if plan.suppressed[row] and plan.drop_suppressed:
                continue
            cells = _row(record, layout, plan, final_keys, row, options, redactions)
            for name, column in values.items():
                column.append(cells.get(name))
            answer_language.append(record.language)
        progress("building", index, n)
    if index != n:
        raise ExportError("The responses changed between the two readings: fewer came the second time.")

    frame = _frame(columns, values)
    rng = np.random.default_rng(options.seed)
    order = rng.permutation(len(frame))
    frame = frame.iloc[order].reset_index(drop=True)
    frame["row_id"] = pd.array(range(1, len(frame) + 1), dtype="Int64")
    answer_language = [answer_language[i] for i in order]

    qi_columns = [c.name for c in columns if c.role == "quasi_identifier"]
    sizes = anonymize.class_sizes(frame, qi_columns)
    k_reached = min(sizes) if sizes else 0
    if len(frame) < options.k or k_reached < options.k:
        # the plan guarantees this; checked again on the very frame to be written
        raise ExportRefused(f"The finished dataset reached only k={k_reached} (asked {options.k}); nothing is written.")

    free_text_columns = tuple(c.name for c in columns if c.role == "free_text")
    report = AnonymizationReport(
        questionnaire=layout.questionnaire, versions=tuple(layout.definitions), k_target=options.k,
        k_reached=k_reached, rows_in=n, rows_out=len(frame), rows_suppressed=plan.suppressed_rows,
        rows_dropped=plan.suppressed_rows if plan.drop_suppressed else 0, suppression_cap=options.suppression_cap,
        levels=plan.levels, merged_rare={name: len(keys) for name, keys in plan.rare.items()},
        quasi_identifier_columns=tuple(qi_columns),
        class_sizes=dict(sorted(Counter(sizes).items())),
        max_risk=round(1 / k_reached, 4), average_risk=round(len(sizes) / len(frame), 4),
        l_diversity={var: anonymize.l_diversity(frame, qi_columns, names)
                     for var, names in layout.sensitive.items() if all(name in frame for name in names)},
        redactions=dict(sorted(redactions.items())), free_text_columns=free_text_columns,
        pseudonymized=options.link is not None, nodes_searched=plan.nodes_searched, config=options.describe())
    reliability = {scale.id: _reliability(layout, scale, frame, answer_language) for scale in layout.scales}
    return Dataset(layout.questionnaire, frame, columns, report, reliability, layout)


def export(chunks: Chunks, definitions: Mapping[int, Definition], options: ExportOptions, out: Path | str,
           format: str = "zip", *, languages: Mapping | None = None, progress: Progress | None = None) -> ExportResult:
    """Build the dataset and write it. `out` is a directory (a file name is chosen) or a file path.

    `languages` (code -> survey.i18n.languages.Language) gives the codebook each wording's direction;
    without it the HTML codebook lets the browser decide (dir="auto").
    """
    from .formats import EXTENSIONS, write   # formats imports pipeline's types

    if format not in EXTENSIONS:
        raise ValueError(f"unknown format {format!r}; known: {', '.join(EXTENSIONS)}")
    dataset = build_dataset(chunks, definitions, options, progress)
    out = Path(out)
    if out.is_dir():
        kind = "pseudonymized" if dataset.report.pseudonymized else "anonymized"
        suffix = "-excel" if format == "excel_csv" else ""
        out = out / f"{dataset.questionnaire}-{kind}{suffix}{EXTENSIONS[format]}"
    if progress:
        progress("writing", 0, 1)
    path = write(dataset, format, out, bundle_formats=options.bundle_formats, languages=languages,
                 label_language=options.label_language)
    if progress:
        progress("writing", 1, 1)
    return ExportResult(paths=[path], report=dataset.report, rows=len(dataset.frame))


# -- helpers ---------------------------------------------------------------------------------------
def _check_record(record, layout: Layout) -> None:
    if record.questionnaire != layout.questionnaire:
        raise ExportError(f"A response to {record.questionnaire!r} came with the export of {layout.questionnaire!r}.")
    if record.version not in layout.definitions:
        raise ExportError(f"Responses to version {record.version} came, but its definition was not given.")


def _final_keys(qi, raws: list, plan) -> list:
    level, rare = plan.levels[qi.name], plan.rare[qi.name]
    other = qi.other_key(level)
    return [other if key in rare else key for key in (qi.key(raw, level) for raw in raws)]


def _columns(layout: Layout, plan, final_keys, kept: np.ndarray, options: ExportOptions) -> list[Column]:
    by_name = {qi.name: qi for qi in layout.quasi_identifiers}

    def qi_columns(name: str) -> list[Column]:
        qi = by_name[name]
        present = {key for key, keep in zip(final_keys[name], kept) if keep}
        return qi.columns(plan.levels[name], present)

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


def _row(record, layout: Layout, plan, final_keys, row: int, options: ExportOptions, redactions: Counter) -> dict:
    cells: dict[str, Any] = {"wave": record.wave, "questionnaire_version": record.version, "channel": record.channel}
    for qi in layout.quasi_identifiers:
        level = plan.levels[qi.name]
        cells.update(qi.suppressed_cells(level) if plan.suppressed[row] else qi.cells(final_keys[qi.name][row], level))
    definition = layout.definitions[record.version]
    answers = record.answers
    qi_items = layout.qi_items
    for var, item in definition.items.items():
        if var in qi_items or (options.link and var == options.link.code_item):
            continue
        for name, value in item.export_values(answers.get(var)).items():
            if isinstance(value, str) and any(v.free_text for v in layout.variables_of[var]):
                if not options.free_text:
                    continue
                value, counts = redact(value)
                redactions.update(counts)
            cells[name] = value
    for scale in layout.scales:
        score, count = scale_column_names(scale)
        own = next((s for s in definition.scales if s.id == scale.id), None)
        if own is None:
            continue
        cells[score], cells[count] = score_and_count(definition, own, answers)
    if options.link:
        code = answers.get(options.link.code_item)
        cells["link_key"] = _link_key(options.link.key, code) if code else None
    return cells


def _link_key(key: bytes, code: str) -> str:
    normal = unicodedata.normalize("NFKC", str(code)).casefold()
    normal = "".join(normal.split())
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()[:32]


def _frame(columns: list[Column], values: dict[str, list]) -> pd.DataFrame:
    data = {}
    for column in columns:
        cells = values[column.name]
        if column.storage == "string":
            data[column.name] = pd.Series([None if v is None else str(v) for v in cells], dtype=object)
        elif column.integer and all(v is None or float(v).is_integer() for v in cells):
            data[column.name] = pd.array([None if v is None else int(v) for v in cells], dtype="Int64")
        else:
            data[column.name] = pd.Series([math.nan if v is None else float(v) for v in cells], dtype="float64")
    return pd.DataFrame(data)


def _reliability(layout: Layout, scale, frame: pd.DataFrame, answer_language: list[str]) -> ScaleReliability:
    version = max(v for v in layout.scale_versions[scale.id])
    definition = layout.definitions[version]
    rows = []
    for values in frame[list(scale.items)].itertuples(index=False) if all(v in frame for v in scale.items) else ():
        rows.append([None if pd.isna(v) else item_score(definition, var, _plain(v), var in scale.reverse)
                     for var, v in zip(scale.items, values)])
    if len(scale.items) < 2 or not rows:
        return ScaleReliability(scale.id, Alpha(None, 0, len(scale.items)), {})
    overall = cronbach_alpha(rows)
    by_language = {}
    for lang in sorted(set(answer_language)):
        subset = [r for r, code in zip(rows, answer_language) if code == lang]
        complete = sum(1 for r in subset if None not in r)
        if complete >= ALPHA_MIN_PER_LANGUAGE:
            by_language[lang] = cronbach_alpha(subset)
    return ScaleReliability(scale.id, overall, by_language)


def _plain(value):
    return int(value) if isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer()) else value


def report_json(report: AnonymizationReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=False)
