"""What one column of an exported dataset is, whatever made it: an item, a scale, the metadata or a
generalized quasi-identifier. The writers and the codebook read only these."""
from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("row_id", "link", "meta", "quasi_identifier", "item", "free_text", "scale", "scale_count")

# The mark a suppressed quasi-identifier carries in text columns (numeric ones become missing).
SUPPRESSED = "*"


@dataclass(frozen=True)
class Column:
    name: str
    label: dict[str, str]                # per language; generated columns have en and sv
    role: str
    measure: str                         # nominal | ordinal | scale
    storage: str                         # numeric | string
    value_labels: dict = field(default_factory=dict)   # code -> {language: label}
    missing_codes: tuple = ()
    integer: bool = True
    item: str | None = None              # the item it comes from
    versions: tuple[int, ...] = ()       # questionnaire versions that have it
    scales: tuple[str, ...] = ()         # e.g. ("psoc_total", "psoc_satisfaction (reversed)")
    translation_status: dict = field(default_factory=dict)
    note: str = ""

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"{self.name}: role {self.role!r} unknown")

    def text(self, lang: str) -> str:
        """The label in `lang`, else Swedish, else English, else any."""
        for code in (lang, "sv", "en"):
            if self.label.get(code):
                return self.label[code]
        return next(iter(self.label.values()), self.name)


def label_in(labels: dict[str, str], lang: str) -> str:
    for code in (lang, "sv", "en"):
        if labels.get(code):
            return labels[code]
    return next(iter(labels.values()), "")
