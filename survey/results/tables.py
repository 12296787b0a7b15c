"""Fixed result tables built on the one disclosure rule, and kept consistent with each other.

Every figure is computed from a fine table (rows = collections, columns = groups such as gender)
that passes the rule first; a coarser table (rows = waves, audiences, or one row for everything)
is summed from it and passes the rule again, told to hide every cell that would give away a cell
hidden in the fine table by subtraction (`linked_hides`). So a cell hidden in one table stays
hidden in every table made from the same fine table, and charts draw from the same protected
cells as the tables beside them. Means and shares are shown only for cells whose count is shown.
Plain Python: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable, Mapping

from .disclosure import TOTAL, DisclosureRule, ProtectedTable
from .statistics import Change, Estimate, Sums, mean_change, mean_estimate, share_change, share_estimate


@dataclass(frozen=True)
class Protection:
    """A protected table with the true counts behind it (kept to link coarser tables, never shown)."""
    table: ProtectedTable
    values: dict
    threshold: int

    @property
    def hidden(self) -> frozenset:
        return self.table.hidden


def linked_hides(fine: Protection, group_of: Callable[[Hashable], Hashable]) -> set[tuple]:
    """Cells of the coarse table (rows grouped by `group_of`) that would reveal a hidden fine cell.

    A coarse cell is the sum of its fine cells; shown together with the shown fine cells it gives
    away the sum of the hidden ones. That is safe only when two or more hidden cells share it and
    they hold at least the threshold between them (the rule's own standard for a line).
    """
    members: dict[tuple, list[tuple]] = {}
    for row in fine.table.rows:
        for column in [*fine.table.columns, TOTAL]:
            members.setdefault((group_of(row), column), []).append((row, column))
    for column in [*fine.table.columns, TOTAL]:
        members[(TOTAL, column)] = [(TOTAL, column)]
    hide = set()
    for coarse_cell, cells in members.items():
        hidden = [cell for cell in cells if cell in fine.hidden]
        if not hidden:
            continue
        if len(hidden) == 1 or sum(fine.values[c] for c in hidden) < fine.threshold:
            hide.add(coarse_cell)
    return hide


@dataclass(frozen=True)
class FigureCell:
    """One shown or hidden figure: its count, estimate and how many collections stand behind it."""
    sums: Sums | None          # None: hidden
    estimate: Estimate | None
    collections: int

    @property
    def hidden(self) -> bool:
        return self.sums is None


@dataclass(frozen=True)
class FigureTable:
    """Estimates per (row, column) with margins under TOTAL; every cell already passed the rule."""
    rows: list
    columns: list
    cells: dict                # (row, column) -> FigureCell
    is_share: bool

    def get(self, row, column) -> FigureCell:
        return self.cells[(row, column)]

    @property
    def hidden_count(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.hidden)


def figure_tables(rule: DisclosureRule, sums: Mapping[tuple, Sums], *, is_share: bool,
                  group_of: Callable[[Hashable], Hashable], rows_order: list | None = None,
                  columns_order: list | None = None) -> tuple[FigureTable, FigureTable]:
    """The fine table (rows = the first key of `sums`, e.g. collections) and the coarse one
    (rows grouped by `group_of`), both protected and linked. `sums`: (fine row, column) -> Sums."""
    fine_rows = list(dict.fromkeys(row for row, _ in sums))
    columns = columns_order or list(dict.fromkeys(column for _, column in sums))
    counts = {row: {column: sums.get((row, column), Sums()).n for column in columns} for row in fine_rows}
    fine = protected(rule, counts)
    coarse_rows = rows_order or list(dict.fromkeys(group_of(row) for row in fine_rows))
    coarse_counts = {group: {column: 0 for column in columns} for group in coarse_rows}
    for row in fine_rows:
        for column in columns:
            coarse_counts[group_of(row)][column] += counts[row][column]
    coarse = protected(rule, coarse_counts, also_hide=linked_hides(fine, group_of))
    fine_sums = _with_margins(sums, fine_rows, columns, lambda row: row)
    coarse_sums = _with_margins(sums, fine_rows, columns, group_of)
    return (_figures(fine, fine_sums, is_share), _figures(coarse, coarse_sums, is_share))


def protected(rule: DisclosureRule, counts: Mapping, also_hide=()) -> Protection:
    """rule.protect_table, keeping the threshold and the true counts for linked tables."""
    table = rule.protect_table(counts, also_hide=also_hide)
    values = {(r, c): int(counts[r].get(c, 0)) for r in table.rows for c in table.columns}
    for r in table.rows:
        values[(r, TOTAL)] = sum(values[(r, c)] for c in table.columns)
    for c in [*table.columns, TOTAL]:
        values[(TOTAL, c)] = sum(values[(r, c)] for r in table.rows)
    return Protection(table, values, rule.threshold)


def _with_margins(sums: Mapping[tuple, Sums], rows: list, columns: list, group_of) -> dict[tuple, tuple[Sums, set]]:
    """(group, column) -> (summed Sums, the fine rows with any answers), margins under TOTAL."""
    out: dict[tuple, tuple[Sums, set]] = {}

    def add(key, value: Sums, row):
        total, behind = out.get(key, (Sums(), set()))
        out[key] = (total + value, behind | ({row} if value.n else set()))
    for row in rows:
        for column in columns:
            value = sums.get((row, column), Sums())
            for key in ((group_of(row), column), (group_of(row), TOTAL), (TOTAL, column), (TOTAL, TOTAL)):
                add(key, value, row)
    return out


def _figures(protection: Protection, sums: Mapping[tuple, tuple[Sums, set]], is_share: bool) -> FigureTable:
    table, cells = protection.table, {}
    for cell, count in table.cells.items():
        total, behind = sums.get(cell, (Sums(), set()))
        if count is None:
            cells[cell] = FigureCell(None, None, len(behind))
        else:
            cells[cell] = FigureCell(total, estimate(total, is_share), len(behind))
    return FigureTable(rows=table.rows, columns=table.columns, cells=cells, is_share=is_share)


def estimate(sums: Sums, is_share: bool) -> Estimate | None:
    return share_estimate(sums) if is_share else mean_estimate(sums)


def change(now: FigureCell, then: FigureCell, is_share: bool) -> Change | None:
    """The change between two shown figures; None when either is hidden or too small to compare."""
    if now.hidden or then.hidden:
        return None
    return share_change(now.sums, then.sums) if is_share else mean_change(now.sums, then.sums)


@dataclass(frozen=True)
class Distribution:
    """Counts per answer value with their mean; the counts are shown only when none is hidden,
    since the mean and the total would give a hidden pair away by subtraction."""
    counts: dict               # value -> count or None
    n: int | None
    mean: float | None


def distribution(rule: DisclosureRule, counts: Mapping[Hashable, int]) -> Distribution:
    line = rule.protect_counts(counts)
    if line.hidden_keys:
        line = rule.protect_counts(counts, also_hide=list(counts))
    n = line.total
    mean = (sum(float(value) * count for value, count in counts.items()) / n) if n else None
    return Distribution(counts=line.counts, n=n, mean=mean)
