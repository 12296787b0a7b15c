"""k-anonymity by full-domain generalization and suppression, the way sdcMicro's guide and ARX do it.

1. Every quasi-identifier (QI) has fixed levels (hierarchies.py). At levels that merge, values
   seen fewer than k times become "other"; a level whose "other" is then still below k is not
   offered (a merged bucket smaller than k is a classic bug, FDZ-Gesundheit Public-Use-File PR #6).
2. Every combination of levels is tried (the lattice has a few thousand nodes at most). The
   chosen node has the lowest loss among those whose rows in groups smaller than k fit the
   suppression cap: weighted precision loss (level / top level per QI) for the rows kept, 1 for
   each row suppressed. Ties go to fewer suppressed rows, then to keeping age and gender finer
   than date, activity and languages.
3. Rows still in groups smaller than k lose all their QI values ("*" or missing). Those rows form
   one group of their own: if it is smaller than k, they are left out of the file.
4. Fewer than k rows left, or no node within the cap: the export is refused.

Missing values and "*" are literal categories when groups are counted (never wildcards), as in
pycanon, so the check here and the independent one agree.
"""
from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from .hierarchies import QuasiIdentifier

MIN_K = 3


class ExportRefused(Exception):
    """The data cannot be made k-anonymous as asked; the message tells a researcher why and what helps."""


@dataclass(frozen=True)
class Plan:
    levels: dict[str, str]                 # QI name -> chosen level
    rare: dict[str, frozenset]             # QI name -> keys merged into "other" at that level
    suppressed: np.ndarray                 # per row: QI values replaced
    drop_suppressed: bool                  # the suppressed rows are too few to form a group of k
    nodes_searched: int

    @property
    def suppressed_rows(self) -> int:
        return int(self.suppressed.sum())


def plan(qis: Sequence[QuasiIdentifier], raws: Mapping[str, Sequence[Hashable]], k: int,
         suppression_cap: float, coarsest: Mapping[str, str] | None = None) -> Plan:
    """Choose one level per QI and the rows to suppress, or refuse."""
    n = len(next(iter(raws.values()))) if raws else 0
    if n < k:
        raise ExportRefused(
            f"There are only {n} responses. An anonymized dataset needs at least k={k}, so that every "
            f"respondent shares their combination of background answers with at least {k - 1} others. "
            f"Wait for more responses, or export several collections together.")
    coarsest = dict(coarsest or {})
    unknown = set(coarsest) - {qi.name for qi in qis}
    if unknown:
        raise ValueError(f"coarsest names quasi-identifiers this questionnaire does not have: {sorted(unknown)}")

    options: list[list[tuple[int, str, np.ndarray, frozenset]]] = []   # per QI: (index, level, codes, rare)
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
                    continue   # "other" itself would stand out: go up a level
            choices.append((index, level, _codes(keys), rare))
        if not choices:
            raise ExportRefused(
                f"{qi.name} cannot be coarsened enough within the levels allowed "
                f"(at most {coarsest.get(qi.name, qi.levels[-1])}). Allow a coarser level.")
        options.append(choices)

    limit = math.floor(suppression_cap * n)
    weights = [qi.weight for qi in qis]
    # age and gender (weight 2) are kept fine before date, activity and languages on a tie
    priority = sorted(range(len(qis)), key=lambda i: (-weights[i], i))
    best = None
    searched = 0
    for node in itertools.product(*options):
        searched += 1
        loss = sum(w * index / (len(qi.levels) - 1) for w, qi, (index, *_rest) in zip(weights, qis, node)) / sum(weights)
        combined = node[0][2]
        for _, _, codes, _ in node[1:]:
            combined = _combine(combined, codes)
        _, inverse, counts = np.unique(combined, return_inverse=True, return_counts=True)
        small = counts[inverse] < k
        outliers = int(small.sum())
        if outliers > limit or n - (outliers if outliers < k else 0) < k:
            continue
        # a suppressed row loses all its QI detail: loss 1 for it, the node's loss for the others
        total_loss = ((n - outliers) * loss + outliers) / n
        rank = (round(total_loss, 9), outliers, tuple(node[i][0] for i in priority))
        if best is None or rank < best[0]:
            best = (rank, node, small)
    if best is None:
        top = ", ".join(f"{qi.name} by {choices[-1][1]}" for qi, choices in zip(qis, options))
        raise ExportRefused(
            f"k={k} cannot be reached: even with the coarsest levels allowed ({top}), more than "
            f"{limit} of the {n} responses (the suppression cap of {suppression_cap:.0%}) would be in "
            f"groups smaller than {k}. Export a longer period or more collections together, allow "
            f"coarser levels, or ask for a higher suppression cap.")
    _, node, small = best
    return Plan(levels={qi.name: choice[1] for qi, choice in zip(qis, node)},
                rare={qi.name: choice[3] for qi, choice in zip(qis, node)},
                suppressed=small, drop_suppressed=0 < int(small.sum()) < k, nodes_searched=searched)


def _codes(keys: Sequence[Hashable]) -> np.ndarray:
    index: dict = {}
    return np.fromiter((index.setdefault(key, len(index)) for key in keys), dtype=np.int64, count=len(keys))


def _combine(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    _, inverse = np.unique(left * (int(right.max()) + 1) + right, return_inverse=True)
    return inverse.astype(np.int64)


# -- checks on the finished frame ------------------------------------------------------------------
def literal(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """QI columns as text with missing values as "*", the way the groups are counted everywhere."""
    out = pd.DataFrame(index=range(len(frame)))
    for name in columns:
        values = frame[name].reset_index(drop=True)
        out[name] = [("*" if _missing(v) else str(v)) for v in values]
    return out


def class_sizes(frame: pd.DataFrame, qi_columns: Sequence[str]) -> list[int]:
    """The size of every group of rows sharing all QI values (one group when there is no QI)."""
    if len(frame) == 0:
        return []
    if not qi_columns:
        return [len(frame)]
    return sorted(literal(frame, qi_columns).groupby(list(qi_columns), sort=False).size().tolist())


def l_diversity(frame: pd.DataFrame, qi_columns: Sequence[str], sensitive_columns: Sequence[str]) -> dict:
    """Distinct and entropy l-diversity of one sensitive variable (its columns taken together)."""
    groups = literal(frame, qi_columns) if qi_columns else pd.DataFrame({"_": ["all"] * len(frame)})
    values = [tuple("missing" if _missing(v) else str(v) for v in row)
              for row in frame[list(sensitive_columns)].itertuples(index=False)]
    per_class: dict[tuple, Counter] = {}
    for key, value in zip(groups.itertuples(index=False), values):
        per_class.setdefault(tuple(key), Counter())[value] += 1
    distinct = [len(counter) for counter in per_class.values()]
    entropy = []
    for counter in per_class.values():
        total = sum(counter.values())
        h = -sum(c / total * math.log(c / total) for c in counter.values())
        entropy.append(math.exp(h))
    return {"distinct_l": min(distinct) if distinct else 0,
            "entropy_l": round(min(entropy), 4) if entropy else 0.0,
            "classes_with_l_1": sum(1 for d in distinct if d == 1),
            "classes": len(distinct)}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
