"""Cronbach's alpha of a scale, listwise and reverse-coded first, as a codebook reader expects it.

alpha = k/(k-1) * (1 - sum of item variances / variance of the total). pingouin and R's psych
default to pairwise deletion; a codebook must say which rows an alpha rests on, so here only rows
with every item answered count (listwise), and the number of those rows is returned beside it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class Alpha:
    value: float | None   # None: fewer than 2 complete rows, or no variance in the total
    n: int                # complete rows (every item answered) it rests on
    items: int


def cronbach_alpha(rows: Sequence[Sequence[float | None]]) -> Alpha:
    """Alpha over rows of item scores (already reverse-coded); a row with a missing item is left out."""
    matrix = np.array([[math.nan if v is None else float(v) for v in row] for row in rows], dtype=float)
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        raise ValueError("Cronbach's alpha needs at least two items")
    items = matrix.shape[1]
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n = len(complete)
    if n < 2:
        return Alpha(None, n, items)
    total_variance = complete.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return Alpha(None, n, items)
    item_variances = complete.var(axis=0, ddof=1).sum()
    return Alpha(float(items / (items - 1) * (1 - item_variances / total_variance)), n, items)
