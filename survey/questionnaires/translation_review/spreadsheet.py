"""The translation spreadsheet: one row per text, written for a native speaker, read back and checked.

The sheet a reviewer sees ("Translations") has a title row, a one-line instruction, the column
headings, then one row per text. A hidden sheet ("meta") names the questionnaire, its version
and the language, so an import never has to guess what a file is for. A reviewer writes in
three columns only: New translation, Reviewed (`yes` when they vouch for the row's text) and
Comment. The Reviewed column is empty in every export, so a `yes` is always this reviewer's
own word, never a status carried over from an earlier review.

Reading a sheet back (`read_workbook`, then `check`) collects *every* problem with its row number
before anything is written: a reviewer fixes the whole sheet in one go, and a half-imported sheet
never exists.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from ...i18n.languages import Language
from ..texts import Text, owners, status, translatable_texts

FORMAT = "kraftsamling-translations/1"
SHEET = "Translations"
META = "meta"
# What a reviewer may write in the Reviewed column to vouch for a row; "yes" is what the sheet asks for.
YES = frozenset({"yes", "y", "x", "reviewed", "ja", "✓", "✔"})

TITLE_ROW, INSTRUCTION_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1

# (field, heading, width): the headings are checked on import, so a moved column is noticed.
COLUMNS = (
    ("key", "Key (do not change)", 30),
    ("context", "What it is", 38),
    ("sv", "Swedish", 45),
    ("en", "English", 45),
    ("current", "Current translation", 45),
    ("status", "Status now", 12),
    ("new", "New translation / correction", 45),
    ("reviewed", "Reviewed (write: yes)", 12),
    ("comment", "Comment", 35),
)
COL = {name: index + 1 for index, (name, _, _) in enumerate(COLUMNS)}
LETTER = {name: chr(ord("A") + index) for index, (name, _, _) in enumerate(COLUMNS)}

INSTRUCTION = (
    f"For each row: if the text in column {LETTER['current']} is right, write yes in column "
    f"{LETTER['reviewed']}. If it is wrong or empty, write the right text in column {LETTER['new']}, and "
    f"write yes in column {LETTER['reviewed']} when you are sure of it. Keep {{placeholders}} as they "
    f"are. Do not change columns {LETTER['key']}–{LETTER['status']}. Questions and doubts: column "
    f"{LETTER['comment']}."
)

GUIDE = [
    ("How to use this sheet", ""),
    ("1.", "Read the Swedish and English texts: they say the same thing. Your language is in column "
           f"{LETTER['current']} (empty if there is no translation yet)."),
    ("2.", f"If the text in column {LETTER['current']} is right: write yes in column {LETTER['reviewed']}."),
    ("3.", f"If it is wrong, unclear, or empty: write the right text in column {LETTER['new']}. "
           f"Write yes in column {LETTER['reviewed']} when you are sure of it; without yes "
           "your text is saved as a draft for someone else to check."),
    ("4.", "Texts for children must be short and easy to read aloud. Do not add names of people."),
    ("5.", "Words in curly brackets such as {name}, or like %(name)s, are filled in by the computer: "
           "copy them unchanged into your text."),
    ("6.", f"Do not change columns {LETTER['key']}–{LETTER['status']}, do not delete or move rows. "
           f"Write questions or doubts in column {LETTER['comment']}."),
    ("7.", "Send the file back to the coordinator. They import it; the import checks every row and "
           "says which rows to fix, with their row numbers."),
    ("", ""),
    (f"Status now (column {LETTER['status']})", "What it means"),
    ("missing", "There is no text in your language yet."),
    ("draft", "Written by the project, not yet checked by a native speaker."),
    ("published", "Taken from a published, validated translation of the questionnaire."),
    ("reviewed", "Checked by a native speaker."),
]


@dataclass(frozen=True)
class SheetError:
    row: int | None
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}" if self.row else self.message


class SheetRefused(Exception):
    """The sheet cannot be imported; `errors` says every reason, row by row."""

    def __init__(self, errors: list[SheetError]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


@dataclass(frozen=True)
class SheetRow:
    row: int
    key: str
    sv: str
    en: str
    current: str
    status: str
    new: str
    reviewed: str
    comment: str


@dataclass
class Sheet:
    form_id: str
    version: str
    language: str
    rows: list[SheetRow]


@dataclass(frozen=True)
class Decision:
    """What a reviewer decided for one text: a new text (or None to keep it), and whether they vouch for it."""
    key: str
    row: int
    new_text: str | None
    reviewed: bool
    comment: str


@dataclass
class Review:
    form_id: str
    language: str
    decisions: list[Decision]
    warnings: list[str] = field(default_factory=list)


# -- export ------------------------------------------------------------------------------------

def export_workbook(document: Mapping, lang: str, language_name: str, rtl: bool,
                    today: date | None = None) -> Workbook:
    """A workbook for reviewing `lang`; `language_name` is how the title row names the language."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    title = document.get("title", {}).get("en") or document["id"]
    sheet.cell(TITLE_ROW, 1, f"{title} ({document['id']}, version {document['version']}): "
                             f"translation into {language_name} ({lang})").font = Font(bold=True, size=13)
    sheet.cell(INSTRUCTION_ROW, 1, INSTRUCTION).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(COLUMNS))
    sheet.merge_cells(start_row=INSTRUCTION_ROW, start_column=1, end_row=INSTRUCTION_ROW, end_column=len(COLUMNS))
    sheet.row_dimensions[INSTRUCTION_ROW].height = 48

    heading_fill = PatternFill("solid", fgColor="DDDDDD")
    input_fill = PatternFill("solid", fgColor="FFF6D5")  # the three columns a reviewer writes in
    for name, heading, width in COLUMNS:
        cell = sheet.cell(HEADER_ROW, COL[name], heading)
        cell.font = Font(bold=True)
        cell.fill = heading_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[LETTER[name]].width = width
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)
    if rtl:
        sheet.sheet_view.rightToLeft = True

    document_owners = owners(document)
    wrap = Alignment(wrap_text=True, vertical="top")
    own_script = Alignment(wrap_text=True, vertical="top", readingOrder=2 if rtl else 1)
    for row, text in enumerate(translatable_texts(document), start=FIRST_ROW):
        note = document_owners[text.owner].get("translation_note", {}).get(lang)
        values = {
            "key": text.key,
            "context": text.context + (f". Note: {note}" if note else ""),
            "sv": text.get("sv"), "en": text.get("en"), "current": text.get(lang),
            "status": status(document_owners, text, lang), "new": None, "reviewed": None, "comment": None,
        }
        for name, value in values.items():
            cell = sheet.cell(row, COL[name], value)
            cell.alignment = own_script if name in ("current", "new") else wrap
            if name in ("new", "reviewed", "comment"):
                cell.fill = input_fill
    last = sheet.max_row
    choices = DataValidation(type="list", formula1='"yes"', allow_blank=True, showErrorMessage=True,
                             errorTitle="Reviewed", error="Write yes, or leave the cell empty.")
    choices.add(f"{LETTER['reviewed']}{FIRST_ROW}:{LETTER['reviewed']}{max(last, FIRST_ROW)}")
    sheet.add_data_validation(choices)

    guide = book.create_sheet("How to use")
    for row, (first, second) in enumerate(GUIDE, start=1):
        guide.cell(row, 1, first).font = Font(bold=first == "How to use this sheet" or first.startswith("Status"))
        guide.cell(row, 2, second).alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 100

    meta = book.create_sheet(META)
    for row, pair in enumerate((("format", FORMAT), ("form", document["id"]), ("version", str(document["version"])),
                                ("language", lang), ("exported", (today or date.today()).isoformat())), start=1):
        meta.cell(row, 1, pair[0])
        meta.cell(row, 2, pair[1])
    meta.sheet_state = "hidden"
    return book


def default_file_name(form_id: str, lang: str) -> str:
    return f"{form_id}-{lang}.xlsx"


# -- import ------------------------------------------------------------------------------------

def read_workbook(path: Path) -> Sheet:
    """The sheet's meta and rows; refused when the file is not a sheet made by `translations export`."""
    try:
        book = load_workbook(Path(path), data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        raise SheetRefused([SheetError(None, f"{Path(path).name} cannot be read as an .xlsx spreadsheet ({error})")])
    if META not in book.sheetnames or SHEET not in book.sheetnames:
        raise SheetRefused([SheetError(None, f"{Path(path).name} was not made by `translations export`: "
                                             f"it needs the sheets '{SHEET}' and '{META}'")])
    meta = {_cell(row[0]): _cell(row[1]) for row in book[META].iter_rows(max_col=2) if len(row) == 2}
    errors = []
    if meta.get("format") != FORMAT:
        errors.append(SheetError(None, f"the meta sheet says format '{meta.get('format')}', expected '{FORMAT}': "
                                       "export a new sheet"))
    for name in ("form", "language"):
        if not meta.get(name):
            errors.append(SheetError(None, f"the meta sheet does not say which {name} this sheet is for"))
    sheet = book[SHEET]
    headings = [_cell(sheet.cell(HEADER_ROW, COL[name])) for name, _, _ in COLUMNS]
    if headings != [heading for _, heading, _ in COLUMNS]:
        errors.append(SheetError(HEADER_ROW, "the column headings were changed or columns were moved: "
                                             "put them back as exported (" + ", ".join(h for _, h, _ in COLUMNS) + ")"))
    if errors:
        raise SheetRefused(errors)

    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=FIRST_ROW, max_col=len(COLUMNS)), start=FIRST_ROW):
        values = {name: _cell(cells[COL[name] - 1]) for name, _, _ in COLUMNS}
        if not any(values.values()):
            continue
        rows.append(SheetRow(row=number, key=values["key"], sv=values["sv"], en=values["en"],
                             current=values["current"], status=values["status"].lower(), new=values["new"],
                             reviewed=values["reviewed"].lower(), comment=values["comment"]))
    return Sheet(form_id=meta["form"], version=meta.get("version", ""), language=meta["language"], rows=rows)


def check(sheet: Sheet, document: Mapping, languages: Mapping[str, Language]) -> Review:
    """What the reviewer decided, row by row; refused with every problem when any row is wrong.

    `languages` is every language forms/languages.yaml knows.
    """
    lang = sheet.language
    errors: list[SheetError] = []
    if document["id"] != sheet.form_id:
        errors.append(SheetError(None, f"the sheet is for the questionnaire '{sheet.form_id}', not '{document['id']}'"))
    if lang not in languages:
        errors.append(SheetError(None, f"the sheet is for the language '{lang}', which forms/languages.yaml does not know"))
    if errors:
        raise SheetRefused(errors)

    name = languages[lang].english
    scripts = languages[lang].scripts
    texts = {text.key: text for text in translatable_texts(document)}
    document_owners = owners(document)
    offered = lang in document["languages"]
    warnings = []
    if sheet.version != str(document["version"]):
        warnings.append(f"the sheet was exported from version {sheet.version}; the questionnaire is now "
                        f"version {document['version']} (every row was checked against the current texts)")

    edited_current = [row for row in sheet.rows if row.key in texts and not _same(row.current, texts[row.key].get(lang))]
    if len(edited_current) >= 2 and len(edited_current) * 2 >= len(sheet.rows):
        # Most rows disagree with the file: the meta names the wrong language or questionnaire,
        # and one clear message beats a page of row errors.
        raise SheetRefused([SheetError(None, f"the current translations in this sheet are not the {name} texts of "
                                             f"'{document['id']}': is the meta sheet's language ({lang}) or "
                                             "questionnaire wrong, or is the sheet from another questionnaire?")])

    seen: dict[str, int] = {}
    decisions = []
    for row in sheet.rows:
        row_errors = _row_errors(row, texts, seen, lang, name, document_owners, scripts)
        seen.setdefault(row.key, row.row)
        if row_errors:
            errors += [SheetError(row.row, message) for message in row_errors]
            continue
        text = texts[row.key]
        new_text = row.new.strip() if row.new.strip() and row.new.strip() != text.get(lang) else None
        decisions.append(Decision(key=row.key, row=row.row, new_text=new_text,
                                  reviewed=row.reviewed in YES, comment=row.comment))
    if not offered:
        # A questionnaire offers a language only when every text has it (forms check demands it).
        present = {row.key for row in sheet.rows}
        for key in texts:
            if key not in present:
                errors.append(SheetError(None, f"the text '{key}' has no row: '{document['id']}' does not offer "
                                               f"{name} yet, so every text needs a translation before it can be added"))
    if errors:
        raise SheetRefused(errors)
    return Review(form_id=document["id"], language=lang, decisions=decisions, warnings=warnings)


def _row_errors(row: SheetRow, texts: Mapping[str, Text], seen: Mapping[str, int], lang: str, name: str,
                document_owners: Mapping, scripts: tuple[str, ...]) -> list[str]:
    if not row.key:
        return [f"the key in column {LETTER['key']} is empty: put back the key this row was exported with"]
    if row.key not in texts:
        return [f"unknown key '{row.key}': the questionnaire has no such text (was the key changed, "
                "or did the questionnaire change since the export?)"]
    if row.key in seen:
        return [f"the key '{row.key}' is also in row {seen[row.key]}: keep one row per text"]
    text = texts[row.key]
    problems = []
    if row.reviewed and row.reviewed not in YES:
        problems.append(f"column {LETTER['reviewed']} says '{row.reviewed}': write yes when the text is right, "
                        "or leave it empty")
    now = status(document_owners, text, lang)
    if row.status != now:
        problems.append(f"column {LETTER['status']} says '{row.status}' but the questionnaire says '{now}': column "
                        f"{LETTER['status']} only shows the status; to mark the text reviewed, write yes in column "
                        f"{LETTER['reviewed']}")
    if not _same(row.current, text.get(lang)):
        problems.append(f"column {LETTER['current']} (current translation) was changed: leave it as exported "
                        f"and write the new text in column {LETTER['new']}")
    new_text = row.new.strip()
    final = new_text or text.get(lang)
    source_lang, source = ("en", text.get("en")) if text.get("en") else ("sv", text.get("sv"))
    if not final:
        problems.append(f"there is no {name} text: write one in column {LETTER['new']}")
        return problems
    touched = bool(new_text) or row.reviewed in YES
    if not touched:
        return problems
    for column, source_text in (("sv", text.get("sv")), ("en", text.get("en"))):
        if not _same(getattr(row, column), source_text):
            problems.append(f"the {'Swedish' if column == 'sv' else 'English'} text changed since this sheet was "
                            "exported: export a new sheet so that you review the current wording")
    wanted, found = placeholders(source), placeholders(final)
    if wanted != found:
        problems.append(_placeholder_message(wanted, found, "English" if source_lang == "en" else "Swedish"))
    same_in_sources = text.get("sv") == text.get("en") == final
    if not same_in_sources:
        script_problem = wrong_script(final, name, scripts)
        if script_problem:
            problems.append(script_problem)
    return problems


# -- the checks on one text --------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text or ""))


def _placeholder_message(wanted: list[str], found: list[str], source_name: str) -> str:
    lost = sorted(set(wanted) - set(found)) or wanted
    extra = sorted(set(found) - set(wanted))
    parts = []
    if set(wanted) - set(found) or len(found) < len(wanted):
        parts.append(f"the {source_name} text has {', '.join(lost)}, which your text must keep unchanged "
                     "(the computer fills it in)")
    if extra or (not parts and found != wanted):
        parts.append(f"{', '.join(extra or found)} is not in the {source_name} text: remove it or copy it exactly")
    return "; ".join(parts)


SCRIPT_NAMES = {"ARABIC": "Arabic", "LATIN": "Latin", "CYRILLIC": "Cyrillic", "ETHIOPIC": "Ge'ez (Ethiopic)"}


def wrong_script(text: str, name: str, scripts: tuple[str, ...]) -> str | None:
    """A message when too few letters are in the language's script, else None.

    A third is the threshold because texts legitimately carry Latin names ("Herrgården",
    "Kraftsamling") inside Arabic or Persian sentences; a text in the wrong language has none.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    in_script = sum(1 for ch in letters if unicodedata.name(ch, "").split(" ")[0] in scripts)
    if in_script * 3 >= len(letters):
        return None
    wanted = " or ".join(SCRIPT_NAMES.get(s, s.title()) for s in scripts)
    found = next((SCRIPT_NAMES.get(s, s.title()) for s in _scripts_of(letters) if s not in scripts), "another")
    return f"the text is mostly in {found} script, but {name} is written in {wanted} script: is it in the right language?"


def _scripts_of(letters: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for ch in letters:
        script = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
        counts[script] = counts.get(script, 0) + 1
    return sorted(counts, key=counts.get, reverse=True)


def _same(cell: str, text: str) -> bool:
    """Whether a cell holds the text, ignoring how spreadsheets and YAML wrap and space lines."""
    return " ".join((cell or "").split()) == " ".join((text or "").split())


def _cell(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
