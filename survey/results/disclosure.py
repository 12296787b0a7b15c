"""The one disclosure rule: counts too small to show safely are hidden, and so is any cell that
could be recovered by subtracting the shown cells from a shown total.

Every aggregated figure (the live overview, the exports' reports, the yearly report, public
results) passes through here. The threshold is fewer than 5 on staff pages and fewer than 10 on
anything public (settings STAFF_MIN_CELL and PUBLIC_MIN_CELL). Following the ESSnet handbook on
statistical disclosure control: primary suppression of small cells, then secondary suppression
until every line with a shown total hides either nothing or at least two cells summing to the
threshold, repeated until stable. A total below the threshold is hidden with its line.
Plain Python: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Mapping

STAFF_MIN_CELL = 5
PUBLIC_MIN_CELL = 10
TOTAL = "total"


@dataclass(frozen=True)
class DisclosureRule:
    threshold: int

    def __post_init__(self):
        if self.threshold < 2:
            raise ValueError("a disclosure threshold below 2 protects nobody")

    def protect_counts(self, counts: Mapping[Hashable, int], also_hide=()) -> Protected:
        """One line of counts with its total (the total is shown when it is large enough)."""
        table = self.protect_table({None: dict(counts)}, also_hide={(None, key) for key in also_hide})
        return Protected({key: table.cells[(None, key)] for key in counts},
                         total=table.cells[(None, TOTAL)], hidden_keys={k for (_r, k) in table.hidden if k != TOTAL})

    def protect_table(self, table: Mapping[Hashable, Mapping[Hashable, int]], also_hide=()) -> ProtectedTable:
        """Rows of counts with row, column and grand totals; `also_hide` carries cells hidden in a linked table."""
        rows = list(table)
        columns = list(dict.fromkeys(col for row in rows for col in table[row]))
        values: dict[tuple, int] = {(r, c): int(table[r].get(c, 0)) for r in rows for c in columns}
        for r in rows:
            values[(r, TOTAL)] = sum(values[(r, c)] for c in columns)
        for c in columns:
            values[(TOTAL, c)] = sum(values[(r, c)] for r in rows)
        values[(TOTAL, TOTAL)] = sum(values[(r, TOTAL)] for r in rows)

        hidden = {cell for cell, n in values.items() if n < self.threshold} | (set(also_hide) & set(values))
        lines = [[(r, c) for c in columns] + [(r, TOTAL)] for r in [*rows, TOTAL]]
        lines += [[(r, c) for r in rows] + [(TOTAL, c)] for c in [*columns, TOTAL]]
        changed = True
        while changed:
            changed = False
            for line in lines:
                *inner, total = line
                if total in hidden:
                    # a hidden total with every inner cell shown could be summed back
                    if inner and not any(cell in hidden for cell in inner):
                        hidden.add(min(inner, key=lambda cell: values[cell]))
                        changed = True
                    continue
                hidden_inner = [cell for cell in inner if cell in hidden]
                if not hidden_inner:
                    continue
                while len(hidden_inner) < 2 or sum(values[c] for c in hidden_inner) < self.threshold:
                    shown = [cell for cell in inner if cell not in hidden]
                    if not shown:
                        hidden.add(total)
                        break
                    pick = min(shown, key=lambda cell: (values[cell], str(cell)))
                    hidden.add(pick)
                    hidden_inner.append(pick)
                    changed = True
                if total in hidden:
                    changed = True
        cells = {cell: (None if cell in hidden else n) for cell, n in values.items()}
        return ProtectedTable(rows=rows, columns=columns, cells=cells, hidden=frozenset(hidden))


@dataclass(frozen=True)
class Protected:
    """A protected line: each key's count, or None where it is hidden."""
    counts: dict
    total: int | None
    hidden_keys: set = field(default_factory=set)


@dataclass(frozen=True)
class ProtectedTable:
    rows: list
    columns: list
    cells: dict          # (row, column) -> count or None (hidden); TOTAL names the margins
    hidden: frozenset

    def get(self, row, column) -> int | None:
        return self.cells[(row, column)]


def staff_rule(config: Mapping) -> DisclosureRule:
    return DisclosureRule(int(config.get("STAFF_MIN_CELL", STAFF_MIN_CELL)))


def public_rule(config: Mapping) -> DisclosureRule:
    return DisclosureRule(int(config.get("PUBLIC_MIN_CELL", PUBLIC_MIN_CELL)))
