"""The one disclosure rule: small cells hidden, and nothing hidden can be recovered by subtraction."""
from __future__ import annotations

import itertools
import random

import pytest

from survey.results.disclosure import TOTAL, DisclosureRule, public_rule, staff_rule

STAFF = DisclosureRule(5)


def test_counts_below_the_threshold_are_hidden_and_large_ones_shown():
    line = STAFF.protect_counts({"sv": 40, "ar": 12, "so": 3, "fa": 7})
    assert line.counts["so"] is None
    assert line.counts["sv"] == 40 and line.total == 62


def test_a_single_hidden_cell_takes_a_second_one_with_it_so_the_total_does_not_give_it_away():
    line = STAFF.protect_counts({"girls": 30, "boys": 28, "other": 2})
    # 60 - 30 - 28 would reveal the 2: the next smallest cell is hidden too
    assert line.counts["other"] is None and line.counts["boys"] is None
    assert line.counts["girls"] == 30 and line.total == 60


def test_two_hidden_cells_that_sum_below_the_threshold_hide_a_third():
    line = STAFF.protect_counts({"a": 1, "b": 2, "c": 20, "d": 30})
    assert line.counts["a"] is None and line.counts["b"] is None and line.counts["c"] is None
    assert line.counts["d"] == 30


def test_a_small_total_hides_the_whole_line():
    line = STAFF.protect_counts({"a": 1, "b": 2})
    assert line.total is None and set(line.counts.values()) == {None}


def test_public_pages_use_a_higher_threshold_than_staff_pages():
    assert staff_rule({}).threshold == 5 and public_rule({}).threshold == 10
    assert public_rule({"PUBLIC_MIN_CELL": 15}).threshold == 15
    assert public_rule({}).protect_counts({"a": 9, "b": 40, "c": 30}).counts["a"] is None
    assert staff_rule({}).protect_counts({"a": 9, "b": 40, "c": 30}).counts["a"] == 9


def test_a_threshold_below_two_is_refused():
    with pytest.raises(ValueError):
        DisclosureRule(1)


def test_cells_hidden_in_a_linked_table_stay_hidden():
    line = STAFF.protect_counts({"a": 20, "b": 30, "c": 40}, also_hide={"a"})
    assert line.counts["a"] is None and sum(v is None for v in line.counts.values()) >= 2


def recoverable(table, rule) -> list:
    """Hidden cells an attacker pins down exactly from the shown cells and margins (interval bounds)."""
    leaks = []
    rows, columns = table.rows, table.columns
    for r, c in itertools.product(rows, columns):
        if table.get(r, c) is not None:
            continue
        for line, total_cell in (([(r, x) for x in columns], (r, TOTAL)), ([(x, c) for x in rows], (TOTAL, c))):
            total = table.cells[total_cell]
            if total is None:
                continue
            others_hidden = [cell for cell in line if table.cells[cell] is None and cell != (r, c)]
            if not others_hidden:
                leaks.append((r, c))
    return leaks


def test_random_tables_never_leave_a_hidden_cell_recoverable_by_subtraction():
    rng = random.Random(7)
    for _ in range(300):
        table = {f"r{i}": {f"c{j}": rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40]) for j in range(rng.randint(1, 4))}
                 for i in range(rng.randint(1, 4))}
        protected = STAFF.protect_table(table)
        assert not recoverable(protected, STAFF), (table, protected.cells)
        for cell, value in protected.cells.items():
            assert value is None or value >= 5, (table, cell)
        # every line with a shown total hides nothing, or at least two cells summing to the threshold
        for r in protected.rows:
            if protected.get(r, TOTAL) is None:
                continue
            hidden = [table[r].get(c, 0) for c in protected.columns if protected.get(r, c) is None]
            assert not hidden or (len(hidden) >= 2 and sum(hidden) >= 5), (table, protected.cells)
