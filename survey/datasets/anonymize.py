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
from dataclasses import dataclass, replace
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
    suppressed: np.ndarray                 # per row (or per combination, see weights): QI values replaced
    drop_suppressed: bool                  # the suppressed rows are too few to form a group of k
    nodes_searched: int
    weights: np.ndarray | None = None      # rows each entry of `suppressed` stands for; None: one row each

    @property
    def suppressed_rows(self) -> int:
        if self.weights is None:
            return int(self.suppressed.sum())
        return int(self.weights[self.suppressed].sum())


def plan(qis: Sequence[QuasiIdentifier], raws: Mapping[str, Sequence[Hashable]], k: int,
         suppression_cap: float, coarsest: Mapping[str, str] | None = None) -> Plan:
    """Choose one level per QI and the rows to suppress, or refuse. The plan's `suppressed` is per
    row; `plan_combinations` chooses it, on the rows' distinct combinations of raw values."""
    uniques, row_codes = {}, []
    for qi in qis:
        index: dict = {}
        values = raws[qi.name]
        row_codes.append(np.fromiter((index.setdefault(raw, len(index)) for raw in values), dtype=np.int64,
                                     count=len(values)))
        uniques[qi.name] = list(index)
    n = len(row_codes[0]) if row_codes else 0
    if n:
        _, firsts, combo_of_row, weights = _distinct(row_codes, n)
    else:
        firsts = combo_of_row = weights = np.zeros(0, np.int64)
    chosen = plan_combinations(qis, uniques, [codes[firsts] for codes in row_codes], weights, k,
                               suppression_cap, coarsest)
    return replace(chosen, suppressed=chosen.suppressed[combo_of_row.reshape(-1)], weights=None)


def plan_combinations(qis: Sequence[QuasiIdentifier], uniques: Mapping[str, Sequence[Hashable]],
                      combo_codes: Sequence[np.ndarray], weights: np.ndarray, k: int, suppression_cap: float,
                      coarsest: Mapping[str, str] | None = None) -> Plan:
    """`plan` on the rows given as distinct combinations of raw QI codes: per QI its distinct raw
    values (`uniques`) and each combination's index into them (`combo_codes`, in the order of `qis`),
    and how many rows each combination stands for (`weights`). The plan's `suppressed` is per
    combination, with those weights.

    The search never looks at rows one by one: every rule depends on a row only through its raw QI
    values, so each node of the lattice counts its groups over the combinations (bounded by the QIs'
    domains, not by the rows) instead of over all rows, with the same result row for row.
    """
    weights = np.asarray(weights, dtype=np.int64)
    n = int(weights.sum())
    if n < k:
        raise ExportRefused(
            f"There are only {n} responses. An anonymized dataset needs at least k={k}, so that every "
            f"respondent shares their combination of background answers with at least {k - 1} others. "
            f"Wait for more responses, or export several collections together.")
    coarsest = dict(coarsest or {})
    unknown = set(coarsest) - {qi.name for qi in qis}
    if unknown:
        raise ValueError(f"coarsest names quasi-identifiers this questionnaire does not have: {sorted(unknown)}")

    combo_codes = [np.asarray(codes, dtype=np.int64) for codes in combo_codes]
    raw_counts = {qi.name: np.bincount(combo_codes[i], weights=weights, minlength=len(uniques[qi.name])).astype(np.int64)
                  for i, qi in enumerate(qis)}

    options: list[list[tuple[int, str, np.ndarray, frozenset]]] = []   # per QI: (index, level, combo codes, rare)
    for position, qi in enumerate(qis):
        counts_by_raw = raw_counts[qi.name]
        allowed = qi.levels[:qi.levels.index(coarsest[qi.name]) + 1] if qi.name in coarsest else qi.levels
        choices = []
        for index, level in enumerate(allowed):
            keys = [qi.key(raw, level) for raw in uniques[qi.name]]       # per distinct raw value, not per row
            rare = frozenset()
            if level in qi.merges_rare:
                counts: Counter = Counter()
                for key, count in zip(keys, counts_by_raw.tolist()):
                    if key is not None and count:
                        counts[key] += count
                other = qi.other_key(level)
                rare = frozenset(key for key, count in counts.items() if count < k and key != other)
                keys = [other if key in rare else key for key in keys]
                merged = sum(count for key, count in zip(keys, counts_by_raw.tolist()) if key == other)
                if 0 < merged < k:
                    continue   # "other" itself would stand out: go up a level
            key_codes = _codes(keys)
            choices.append((index, level, key_codes[combo_codes[position]], rare))
        if not choices:
            raise ExportRefused(
                f"{qi.name} cannot be coarsened enough within the levels allowed "
                f"(at most {coarsest.get(qi.name, qi.levels[-1])}). Allow a coarser level.")
        options.append(choices)

    limit = math.floor(suppression_cap * n)
    weights_f = weights.astype(np.float64)
    qi_weights = [qi.weight for qi in qis]
    # age and gender (weight 2) are kept fine before date, activity and languages on a tie
    priority = sorted(range(len(qis)), key=lambda i: (-qi_weights[i], i))
    best = None
    searched = 0
    groups = _LatticeGroups(weights_f)
    # each choice's share of a node's loss, worked out once per choice rather than once per node
    shares = [[w * index / (len(qi.levels) - 1) for index, *_rest in choices]
              for w, qi, choices in zip(qi_weights, qis, options)]
    total_weight = sum(qi_weights)
    for node, node_shares in zip(itertools.product(*options), itertools.product(*shares)):
        searched += 1
        loss = sum(node_shares) / total_weight   # added in the QIs' order, as before
        if best is not None and loss > best[0][0] + 1e-6:
            continue   # its total loss is at least its loss: it cannot beat the best one, whatever it suppresses
        small = groups.small([codes for _, _, codes, _ in node], k)   # per combination
        outliers = int(weights[small].sum())
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
    suppressed_rows = int(weights[small].sum())
    return Plan(levels={qi.name: choice[1] for qi, choice in zip(qis, node)},
                rare={qi.name: choice[3] for qi, choice in zip(qis, node)},
                suppressed=small, drop_suppressed=0 < suppressed_rows < k, nodes_searched=searched,
                weights=weights)


def _codes(keys: Sequence[Hashable]) -> np.ndarray:
    index: dict = {}
    return np.fromiter((index.setdefault(key, len(index)) for key in keys), dtype=np.int64, count=len(keys))


def _combine(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One code per distinct (left, right) pair, dense from 0."""
    if len(left) == 0:
        return left
    _, inverse = np.unique(left * (int(right.max()) + 1) + right, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1)


def _small_groups(codes: list[np.ndarray], weights: np.ndarray, k: int) -> np.ndarray:
    """Per combination: whether the rows sharing its codes in every column are fewer than k (the
    rule `_LatticeGroups` keeps incrementally, counted here from scratch)."""
    if len(weights) == 0:
        return np.zeros(0, dtype=bool)
    inverse = _distinct(codes, len(weights))[2].reshape(-1)
    return np.bincount(inverse, weights=weights)[inverse] < k


class _LatticeGroups:
    """`_small_groups` for the nodes of the lattice in the order itertools.product gives them: the
    groups of each leading run of QIs are kept, numbered densely, and reused by the next nodes that
    share it (the last QI changes at every node, the first one rarely), so a node costs about one
    column's work, not one per QI. The groups, and so the result, are the same as `_small_groups`'."""

    def __init__(self, weights: np.ndarray):
        self.weights = weights
        self.n = len(weights)
        self.columns: list[np.ndarray] = []
        self.keys: list[tuple[np.ndarray, int]] = []   # per leading run of QIs: (group per combination, groups)
        self.radix: dict[int, int] = {}

    def small(self, columns: list[np.ndarray], k: int) -> np.ndarray:
        if self.n == 0:
            return np.zeros(0, dtype=bool)
        same = 0
        while same < min(len(columns), len(self.columns)) and columns[same] is self.columns[same]:
            same += 1
        del self.keys[same:]
        for depth in range(same, len(columns)):
            column = columns[depth]
            radix = self.radix.get(id(column))
            if radix is None:
                radix = self.radix[id(column)] = int(column.max()) + 1
            key, space = self.keys[-1] if self.keys else (np.zeros(self.n, dtype=np.int64), 1)
            key, space = key * radix + column, space * radix
            if space > 4 * self.n:   # renumber densely, so the next QI's key cannot overflow either
                uniques, key = np.unique(key, return_inverse=True)
                key, space = key.reshape(-1), len(uniques)
            self.keys.append((key, space))
        self.columns = list(columns)
        key, space = self.keys[-1] if self.keys else (np.zeros(self.n, dtype=np.int64), 1)
        sizes = np.bincount(key, weights=self.weights, minlength=space)
        return sizes[key] < k


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
    return _diversity(per_class)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


class ClassCounter:
    """Group sizes and l-diversity counted block by block from the rows as built, the way `class_sizes`
    and `l_diversity` count them on a whole frame: QI cells read literally (missing and "*" alike),
    sensitive cells as text or "missing". Only the distinct combinations are kept, never the rows.

    `tables`: QI columns whose cells are looked up in a fixed small table (column -> the table): each
    block then names each row's table entry (`add(..., entries=)`), the table is read literally once,
    and a group is known by a number (its literal codes in mixed radix) instead of a tuple of texts."""

    def __init__(self, qi_columns: Sequence[str], sensitive: Mapping[str, Sequence[str]],
                 tables: Mapping[str, Sequence] | None = None):
        self.qi_columns = list(qi_columns)
        self.sensitive = dict(sensitive)
        self.classes: Counter = Counter()                                  # group -> rows
        self.values: dict[str, Counter] = {var: Counter() for var in self.sensitive}   # (group, values) -> rows
        self.canonical = None
        if tables is not None and set(self.qi_columns) <= set(tables):
            canonical, radices = [], []
            for name in self.qi_columns:
                literals: dict = {}
                canonical.append(np.array([literals.setdefault("*" if _missing(v) or v == "*" else str(v), len(literals))
                                           for v in tables[name]], dtype=np.int64))
                radices.append(len(literals))
            if math.prod(radices) < 2 ** 62:
                self.canonical, self.radices = canonical, radices

    def add(self, block: Mapping[str, np.ndarray], entries: Mapping[str, np.ndarray] | None = None,
            weights: np.ndarray | None = None) -> None:
        """Count the rows of `block` (QI and sensitive columns); `weights`: the rows each stands for."""
        size = len(next(iter(block.values()))) if block else 0
        if size == 0:
            return
        weights = np.ones(size, np.int64) if weights is None else np.asarray(weights, np.int64)
        keys, inverse = self._groups(block, entries, size)
        self._add_classes(keys, inverse, weights)
        for var in self.sensitive:
            self._add_values(var, block, keys, inverse, weights, size)

    def add_classes(self, block: Mapping[str, np.ndarray], entries: Mapping[str, np.ndarray] | None,
                    weights: np.ndarray) -> None:
        """Count the group sizes only, from the QI columns of `block`, each row standing for `weights` rows."""
        size = len(next(iter(block.values()))) if block else 0
        if size:
            self._add_classes(*self._groups(block, entries, size), np.asarray(weights, np.int64))

    def add_values(self, var: str, block: Mapping[str, np.ndarray], entries: Mapping[str, np.ndarray] | None,
                   weights: np.ndarray) -> None:
        """Count one sensitive variable's values per group only (`block`: QI and that variable's columns)."""
        size = len(next(iter(block.values()))) if block else 0
        if size:
            keys, inverse = self._groups(block, entries, size)
            self._add_values(var, block, keys, inverse, np.asarray(weights, np.int64), size)

    def _groups(self, block, entries, size: int) -> tuple[list, np.ndarray]:
        """The distinct groups of the block's rows (their keys) and each row's index into them."""
        if self.canonical is not None and entries is not None:
            number = np.zeros(size, dtype=np.int64)
            for name, canonical, radix in zip(self.qi_columns, self.canonical, self.radices):
                number = number * radix + canonical[entries[name]]
            groups, inverse = np.unique(number, return_inverse=True)
            keys = groups.tolist()
        else:
            qi_codes, qi_literals = _literal_codes([block[name] for name in self.qi_columns], "*", size)
            _, first, inverse, _ = _distinct(qi_codes, size)
            keys = [tuple(qi_literals[j][qi_codes[j][row]] for j in range(len(qi_codes))) for row in first.tolist()]
        return keys, inverse.reshape(-1)

    def _add_classes(self, keys: list, inverse: np.ndarray, weights: np.ndarray) -> None:
        for key, count in zip(keys, _weighted_counts(inverse, weights, len(keys))):
            if count:
                self.classes[key] += count

    def _add_values(self, var: str, block, keys: list, inverse: np.ndarray, weights: np.ndarray, size: int) -> None:
        codes, literals = _literal_codes([block[name] for name in self.sensitive[var]], "missing", size)
        _, pair_first, pair_inverse, _ = _distinct([inverse, *codes], size)
        counts = _weighted_counts(pair_inverse.reshape(-1), weights, len(pair_first))
        for row, count in zip(pair_first.tolist(), counts):
            if count:
                value = tuple(literals[j][codes[j][row]] for j in range(len(codes)))
                self.values[var][(keys[inverse[row]], value)] += count

    def sizes(self) -> list[int]:
        return sorted(self.classes.values())

    def l_diversity(self, var: str) -> dict:
        per_class: dict[tuple, Counter] = {}
        for (key, value), count in self.values[var].items():
            per_class.setdefault(key, Counter())[value] += count
        return _diversity(per_class)


def _weighted_counts(index: np.ndarray, weights: np.ndarray, size: int) -> list[int]:
    """Per value of `index` (0..size-1): the sum of the weights of its rows, as whole numbers."""
    # float sums of whole numbers are exact below 2**53 rows
    return np.bincount(index, weights=weights, minlength=size).astype(np.int64).tolist()


def _literal_codes(arrays: Sequence[np.ndarray], missing: str, size: int) -> tuple[list[np.ndarray], list[list]]:
    """Per column: a code per row, and the literal text of each code (missing values one literal)."""
    codes, literals = [], []
    for values in arrays:
        series = pd.Series(values)
        if series.dtype == object:
            series = series.where(series.notna(), missing)
        found, uniques = pd.factorize(series, use_na_sentinel=True)
        texts = [str(v) for v in uniques] + [missing]
        codes.append(np.where(found < 0, len(uniques), found).astype(np.int64))
        literals.append(texts)
    return codes, literals


def _distinct(codes: Sequence[np.ndarray], size: int):
    """numpy.unique (values, first, inverse, counts) over the rows of `codes` (one array of
    non-negative codes per column), in the rows' lexicographic order: one mixed-radix int64 key per
    row when the codes fit one (they nearly always do), else pairwise renumbering (the same order)."""
    if not codes:
        zero = np.zeros(size, dtype=np.int64)
        return np.zeros(1, np.int64), np.zeros(1, np.int64), zero, np.array([size])
    if size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, empty
    key, space = np.zeros(size, dtype=np.int64), 1
    for column in codes:
        radix = int(column.max()) + 1
        if space * radix >= 2 ** 62:
            key = codes[0]
            for more in codes[1:]:
                key = _combine(key, more)
            break
        key, space = key * radix + column, space * radix
    return np.unique(key, return_index=True, return_inverse=True, return_counts=True)


def _diversity(per_class: Mapping[tuple, Counter]) -> dict:
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
