"""Fixed result tables on the one disclosure rule: linked tables hide together, figures come only
with shown counts, and a mean never gives a hidden distribution away."""
from __future__ import annotations

import pytest

from survey.results.disclosure import TOTAL, DisclosureRule
from survey.results.statistics import Sums
from survey.results.tables import change, distribution, figure_tables, linked_hides, protected

STAFF = DisclosureRule(5)
GENDERS = ["girls", "boys", "other"]


def sums_table(rows: dict) -> dict:
    """{collection: {gender: [values...]}} -> {(collection, gender): Sums}"""
    return {(row, g): Sums.of(values) for row, cells in rows.items() for g, values in cells.items()}


def test_a_coarse_cell_made_of_one_hidden_fine_cell_and_shown_ones_is_hidden_too():
    # the subtraction case across tables: b's 3 boys are hidden (with c's 2, so the collections
    # table is safe), a's 30 boys are shown. Showing the follow-up wave's boys (a + b = 33) beside
    # a's 30 would give b's 3 away.
    fine = protected(STAFF, {"a": {"girls": 40, "boys": 30, "other": 25},
                             "b": {"girls": 20, "boys": 3, "other": 2},
                             "c": {"girls": 25, "boys": 2, "other": 3}})
    assert ("b", "boys") in fine.hidden and ("a", "boys") not in fine.hidden
    hides = linked_hides(fine, {"a": "follow-up", "b": "follow-up", "c": "baseline"}.get)
    assert ("follow-up", "boys") in hides


def test_a_coarse_cell_holding_two_hidden_cells_of_at_least_the_threshold_may_be_shown():
    fine = protected(STAFF, {"a": {"girls": 40, "boys": 3, "other": 30},
                             "b": {"girls": 20, "boys": 4, "other": 25}})
    hidden_boys = [cell for cell in fine.hidden if cell[1] == "boys"]
    assert len(hidden_boys) == 2
    assert ("all", "boys") not in linked_hides(fine, lambda _row: "all")


def test_a_margin_hidden_in_the_fine_table_is_hidden_in_the_coarse_one():
    fine = protected(STAFF, {"a": {"girls": 2, "boys": 1}})
    assert (TOTAL, "girls") in fine.hidden
    assert (TOTAL, "girls") in linked_hides(fine, lambda _row: "all")


def test_figures_by_wave_keep_hidden_what_the_collections_table_hid():
    sums = sums_table({"a": {"girls": [1] * 30 + [0] * 10, "boys": [1] * 20 + [0] * 10, "other": [1, 0]},
                       "b": {"girls": [1] * 8, "boys": [0] * 9, "other": []}})
    fine, coarse = figure_tables(STAFF, sums, is_share=True, group_of=lambda _c: "follow-up",
                                 columns_order=GENDERS)
    assert fine.get("a", "other").hidden
    # a's 2 "other" are hidden; wave total 'other' = 2 + 0 would give them away
    assert coarse.get("follow-up", "other").hidden
    assert coarse.get("follow-up", "girls").estimate.value == pytest.approx(38 / 48)


def test_a_figure_says_how_many_people_and_collections_stand_behind_it():
    sums = sums_table({"a": {"girls": [3.0] * 10, "boys": [2.0] * 12},
                       "b": {"girls": [4.0] * 6, "boys": [1.0] * 7}})
    _fine, coarse = figure_tables(STAFF, sums, is_share=False, group_of=lambda _c: "all", columns_order=["girls", "boys"])
    cell = coarse.get("all", "girls")
    assert cell.sums.n == 16 and cell.collections == 2
    assert cell.estimate.value == pytest.approx((30 + 24) / 16)


def test_change_from_baseline_is_computed_from_shown_figures_only():
    now = sums_table({"a": {"girls": [1] * 30 + [0] * 10, "boys": [1] * 3, "other": [0] * 30}})
    then = sums_table({"z": {"girls": [1] * 20 + [0] * 20, "boys": [1] * 20, "other": [0] * 20}})
    _f, now_table = figure_tables(STAFF, now, is_share=True, group_of=lambda _c: "all", columns_order=GENDERS)
    _f, then_table = figure_tables(STAFF, then, is_share=True, group_of=lambda _c: "all", columns_order=GENDERS)
    girls = change(now_table.get("all", "girls"), then_table.get("all", "girls"), is_share=True)
    assert girls.difference == pytest.approx(0.75 - 0.5)
    assert change(now_table.get("all", "boys"), then_table.get("all", "boys"), is_share=True) is None


def test_a_distribution_with_a_hidden_answer_hides_every_answer_but_keeps_the_mean():
    # 2, 5, 20 answers of 3, 4, 5: with the 2 hidden, the mean and the total would give it back
    # by subtraction unless the whole distribution is hidden.
    line = distribution(STAFF, {"3": 2, "4": 5, "5": 20})
    assert set(line.counts.values()) == {None}
    assert line.n == 27 and line.mean == pytest.approx((6 + 20 + 100) / 27)


def test_a_distribution_with_no_small_answer_is_shown_whole():
    line = distribution(STAFF, {"4": 6, "5": 20})
    assert line.counts == {"4": 6, "5": 20} and line.n == 26


def test_a_distribution_of_fewer_people_than_the_threshold_shows_nothing():
    line = distribution(STAFF, {"4": 2, "5": 1})
    assert line.n is None and line.mean is None
