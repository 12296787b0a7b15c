"""The anonymization report that travels with every export: what was done, and what it reached."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class AnonymizationReport:
    questionnaire: str
    versions: tuple[int, ...]
    k_target: int
    k_reached: int                       # the smallest group of rows sharing all QI values
    rows_in: int
    rows_out: int
    rows_suppressed: int                 # rows whose QI values were replaced ("*" or missing)
    rows_dropped: int                    # suppressed rows left out, being fewer than k together
    suppression_cap: float
    levels: dict[str, str]               # QI -> level chosen
    merged_rare: dict[str, int]          # QI -> number of rare values merged into "other"
    quasi_identifier_columns: tuple[str, ...]
    class_sizes: dict[int, int]          # group size -> number of groups of that size
    max_risk: float                      # 1 / k_reached: the prosecutor's highest re-identification risk
    average_risk: float                  # groups / rows
    l_diversity: dict[str, dict]         # sensitive item -> distinct_l, entropy_l, classes_with_l_1, classes
    redactions: dict[str, int]           # kind of identifier -> times replaced in free text
    free_text_columns: tuple[str, ...]   # exported free text, each needing a human reading
    pseudonymized: bool                  # a link key is in the file
    nodes_searched: int
    config: dict = field(default_factory=dict)   # the options that shaped it (never the seed or a key)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["class_sizes"] = {str(size): count for size, count in self.class_sizes.items()}
        data["status"] = self.status
        return data

    @property
    def status(self) -> str:
        if self.pseudonymized:
            return ("PSEUDONYMIZED, NOT ANONYMOUS: the file holds a link key (a keyed hash of a code the "
                    "respondent chose). Whoever holds the key, or learns a respondent's code, can link rows "
                    "to that person, so the file is personal data under the GDPR (EDPB Guidelines 01/2025) "
                    "and must be handled as such.")
        return (f"Anonymized by k-anonymity with k={self.k_target}: every row shares its quasi-identifier "
                f"values with at least {self.k_reached - 1} other rows.")

    def to_markdown(self) -> str:
        lines = [f"# Anonymization report: {self.questionnaire}", "", f"**{self.status}**", ""]
        lines += ["| | |", "|---|---|",
                  f"| Questionnaire versions | {', '.join(map(str, self.versions))} |",
                  f"| Rows in | {self.rows_in} |",
                  f"| Rows out | {self.rows_out} |",
                  f"| Rows with quasi-identifiers suppressed | {self.rows_suppressed} |",
                  f"| Rows left out (suppressed, fewer than k together) | {self.rows_dropped} |",
                  f"| Suppression cap | {self.suppression_cap:.0%} of rows |",
                  f"| k asked / reached | {self.k_target} / {self.k_reached} |",
                  f"| Highest re-identification risk (1/k) | {self.max_risk:.3f} |",
                  f"| Average risk (groups/rows) | {self.average_risk:.3f} |",
                  f"| Lattice nodes searched | {self.nodes_searched} |", ""]
        lines += ["## Quasi-identifiers and the level kept", "", "| Quasi-identifier | Level | Rare values merged into other |",
                  "|---|---|---|"]
        lines += [f"| {name} | {level} | {self.merged_rare.get(name, 0)} |" for name, level in self.levels.items()]
        lines += ["", f"Columns checked together: {', '.join(self.quasi_identifier_columns) or '(none)'}", ""]
        lines += ["## Group sizes", "", "| Rows in group | Groups |", "|---|---|"]
        lines += [f"| {size} | {count} |" for size, count in self.class_sizes.items()]
        lines += ["", "## l-diversity of sensitive items within the groups", ""]
        if self.l_diversity:
            lines += ["| Item | distinct l | entropy l | groups with l=1 | groups |", "|---|---|---|---|---|"]
            lines += [f"| {name} | {d['distinct_l']} | {d['entropy_l']} | {d['classes_with_l_1']} | {d['classes']} |"
                      for name, d in self.l_diversity.items()]
            lines += ["", "A group with l=1 shares one answer: knowing someone is in it reveals their answer."]
        else:
            lines += ["No item outside the quasi-identifiers is marked sensitive."]
        lines += ["", "## Free text", ""]
        if self.free_text_columns:
            lines += [f"Exported and scrubbed by pattern: {', '.join(self.free_text_columns)}. "
                      "**Read every cell before sharing**: no pattern finds names."]
            lines += [f"- {kind}: {count} replaced" for kind, count in self.redactions.items()]
        else:
            lines += ["Left out (the default)."]
        lines += ["", "## Options", ""] + [f"- {key}: {value}" for key, value in self.config.items()]
        return "\n".join(lines) + "\n"
