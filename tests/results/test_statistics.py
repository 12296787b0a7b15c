"""Estimates and their 95% intervals, checked against values computed by hand (and printed tables)."""
from __future__ import annotations

import math

import pytest

from survey.results.statistics import (Sums, mean_change, mean_estimate, share_change, share_estimate, t_quantile,
                                       wilson_interval)


@pytest.mark.parametrize("df, expected", [(1, 12.7062), (4, 2.7764), (9, 2.2622), (29, 2.0452), (120, 1.9799)])
def test_t_quantiles_match_the_printed_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-4)


def test_running_sums_give_the_mean_and_sample_variance():
    sums = Sums.of([2, 4, 4, 4, 5, 5, 7, 9])
    assert sums.mean == 5
    assert sums.variance == pytest.approx(32 / 7)


def test_sums_of_two_cells_add_up_to_the_sums_of_their_union():
    assert Sums.of([1, 2]) + Sums.of([3, 4, 5]) == Sums.of([1, 2, 3, 4, 5])


def test_mean_interval_is_students_t_interval():
    # 1..5: mean 3, s = sqrt(2.5), se = s / sqrt(5) = 0.70711, t(0.975, 4) = 2.77645 -> 3 ± 1.96324
    estimate = mean_estimate(Sums.of([1, 2, 3, 4, 5]))
    assert estimate.value == 3
    assert estimate.low == pytest.approx(1.03676, abs=1e-5)
    assert estimate.high == pytest.approx(4.96324, abs=1e-5)
    assert estimate.n == 5


def test_a_mean_of_one_answer_has_no_interval():
    assert mean_estimate(Sums.of([3])) is None


def test_share_interval_is_wilsons_score_interval():
    # 8 of 10: centre (0.8 + z²/20) / (1 + z²/10) = 0.71674, half-width 0.22658
    estimate = share_estimate(Sums.of([1] * 8 + [0] * 2))
    assert estimate.value == 0.8
    assert (estimate.low, estimate.high) == pytest.approx((0.49016, 0.94332), abs=1e-5)


def test_wilson_interval_stays_inside_zero_and_one_when_everyone_agrees():
    low, high = wilson_interval(12, 12)
    assert high == 1.0 and low == pytest.approx(0.75751, abs=1e-5)


def test_change_between_two_means_uses_welchs_interval():
    # now 1..5 (mean 3, var 2.5), then 2,2,2,3 (mean 2.25, var 0.25):
    # se² = 2.5/5 + 0.25/4 = 0.5625, df = 0.5625² / (0.5²/4 + 0.0625²/3) = 4.959, t = 2.5770,
    # half-width = 2.5770 * 0.75 = 1.9327
    found = mean_change(Sums.of([1, 2, 3, 4, 5]), Sums.of([2, 2, 2, 3]))
    df = 0.5625 ** 2 / (0.5 ** 2 / 4 + 0.0625 ** 2 / 3)
    half = t_quantile(0.975, df) * math.sqrt(0.5625)
    assert found.difference == pytest.approx(0.75)
    assert (found.low, found.high) == pytest.approx((0.75 - half, 0.75 + half))
    assert half == pytest.approx(1.9327, abs=1e-3)
    assert not found.clear


def test_change_between_two_shares_uses_newcombes_hybrid_score_interval():
    # 8/10 now (Wilson 0.49016–0.94332), 5/10 then (0.23659–0.76341):
    # low = 0.3 - sqrt((0.8-0.49016)² + (0.76341-0.5)²) = -0.10667
    # high = 0.3 + sqrt((0.94332-0.8)² + (0.5-0.23659)²) = 0.59987
    found = share_change(Sums.of([1] * 8 + [0] * 2), Sums.of([1] * 5 + [0] * 5))
    assert found.difference == pytest.approx(0.3)
    assert (found.low, found.high) == pytest.approx((-0.10667, 0.59987), abs=1e-5)


def test_a_change_whose_interval_leaves_out_zero_is_clear():
    found = share_change(Sums.of([1] * 90 + [0] * 10), Sums.of([1] * 40 + [0] * 60))
    assert found.clear and found.low > 0
