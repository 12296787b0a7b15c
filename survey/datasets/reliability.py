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


class AlphaAccumulator:
    """Cronbach's alpha over rows given a block at a time, without keeping them: per item and for the
    total, the count, mean and sum of squared deviations of the complete rows, merged block by block
    (Chan, Golub and LeVeque's pairwise update), so the result is the same as `cronbach_alpha` on all
    rows at once, to rounding."""

    def __init__(self, items: int):
        if items < 2:
            raise ValueError("Cronbach's alpha needs at least two items")
        self.items = items
        self.n = 0
        self.mean = np.zeros(items)
        self.m2 = np.zeros(items)
        self.total_mean = 0.0
        self.total_m2 = 0.0

    def add(self, matrix: np.ndarray) -> None:
        """Item scores (already reverse-coded), one row per response, NaN for a missing item."""
        matrix = np.asarray(matrix, dtype=float)
        complete = matrix[~np.isnan(matrix).any(axis=1)]
        m = len(complete)
        if m == 0:
            return
        totals = complete.sum(axis=1)
        mean, total_mean = complete.mean(axis=0), float(totals.mean())
        m2 = ((complete - mean) ** 2).sum(axis=0)
        total_m2 = float(((totals - total_mean) ** 2).sum())
        n = self.n + m
        delta, total_delta = mean - self.mean, total_mean - self.total_mean
        self.m2 = self.m2 + m2 + delta ** 2 * self.n * m / n
        self.total_m2 = self.total_m2 + total_m2 + total_delta ** 2 * self.n * m / n
        self.mean = self.mean + delta * m / n
        self.total_mean = self.total_mean + total_delta * m / n
        self.n = n

    def result(self) -> Alpha:
        if self.n < 2 or self.total_m2 == 0:
            return Alpha(None, self.n, self.items)
        item_variances = float(self.m2.sum()) / (self.n - 1)
        total_variance = self.total_m2 / (self.n - 1)
        return Alpha(float(self.items / (self.items - 1) * (1 - item_variances / total_variance)), self.n, self.items)
