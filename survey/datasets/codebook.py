"""The codebook: one entry per column of the dataset, as CSV and as a standalone HTML page.

Wordings appear in every language the questionnaire has, each marked with its language and
writing direction (taken from survey.i18n.languages, never guessed: without it the page says dir=auto).
"""
from __future__ import annotations

import csv
import html
from typing import IO, TYPE_CHECKING, Mapping

from .columns import Column

if TYPE_CHECKING:
    from .pipeline import Dataset

ROLE_NAMES = {"row_id": "row id", "link": "link key (pseudonym)", "meta": "metadata",
              "quasi_identifier": "quasi-identifier (generalized as needed)", "item": "item",
              "free_text": "free text (scrubbed, needs manual review)", "scale": "scale score",
              "scale_count": "scale: items answered"}


def codebook_rows(dataset: Dataset) -> list[dict[str, str]]:
    languages = dataset.languages
    rows = []
    for column in dataset.columns:
        row = {"name": column.name, "role": ROLE_NAMES[column.role], "type": column.storage,
               "measure": column.measure}
        for lang in languages:
            row[f"label_{lang}"] = column.label.get(lang, "")
        for lang in languages:
            row[f"value_labels_{lang}"] = "; ".join(f"{code} = {labels.get(lang, labels.get('en', ''))}"
                                                    for code, labels in column.value_labels.items())
        row["missing_codes"] = ", ".join(map(str, column.missing_codes))
        row["scales"] = ", ".join(column.scales)
        row["versions"] = ", ".join(map(str, column.versions))
        for lang in languages:
            row[f"translation_status_{lang}"] = column.translation_status.get(lang, "")
        row["note"] = column.note
        row.update(_alpha_cells(dataset, column))
        rows.append(row)
    return rows


def _alpha_cells(dataset: Dataset, column: Column) -> dict[str, str]:
    reliability = dataset.reliability.get(column.name) if column.role == "scale" else None
    if reliability is None:
        return {"alpha": "", "alpha_n": "", "alpha_by_language": ""}
    return {"alpha": _number(reliability.overall.value), "alpha_n": str(reliability.overall.n),
            "alpha_by_language": "; ".join(f"{lang}: {_number(a.value)} (n={a.n})"
                                           for lang, a in reliability.by_language.items())}


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def codebook_csv(dataset: Dataset, stream: IO[str]) -> None:
    rows = codebook_rows(dataset)
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]) if rows else ["name"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def codebook_html(dataset: Dataset, languages: Mapping | None = None) -> str:
    """A readable page: everything escaped, each wording with its own lang and dir."""
    def direction(lang: str) -> str:
        if languages is None or lang not in languages:
            return "auto"
        return "rtl" if languages[lang].rtl else "ltr"

    e = html.escape
    report = dataset.report
    parts = [
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>Codebook: {e(dataset.questionnaire)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}"
        "section{border-top:1px solid #ccc;padding:.5rem 0}table{border-collapse:collapse}"
        "td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:start;vertical-align:top}"
        "code{background:#f4f4f4;padding:0 .2rem}.status{font-weight:bold}</style>",
        "</head>", "<body>",
        f"<h1>Codebook: {e(dataset.questionnaire)}</h1>",
        f'<p class="status">{e(report.status)}</p>',
        f"<p>{report.rows_out} rows, {len(dataset.columns)} columns, questionnaire versions "
        f"{e(', '.join(map(str, report.versions)))}.</p>",
    ]
    for column in dataset.columns:
        parts.append(f'<section id="{e(column.name)}">')
        parts.append(f"<h2><code>{e(column.name)}</code></h2>")
        facts = [("Role", ROLE_NAMES[column.role]), ("Type", column.storage), ("Measure", column.measure)]
        if column.missing_codes:
            facts.append(("Missing codes", ", ".join(map(str, column.missing_codes))))
        if column.scales:
            facts.append(("Scales", ", ".join(column.scales)))
        if column.versions:
            facts.append(("Versions", ", ".join(map(str, column.versions))))
        if column.note:
            facts.append(("Note", column.note))
        alpha = _alpha_cells(dataset, column)
        if alpha["alpha"] or alpha["alpha_n"]:
            facts.append(("Cronbach's alpha (listwise)", f"{alpha['alpha'] or 'not computable'} (n={alpha['alpha_n']})"))
            if alpha["alpha_by_language"]:
                facts.append(("Alpha by language", alpha["alpha_by_language"]))
        parts.append("<table>" + "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts) + "</table>")
        parts.append("<h3>Wording</h3><table>")
        for lang in dataset.languages:
            if column.label.get(lang):
                status = column.translation_status.get(lang, "")
                parts.append(f'<tr><th>{e(lang)}</th><td lang="{e(lang)}" dir="{direction(lang)}">{e(column.label[lang])}</td>'
                             f"<td>{e(status)}</td></tr>")
        parts.append("</table>")
        if column.value_labels:
            parts.append("<h3>Values</h3><table><tr><th>Code</th>"
                         + "".join(f"<th>{e(lang)}</th>" for lang in dataset.languages) + "</tr>")
            for code, labels in column.value_labels.items():
                parts.append(f"<tr><td>{e(str(code))}</td>" + "".join(
                    f'<td lang="{e(lang)}" dir="{direction(lang)}">{e(labels.get(lang, ""))}</td>'
                    for lang in dataset.languages) + "</tr>")
            parts.append("</table>")
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
