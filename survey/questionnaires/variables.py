"""What one column of a research dataset is. Item types describe themselves with these, and the
exports, the codebook and the SPSS/Stata writers read them: no table of item types anywhere else.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

MEASURES = ("nominal", "ordinal", "scale")
STORAGES = ("numeric", "string")
# Stata allows 32 characters, SPSS 64 bytes: the stricter rule holds for every column we write.
COLUMN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")


@dataclass(frozen=True)
class Variable:
    name: str                       # the column, valid in SPSS, Stata, R and pandas
    item: str                       # the item (its `var`) the column comes from
    label: dict[str, str]           # the item's wording per language (for a 0/1 option column: item + option)
    measure: str                    # nominal | ordinal | scale
    storage: str                    # numeric | string
    value_labels: dict = field(default_factory=dict)   # code -> {language: label}
    missing_codes: tuple = ()       # codes kept in the data but not scored ("don't know", "prefer not to say")
    option: int | str | None = None  # for a multiple-choice column: the choice value it flags with 0/1
    quasi_identifier: bool = False  # could single a person out combined with others (age, gender, language)
    sensitive: bool = False         # needs extra care (home language can reveal ethnic origin)
    free_text: bool = False         # written by the respondent: left out of exports unless asked for, scrubbed
    integer: bool = True            # numeric columns: whole numbers only

    def __post_init__(self):
        if self.measure not in MEASURES or self.storage not in STORAGES:
            raise ValueError(f"{self.name}: measure {self.measure!r} or storage {self.storage!r} unknown")


def column_name(var: str, option: int | str | None = None) -> str:
    """`var`, or `var_option` for an option's column; shortened with a stable hash past 32 characters."""

    name = var if option is None else f"{var}_{option}"
    if len(name) <= 32:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:6]
    return f"{name[:25]}_{digest}"
