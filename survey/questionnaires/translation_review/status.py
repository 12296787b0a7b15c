"""How complete each questionnaire's translations are: per language, the share of texts missing,
draft, published and reviewed.

Languages the questionnaire does not offer are counted too (all missing), so the report shows at
a glance what is ready and what a translator would have to write to add a language.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..texts import MISSING, status_counts

STATES = (MISSING, "draft", "published", "reviewed")


@dataclass(frozen=True)
class Completeness:
    form_id: str
    language: str
    offered: bool
    total: int
    counts: Mapping[str, int]

    def share(self, state: str) -> float:
        return self.counts.get(state, 0) / self.total if self.total else 0.0


def completeness(document: Mapping, languages: Iterable[str]) -> list[Completeness]:
    """One line per language: every language in `languages`, then any other the questionnaire offers."""
    offered = list(document.get("languages", []))
    lines = []
    for lang in dict.fromkeys([*languages, *offered]):
        counts, total = status_counts(document, lang)
        lines.append(Completeness(document["id"], lang, lang in offered, total,
                                  {state: counts.get(state, 0) for state in STATES}))
    return lines


def format_report(lines: Iterable[Completeness], language_names: Mapping[str, str]) -> str:
    """A plain-text table a coordinator reads in a terminal."""
    header = f"{'questionnaire':<16} {'language':<28} {'offered':<8} {'texts':>5}" + "".join(
        f" {state:>9}" for state in STATES)
    rows = [header, "-" * len(header)]
    previous = None
    for line in lines:
        form = line.form_id if line.form_id != previous else ""
        previous = line.form_id
        language = f"{line.language}  {language_names.get(line.language, '')}"[:28]
        rows.append(f"{form:<16} {language:<28} {'yes' if line.offered else 'no':<8} {line.total:>5}"
                    + "".join(f" {line.share(state):>9.0%}" for state in STATES))
    return "\n".join(rows)
