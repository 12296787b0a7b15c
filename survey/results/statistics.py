"""Estimates with 95% confidence intervals, from running sums alone (n, sum, sum of squares).

A mean gets Student's t-interval; a share gets Wilson's score interval, which stays inside 0..1
and behaves with small groups and shares near 0 or 1 where the textbook Wald interval fails.
A change between two independent samples gets Welch's interval (means) or Newcombe's hybrid
score interval built from the two Wilson intervals (shares, Newcombe 1998, method 10).
Plain Python: no Flask, no database, no SciPy (Student's t quantile is computed here).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

Z95 = 1.959963984540054   # the standard normal's 97.5th percentile


@dataclass(frozen=True)
class Sums:
    """What a tally keeps per cell: each answer's value x (a score, or 1/0 for a share)."""
    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)

    @classmethod
    def of(cls, values) -> Sums:
        values = list(values)
        return cls(len(values), float(sum(values)), float(sum(v * v for v in values)))

    @property
    def mean(self) -> float:
        return self.total / self.n

    @property
    def variance(self) -> float:
        """The sample variance (n - 1 in the denominator); never below 0 from rounding."""
        if self.n < 2:
            return 0.0
        return max(0.0, (self.total_sq - self.total * self.total / self.n) / (self.n - 1))


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class Change:
    difference: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """Whether the interval leaves out zero: a change the data can tell from no change."""
        return self.low > 0 or self.high < 0


def mean_estimate(sums: Sums) -> Estimate | None:
    if sums.n < 2:
        return None
    half = t_quantile(0.975, sums.n - 1) * math.sqrt(sums.variance / sums.n)
    return Estimate(sums.mean, sums.mean - half, sums.mean + half, sums.n)


def share_estimate(sums: Sums) -> Estimate | None:
    """`sums.total` counts the answers in the indicator's categories out of `sums.n`."""
    if sums.n < 1:
        return None
    low, high = wilson_interval(round(sums.total), sums.n)
    return Estimate(sums.total / sums.n, low, high, sums.n)


def wilson_interval(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = hits / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_change(now: Sums, then: Sums) -> Change | None:
    """now - then, with Welch's interval (unequal variances, Welch–Satterthwaite degrees of freedom)."""
    if now.n < 2 or then.n < 2:
        return None
    a, b = now.variance / now.n, then.variance / then.n
    difference = now.mean - then.mean
    if a + b == 0:
        return Change(difference, difference, difference)
    df = (a + b) ** 2 / (a * a / (now.n - 1) + b * b / (then.n - 1)) if a * b else (
        now.n - 1 if a else then.n - 1)
    half = t_quantile(0.975, df) * math.sqrt(a + b)
    return Change(difference, difference - half, difference + half)


def share_change(now: Sums, then: Sums) -> Change | None:
    """now - then, with Newcombe's hybrid score interval."""
    if now.n < 1 or then.n < 1:
        return None
    p1, p2 = now.total / now.n, then.total / then.n
    l1, u1 = wilson_interval(round(now.total), now.n)
    l2, u2 = wilson_interval(round(then.total), then.n)
    difference = p1 - p2
    return Change(difference, difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
                  difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


# -- Student's t ---------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def t_quantile(probability: float, df: float) -> float:
    """The `probability` quantile of Student's t with `df` degrees of freedom: Newton's method on
    the exact CDF from the Cornish–Fisher start (a few steps; cached, as pages ask for the same n)."""
    if not 0 < probability < 1 or df <= 0:
        raise ValueError("probability must be in (0, 1) and df positive")
    if probability == 0.5:
        return 0.0
    if probability < 0.5:
        return -t_quantile(1 - probability, df)
    z = NormalDist().inv_cdf(probability)
    t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df)
    for _ in range(100):
        step = (t_cdf(t, df) - probability) / t_pdf(t, df)
        # never step past zero: the CDF is steep near 0 and flat in the tails
        t = max(t - step, t / 2)
        if abs(step) < 1e-12 * max(1.0, t):
            break
    return t


def t_pdf(t: float, df: float) -> float:
    log_density = (math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
                   - (df + 1) / 2 * math.log1p(t * t / df))
    return math.exp(log_density)


def t_cdf(t: float, df: float) -> float:
    x = df / (df + t * t)
    tail = 0.5 * regularized_beta(x, df / 2, 0.5)
    return 1 - tail if t >= 0 else tail


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) by its continued fraction (modified Lentz), as in Numerical Recipes' betai."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1 - math.exp(log_front) * _beta_fraction(1 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return result
