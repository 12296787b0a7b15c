"""XLSForm import: a KoboToolbox or ODK XLSForm (.xlsx) becomes a questionnaire definition, and
whatever cannot be carried over is listed with its sheet, row and column.

Plain Python (openpyxl, ruamel.yaml): `flask forms import-xlsform` in survey/library/xlsform_cli.py
only writes the result and checks it with the loader. docs/xlsform.md lists what maps to what.
The guiding rule: never change what a question means without saying so. A feature the server
cannot represent is left out and reported row by row; nothing is approximated silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import StringIO
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from openpyxl import load_workbook
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .loader import CHOICE_VALUE
from .yaml_files import quoted_if_ambiguous, writer

INTEGER = re.compile(r"^-?(0|[1-9][0-9]*)$")
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
REFERENCE = re.compile(r"\$\{([^}]*)\}")
TRUE = {"yes", "true", "true()", "1"}
FALSE = {"no", "false", "false()", "0"}
SHEETS = ("settings", "survey", "choices")

# Texts the converter carries over; the other translatable columns are reported where they are used.
TEXT_COLUMNS = {"label", "hint"}
SURVEY_COLUMNS = {"type", "name", "label", "hint", "required", "relevant", "constraint", "appearance", "disabled"}
# Known XLSForm columns the server has nothing for: reported on each row that fills them in.
SURVEY_COLUMN_MESSAGES = {
    "constraint_message": "the server shows its own message for an answer out of range",
    "required_message": "the server shows its own message for a missing answer",
    "guidance_hint": "guidance hints are not shown: put what respondents need in the hint",
    "default": "default answers are not supported: every question starts unanswered",
    "read_only": "read-only questions are not supported",
    "calculation": "calculations are not supported: the server stores answers only",
    "choice_filter": "choice filters (cascading selects) are not supported: every choice of the list is shown",
    "trigger": "triggers are not supported",
    "parameters": "parameters are not supported",
    "image": "pictures are not carried over",
    "big-image": "pictures are not carried over",
    "audio": "sound files are not carried over",
    "video": "videos are not carried over",
    "media": "media files are not carried over",
    "repeat_count": "repeats are not supported",
    "note": "the note column is not converted",
}
CHOICE_COLUMN_MESSAGES = {key: SURVEY_COLUMN_MESSAGES[key] for key in ("image", "big-image", "audio", "video", "media")}
HEADER_ALIASES = {"list_name": "list_name", "list name": "list_name", "constraint message": "constraint_message",
                  "required message": "required_message", "read only": "read_only", "choice filter": "choice_filter"}
# Appearances that only change how a question looks; pages here always show every question in full.
PRESENTATION_ONLY = {"field-list", "table-list", "minimal", "horizontal", "horizontal-compact", "compact",
                     "quick", "autocomplete", "columns", "columns-pack", "no-buttons", "label", "list-nolabel",
                     "list", "numbers", "thousands-sep", "no-calendar"}

TYPE_ALIASES = {"int": "integer", "string": "text", "select one": "select_one", "select multiple": "select_multiple",
                "select all that apply": "select_multiple", "select one from file": "select_one_from_file",
                "select multiple from file": "select_multiple_from_file",
                "begin_group": "begin group", "end_group": "end group",
                "begin_repeat": "begin repeat", "end_repeat": "end repeat"}
TYPE_PHRASES = ("begin group", "end group", "begin repeat", "end repeat", "select one from file",
                "select multiple from file", "select all that apply", "select one", "select multiple")
# Each unsupported type with the reason a researcher would want to know.
UNSUPPORTED_TYPES = {
    **dict.fromkeys(("date", "time", "datetime"),
                    "dates and times are not asked here (for a year of birth, add a year_of_birth item by hand)"),
    **dict.fromkeys(("geopoint", "geotrace", "geoshape"),
                    "locations are not collected: they can identify a respondent"),
    **dict.fromkeys(("image", "audio", "video", "file", "background-audio"),
                    "photos, recordings and files are not collected"),
    "barcode": "barcode scanning is not supported",
    "calculate": "calculations are not supported: the server stores answers only",
    "hidden": "hidden fields are not supported",
    "acknowledge": "acknowledge questions are not supported: use a note, or a single choice with one answer",
    "trigger": "acknowledge questions are not supported: use a note, or a single choice with one answer",
    "range": "range (slider) questions are not supported: use an integer with min and max, or a likert item",
    "rank": "ranking questions are not supported",
    **dict.fromkeys(("select_one_from_file", "select_multiple_from_file", "select_one_external",
                     "csv-external", "xml-external"),
                    "choices from external files are not supported: copy them into the choices sheet"),
    **dict.fromkeys(("start", "end", "today"),
                    "form metadata is not collected: the server records when each response arrives"),
    **dict.fromkeys(("deviceid", "phonenumber", "username", "email", "simserial", "subscriberid",
                     "start-geopoint", "audit"),
                    "metadata that identifies a device or a person is never collected here"),
}

# Language names written without a code; the codes of forms/languages.yaml and their English and
# native names are added from the languages the caller knows.
LANGUAGE_NAMES = {"english": "en", "swedish": "sv", "svenska": "sv", "arabic": "ar", "somali": "so",
                  "persian": "fa", "farsi": "fa", "dari": "fa", "bosnian": "bs", "croatian": "bs",
                  "serbian": "bs", "albanian": "sq", "kurdish": "ku", "kurmanji": "ku", "tigrinya": "ti"}
# Three-letter codes (ISO 639-2/3) that XLSForms sometimes use for our two-letter ones.
LANGUAGE_CODES = {"eng": "en", "swe": "sv", "ara": "ar", "som": "so", "fas": "fa", "per": "fa", "prs": "fa",
                  "pes": "fa", "bos": "bs", "hrv": "bs", "srp": "bs", "hbs": "bs", "sqi": "sq", "alb": "sq",
                  "kur": "ku", "kmr": "ku", "tir": "ti"}


class XLSFormError(Exception):
    """The file cannot be read as an XLSForm at all, so there is nothing to convert."""


@dataclass(frozen=True)
class Skipped:
    """Something in the XLSForm that is not in the definition (or not as written): where, and why."""
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet + (f" row {self.row}" if self.row else "")
        return f"{where} ({self.column}): {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class Conversion:
    document: dict
    skipped: list[Skipped]


def convert(path: Path | str, known_languages: Iterable[str] | Mapping[str, Any], *, audience: str = "any",
            languages: list[str] | None = None, default_language: str | None = None) -> Conversion:
    """Convert the XLSForm at `path`.

    `known_languages`: the codes of forms/languages.yaml (or its Language objects, whose names then
    also count as language names). `languages`: the codes to keep; by default every language that
    has a label for every question and choice. `default_language`: the language of columns
    without one (a plain `label`) when the settings sheet does not say.
    """
    path = Path(path)
    return _Converter(_read_workbook(path), known_languages, audience, languages, default_language, path.stem).run()


def render(conversion: Conversion, source: str, today: date) -> str:
    """The definition as YAML, headed by where it came from and what was not converted."""
    header = [f"Imported from {source} on {today.isoformat()} with `flask --app wsgi forms import-xlsform`.",
              "Every text is a draft: have the wording and each translation checked, add an outcome",
              "to each item that measures one, then run `flask --app wsgi forms check`."]
    if conversion.skipped:
        header.append("Not converted from the XLSForm (fix here, or in the XLSForm and import again with --force):")
        header += [f"  {line}" for line in conversion.skipped]
    document = _yaml_node(conversion.document)
    document.yaml_set_start_comment("\n".join(header))
    yaml = writer()
    out = StringIO()
    yaml.dump(document, out)
    return out.getvalue()


# -- reading the workbook -------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str          # as written, for messages
    base: str            # "label", "hint", "type"…, lower-case
    language: str | None  # what follows "::", as written ("Svenska (sv)")


@dataclass
class Row:
    number: int
    cells: dict[Column, str]

    def get(self, base: str) -> str | None:
        return next((v for c, v in self.cells.items() if c.base == base and c.language is None), None)

    def texts(self, base: str) -> dict[Column, str]:
        return {c: v for c, v in self.cells.items() if c.base == base}


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list[Row]


def _read_workbook(path: Path) -> dict[str, Sheet]:
    if path.suffix.lower() == ".xls":
        raise XLSFormError(f"{path.name} is an old .xls file: open it and save it as .xlsx, then import that")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise XLSFormError(f"{path.name} cannot be read as an .xlsx workbook: {error}") from error
    sheets = {}
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip().lower()
            if name in SHEETS and name not in sheets:
                sheets[name] = _read_sheet(name, worksheet)
    finally:
        workbook.close()
    if "survey" not in sheets:
        raise XLSFormError(f"{path.name} has no sheet named 'survey': is it an XLSForm?")
    return sheets


def _read_sheet(name: str, worksheet) -> Sheet:
    rows = iter(worksheet.iter_rows(values_only=True))
    header = next(rows, ())
    columns = [_column(h) if _cell(h) else None for h in header]
    out = []
    for number, values in enumerate(rows, start=2):
        cells = {}
        for column, value in zip(columns, values):
            text = _cell(value)
            if column is not None and text and column not in cells:
                cells[column] = text
        if cells:
            out.append(Row(number, cells))
    return Sheet(name, [c for c in columns if c is not None], out)


def _column(header: Any) -> Column:
    text = _cell(header)
    base, separator, language = text.partition("::")
    base = base.strip().lower()
    base = HEADER_ALIASES.get(base, base.replace(" ", "_"))
    return Column(text, base, language.strip() or None if separator else None)


def _cell(value: Any) -> str:
    """A cell as text: spreadsheets store 1 as 1.0 and yes as TRUE, XLSForms mean the text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


# -- the converter --------------------------------------------------------------------------------

@dataclass
class _Choices:
    name: str                      # our list name
    row: int                       # first row, for messages
    values: dict[str, int | str]   # XLSForm choice name -> our value
    choices: list[dict]            # {"value", "label": {code: text}, "_row"}
    used: bool = False


@dataclass
class _Item:
    row: int
    name: str                          # the XLSForm name, as ${...} refers to it
    spec: dict
    label: dict[str, str]
    hint: dict[str, str]
    page: int
    relevant: list[tuple[int, str]]    # (row, expression): enclosing nested groups first, then its own
    choices: _Choices | None = None


@dataclass
class _Page:
    id: str
    row: int | None
    grouped: bool                      # a group of the XLSForm, rather than questions outside any group
    title: dict[str, str] = field(default_factory=dict)
    relevant: str | None = None
    show_if: dict | None = None
    items: list[_Item] = field(default_factory=list)


@dataclass
class _Open:
    kind: str            # "group" or "repeat"
    name: str
    row: int
    relevant: str | None


class _Unsupported(Exception):
    """An expression the server cannot represent; the message says why."""


class _Converter:
    def __init__(self, sheets, known_languages, audience, languages, default_language, file_stem):
        self.sheets = sheets
        self.file_stem = file_stem
        self.known = set(known_languages)
        self.names = dict(LANGUAGE_NAMES)
        if isinstance(known_languages, Mapping):
            for code, language in known_languages.items():
                for name in (getattr(language, "english", None), getattr(language, "name", None)):
                    if name:
                        self.names.setdefault(name.strip().lower(), code)
        self.audience = audience
        self.wanted = languages
        self.default_language = default_language
        self.skipped: list[Skipped] = []
        self.settings: dict[str, tuple[int, Column, str]] = {}
        self.column_language: dict[str, str | None] = {}   # text after "::" -> code, None when unusable
        self.found_languages: list[str] = []
        self.lists: dict[str, _Choices] = {}
        self.pages: list[_Page] = []
        self.items: dict[str, _Item] = {}
        self.not_converted: dict[str, int] = {}    # XLSForm name -> its row, for messages about references
        self.vars: set[str] = set()
        self.page_ids: set[str] = set()

    def report(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.skipped.append(Skipped(sheet, row, column, message))

    def run(self) -> Conversion:
        self.read_settings()
        self.read_languages()
        self.read_choices()
        self.read_survey()
        self.convert_conditions()
        document = self.document(self.choose_languages())
        ranks = {sheet: i for i, sheet in enumerate(SHEETS)}
        # Whole-form lines first (a language left out matters most), then in the order of the workbook.
        self.skipped.sort(key=lambda s: (s.row is not None, ranks.get(s.sheet, 9), s.row or 0))
        return Conversion(document, self.skipped)

    # -- settings and languages --

    def read_settings(self) -> None:
        sheet = self.sheets.get("settings")
        if sheet is None or not sheet.rows:
            return
        row = sheet.rows[0]
        for column, value in row.cells.items():
            if column.base in ("form_title", "form_id", "version", "default_language"):
                self.settings[column.base] = (row.number, column, value)
            elif column.base != "style":   # web form themes: the server has its own layout
                self.report("settings", row.number, column.header, f"the setting '{column.base}' is not used here")

    def read_languages(self) -> None:
        for sheet_name in ("survey", "choices"):
            sheet = self.sheets.get(sheet_name)
            for column in sheet.columns if sheet else ():
                if column.base not in TEXT_COLUMNS or column.language is None:
                    continue
                if column.language in self.column_language:
                    continue
                code = self.language_code(column.language)
                if code is None:
                    self.report(sheet_name, None, column.header,
                                f"'{column.language}' names no language this server knows: write it as "
                                f"Name (code), e.g. 'English (en)'; its texts were left out")
                elif code not in self.known:
                    self.report(sheet_name, None, column.header,
                                f"the language '{code}' is not in forms/languages.yaml: its texts were left out "
                                f"(add the language there first to keep them)")
                    code = None
                self.column_language[column.language] = code
                if code and code not in self.found_languages:
                    self.found_languages.append(code)

        plain = any(c.base in TEXT_COLUMNS and c.language is None
                    for name in ("survey", "choices") if name in self.sheets for c in self.sheets[name].columns)
        self.plain_language = self.resolve_default_language(plain)
        if plain and self.plain_language not in self.found_languages:
            self.found_languages.insert(0, self.plain_language)
        if not self.found_languages:
            raise XLSFormError("the form's texts are in no language this server knows: name the language of each "
                               "label column (label::Svenska (sv)) or set default_language in the settings sheet")

    def resolve_default_language(self, plain_columns: bool) -> str | None:
        """The language of plain `label` and `hint` columns."""
        if "default_language" in self.settings:
            row, column, value = self.settings["default_language"]
            code = self.language_code(value)
            if code in self.known:
                return code
            self.report("settings", row, column.header,
                        f"'{value}' is not a language in forms/languages.yaml: it was not used")
        if self.default_language:
            if self.default_language not in self.known:
                raise XLSFormError(f"'{self.default_language}' is not a language in forms/languages.yaml")
            return self.default_language
        if not plain_columns:
            return None
        if self.found_languages:
            # pyxform treats plain columns as the default language; without one, the first is the best guess
            self.report("survey", None, "label", f"plain label and hint columns were taken as '{self.found_languages[0]}', "
                        "the form's first language: set default_language in the settings sheet to say otherwise")
            return self.found_languages[0]
        raise XLSFormError("the form does not say which language its labels are in: set default_language in the "
                           "settings sheet (e.g. 'Svenska (sv)'), or import with --default-language sv")

    def language_code(self, text: str) -> str | None:
        match = re.search(r"\(([^()]+)\)\s*$", text)
        candidate = (match.group(1) if match else text).strip().lower()
        primary = re.split(r"[-_]", candidate)[0]
        if match or primary in self.known or primary in LANGUAGE_CODES:
            return LANGUAGE_CODES.get(primary, primary)
        return self.names.get(candidate)

    def texts(self, row: Row, base: str) -> dict[str, str]:
        out = {}
        for column, value in row.texts(base).items():
            code = self.plain_language if column.language is None else self.column_language.get(column.language)
            # an explicit language column wins over the plain one for the same language
            if code and (column.language is not None or code not in out):
                out[code] = value
        return out

    # -- choices --

    def read_choices(self) -> None:
        sheet = self.sheets.get("choices")
        if sheet is None:
            return
        known = {"list_name", "name", "label"} | set(CHOICE_COLUMN_MESSAGES)
        for column in sheet.columns:
            if column.base not in known:
                self.report("choices", None, column.header, "this column is not converted (extra choice columns "
                            "serve choice filters, which the server does not support)")
        for row in sheet.rows:
            list_name, name = row.get("list_name"), row.get("name")
            if not list_name:
                continue
            if list_name not in self.lists:
                our_name = self.unique_name(list_name, set(c.name for c in self.lists.values()), "list")
                if our_name != list_name:
                    self.report("choices", row.number, "list_name", f"the list '{list_name}' is called '{our_name}' here")
                self.lists[list_name] = _Choices(our_name, row.number, {}, [])
            choices = self.lists[list_name]
            for column in row.cells:
                if column.base in CHOICE_COLUMN_MESSAGES:
                    self.report("choices", row.number, column.header, CHOICE_COLUMN_MESSAGES[column.base])
            if not name:
                self.report("choices", row.number, "name", "a choice without a name: not converted")
                continue
            if name in choices.values:
                self.report("choices", row.number, "name", f"'{name}' is already a choice of '{list_name}': not converted")
                continue
            value = self.choice_value(name)
            if value is None or value in choices.values.values():
                self.report("choices", row.number, "name", f"'{name}' cannot be made a value here (lower-case letters, "
                            "digits and _, at most 32): not converted")
                continue
            if value != name and str(value) != name:
                self.report("choices", row.number, "name", f"the choice '{name}' has the value '{value}' here "
                            "(values are lower-case letters, digits and _): data coded with the old name differs")
            label = self.texts(row, "label")
            if not label:
                self.report("choices", row.number, "label", f"the choice '{name}' has no label: not converted")
                continue
            choices.values[name] = value
            choices.choices.append({"value": value, "label": label, "_row": row.number})

    @staticmethod
    def choice_value(name: str) -> int | str | None:
        if INTEGER.match(name):
            return int(name)
        if CHOICE_VALUE.match(name):
            return name
        value = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", name.lower())).strip("_")[:32]
        return value or None

    # -- survey --

    def read_survey(self) -> None:
        sheet = self.sheets["survey"]
        for column in sheet.columns:
            if column.base not in SURVEY_COLUMNS and column.base not in SURVEY_COLUMN_MESSAGES:
                self.report("survey", None, column.header, f"'{column.base}' is not an XLSForm column this "
                            "converter knows: ignored")
        stack: list[_Open] = []
        page: _Page | None = None
        for row in sheet.rows:
            type_text = row.get("type")
            if not type_text:
                if row.get("name") or row.texts("label"):
                    self.report("survey", row.number, "type", "a row without a type: not converted")
                continue
            kind, argument, rest = self.parse_type(type_text)
            repeat = next((o for o in stack if o.kind == "repeat"), None)
            if kind in ("begin group", "begin repeat"):
                opened = _Open(kind.split()[1], row.get("name") or f"row{row.number}", row.number, row.get("relevant"))
                if repeat:
                    self.report("survey", row.number, "type", f"inside the repeat '{repeat.name}' (row {repeat.row}): "
                                "not converted")
                elif kind == "begin repeat":
                    self.report("survey", row.number, "type", "repeats are not supported: the repeat and every row "
                                "in it are not converted")
                elif not stack:
                    page = self.new_page(row.get("name") or f"page_{len(self.pages) + 1}", row.number, grouped=True)
                    page.title = self.texts(row, "label")
                    page.relevant = opened.relevant
                    self.report_columns(row, {"type", "name", "label", "relevant", "appearance"})
                else:
                    self.report("survey", row.number, "type", f"the group '{opened.name}' is inside the group "
                                f"'{stack[0].name}': its questions were put on the page '{page.id}' "
                                "(nested groups are flattened; its label is not shown)")
                    self.report_columns(row, {"type", "name", "label", "relevant", "appearance"})
                stack.append(opened)
                continue
            if kind in ("end group", "end repeat"):
                if not stack or stack[-1].kind != kind.split()[1]:
                    self.report("survey", row.number, "type", f"'{kind}' without a matching 'begin "
                                f"{kind.split()[1]}': ignored")
                    continue
                stack.pop()
                if not stack:
                    page = None
                continue
            if repeat:
                self.report("survey", row.number, "type", f"inside the repeat '{repeat.name}' (row {repeat.row}): "
                            "not converted")
                self.note_not_converted(row)
                continue
            if (row.get("disabled") or "").lower() in TRUE:
                self.report("survey", row.number, "disabled", "disabled in the XLSForm: not converted")
                self.note_not_converted(row)
                continue
            item = self.item(row, kind, argument, rest)
            if item is None:
                self.note_not_converted(row)
                continue
            if not stack:
                # Outside groups ODK shows one question per screen, so starting a new page never changes
                # what is asked; it lets a condition on the question just before it keep working.
                on_page = {i.name for i in page.items} if page and not page.grouped else set()
                own = row.get("relevant") or ""
                if page is None or page.grouped or set(REFERENCE.findall(own)) & on_page:
                    page = self.new_page(f"page_{len(self.pages) + 1}", None, grouped=False)
            item.page = len(self.pages) - 1
            item.relevant = [(o.row, o.relevant) for o in stack[1:] if o.relevant]
            if row.get("relevant"):
                item.relevant.append((row.number, row.get("relevant")))
            page.items.append(item)
            self.items[item.name] = item
        for opened in stack:
            self.report("survey", opened.row, "type", f"the {opened.kind} '{opened.name}' is never ended "
                        f"(no 'end {opened.kind}'): it was taken to run to the end of the form")
        for page in list(self.pages):
            if not page.items:
                self.report("survey", page.row, "type", f"the group '{page.id}' has no question that could be "
                            "converted: it is left out")
                self.pages.remove(page)
        for number, page in enumerate(self.pages):
            for item in page.items:
                item.page = number

    @staticmethod
    def parse_type(text: str) -> tuple[str, str | None, list[str]]:
        words = text.split()
        lowered = " ".join(words).lower()
        for phrase in TYPE_PHRASES:
            if lowered == phrase or lowered.startswith(phrase + " "):
                count = len(phrase.split())
                kind = TYPE_ALIASES.get(phrase, phrase)
                rest = words[count:]
                return kind, (rest[0] if rest else None), rest[1:]
        kind = TYPE_ALIASES.get(words[0].lower(), words[0].lower())
        return kind, (words[1] if len(words) > 1 else None), words[2:]

    def new_page(self, name: str, row: int | None, grouped: bool) -> _Page:
        page = _Page(self.unique_name(name, self.page_ids, "page"), row, grouped)
        if row is not None and page.id != name:
            self.report("survey", row, "name", f"the group '{name}' is the page '{page.id}' here")
        self.page_ids.add(page.id)
        self.pages.append(page)
        return page

    def note_not_converted(self, row: Row) -> None:
        if row.get("name"):
            self.not_converted[row.get("name")] = row.number

    def item(self, row: Row, kind: str, argument: str | None, rest: list[str]) -> _Item | None:
        spec: dict[str, Any] = {}
        appearance = (row.get("appearance") or "").strip()
        appearances = set(appearance.split())
        choices = None
        if kind in ("select_one", "select_multiple"):
            choices = self.lists.get(argument or "")
            if choices is None or not choices.choices:
                self.report("survey", row.number, "type", f"no usable choice list '{argument or ''}' in the choices sheet: "
                            "not converted")
                return None
            if "or_other" in rest:
                self.report("survey", row.number, "type", "'or_other' is not supported: there is no 'Other' choice "
                            "with a text box (add a choice and a short_text item by hand)")
            if kind == "select_multiple":
                spec["type"] = "multiple_choice"
            elif "likert" in appearances:
                spec["type"] = "likert"
                appearances.discard("likert")
            else:
                spec["type"] = "single_choice"
            spec["choices"] = choices.name
        elif kind in ("integer", "decimal"):
            spec["type"] = "number"
            if kind == "decimal":
                spec["integer"] = False
        elif kind == "text":
            spec["type"] = "long_text" if "multiline" in appearances else "short_text"
            appearances.discard("multiline")
        elif kind == "note":
            spec["type"] = "note"
        else:
            self.report("survey", row.number, "type", f"'{kind}': " + UNSUPPORTED_TYPES.get(kind, "this type is not supported"))
            return None

        name = row.get("name")
        if not name:
            self.report("survey", row.number, "name", "a question without a name: not converted")
            return None
        label = self.texts(row, "label")
        if not label:
            self.report("survey", row.number, "label", f"'{name}' has no label: not converted")
            return None
        var = self.unique_name(name, self.vars, "q")
        if var != name:
            self.report("survey", row.number, "name", f"'{name}' is called '{var}' here (variable names are "
                        "lower-case letters, digits and _)")
        self.vars.add(var)
        for kind_of_text, texts in (("label", label), ("hint", self.texts(row, "hint"))):
            if any(REFERENCE.search(t) for t in texts.values()):
                self.report("survey", row.number, kind_of_text, "the text shows an earlier answer (${...}): the server "
                            "does not fill answers into texts, so rewrite it")

        required = (row.get("required") or "").lower()
        if required in TRUE and spec["type"] != "note":
            spec["required"] = True
        elif required and required not in TRUE | FALSE:
            self.report("survey", row.number, "required", f"required only when '{row.get('required')}' is not "
                        "supported: the question is optional")
        if row.get("constraint"):
            self.constraint(row, spec, name)
        for extra in sorted(appearances - PRESENTATION_ONLY):
            if not re.fullmatch(r"(columns|w)-?\d+", extra):
                self.report("survey", row.number, "appearance", f"the appearance '{extra}' has no equivalent here: "
                            "the question is shown the server's way")
        self.report_columns(row, SURVEY_COLUMNS)
        if choices:
            choices.used = True
        return _Item(row.number, name, {"var": var, **spec}, label, self.texts(row, "hint"), -1, [], choices)

    def report_columns(self, row: Row, converted: set[str]) -> None:
        """One line per XLSForm feature the row uses and the server lacks (not one per language column)."""
        seen = set()
        for column in row.cells:
            if column.base in converted or column.base in seen or column.base not in SURVEY_COLUMN_MESSAGES:
                continue
            seen.add(column.base)
            self.report("survey", row.number, column.base, SURVEY_COLUMN_MESSAGES[column.base])

    def constraint(self, row: Row, spec: dict, name: str) -> None:
        expression = row.get("constraint")
        try:
            spec.update(_bounds(_parse(expression, own_name=name), spec["type"], spec.get("integer", True)))
        except _Unsupported as why:
            accepts = {"number": "any number", "short_text": "any text", "long_text": "any text"}.get(
                spec["type"], "any answer")
            self.report("survey", row.number, "constraint", f"'{expression}' was not converted ({why}): "
                        f"the question accepts {accepts}; set min/max or max_length by hand if needed")

    @staticmethod
    def unique_name(name: str, taken: set[str], prefix: str) -> str:
        candidate = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", name.strip().lower())).strip("_")
        if not candidate or not candidate[0].isalpha():
            candidate = f"{prefix}_{candidate}".rstrip("_")
        candidate = candidate[:63]
        unique, n = candidate, 2
        while unique in taken:
            unique = f"{candidate[:60]}_{n}"
            n += 1
        return unique

    # -- skip logic --

    def convert_conditions(self) -> None:
        for p, page in enumerate(self.pages):
            if page.relevant:
                page.show_if = self.condition(page.row, page.relevant, p, "the page is always shown")
            for item in page.items:
                parts = [self.condition(row, expression, p, "the question is always shown")
                         for row, expression in item.relevant]
                parts = [c for c in parts if c is not None]
                if parts:
                    item.spec["show_if"] = parts[0] if len(parts) == 1 else {"all": parts}

    def condition(self, row: int, expression: str, page: int, consequence: str) -> dict | None:
        try:
            return _condition(_parse(expression), lambda name: self.target(name, page))
        except _Unsupported as why:
            self.report("survey", row, "relevant", f"the condition '{expression}' was dropped ({why}): "
                        f"{consequence}; add a show_if by hand if it matters")
            return None

    def target(self, name: str, page: int) -> _Item:
        item = self.items.get(name)
        if item is None:
            if name in self.not_converted:
                raise _Unsupported(f"${{{name}}} on row {self.not_converted[name]} was not converted")
            raise _Unsupported(f"${{{name}}} is not a question of the form")
        if item.page == page:
            raise _Unsupported(f"${{{name}}} is on the same page, and conditions here may only look at earlier pages")
        if item.page > page:
            raise _Unsupported(f"${{{name}}} comes later in the form")
        if item.spec["type"] == "note":
            raise _Unsupported(f"${{{name}}} is a note and has no answer")
        return item

    # -- languages --

    def choose_languages(self) -> list[str]:
        """Every label must exist in every language offered: keep the languages that have them all."""
        labels = [("survey", item.row, "label", item.label) for page in self.pages for item in page.items]
        labels += [("choices", choice["_row"], "label", choice["label"])
                   for lst in self.lists.values() if lst.used for choice in lst.choices]
        missing = {code: [(sheet, row) for sheet, row, _, texts in labels if not texts.get(code)]
                   for code in self.found_languages}
        if self.wanted:
            unknown = [code for code in self.wanted if code not in self.known]
            if unknown:
                raise XLSFormError(f"not languages in forms/languages.yaml: {', '.join(unknown)}")
            for code in self.wanted:
                if code not in self.found_languages:
                    self.report("survey", None, None, f"the form has no texts in '{code}': every text in it must be "
                                "written by hand")
            chosen = list(self.wanted)
        else:
            chosen = [code for code in self.found_languages if not missing[code]] or list(self.found_languages)
        for code in self.found_languages:
            if code not in chosen:
                rows = [] if self.wanted else missing.get(code, [])
                where = "; ".join(f"{sheet} row{'s' if len(r) > 1 else ''} {', '.join(map(str, r))}"
                                  for sheet, r in _by_sheet(rows))
                self.report("survey", None, None,
                            f"'{code}' was left out: {len(rows)} label(s) have no '{code}' text ({where}). Add them "
                            f"and import again, or import with --languages {','.join(self.found_languages)} and "
                            "write them into the definition" if rows else
                            f"'{code}' was left out (not among --languages)")
        for sheet, row, column, texts in labels:
            for code in chosen:
                if not texts.get(code) and code in self.found_languages:
                    self.report(sheet, row, column, f"no '{code}' text: write it into the definition")
        # Optional texts (hints, page titles) do not decide the languages: an incomplete one is dropped.
        optional = [("survey", item.row, "hint", item.hint, item.spec["var"]) for p in self.pages for item in p.items]
        optional += [("survey", p.row, "label", p.title, p.id) for p in self.pages]
        for sheet, row, column, texts, owner in optional:
            lacking = [code for code in chosen if not texts.get(code)]
            if texts and lacking:
                what = "hint" if column == "hint" else "page title"
                self.report(sheet, row, column, f"the {what} of '{owner}' has no {', '.join(lacking)} text: "
                            "it was left out")
                texts.clear()
        return chosen

    # -- the definition --

    def document(self, languages: list[str]) -> dict:
        def text(texts: dict[str, str]) -> dict[str, str]:
            return {code: texts[code] for code in languages if texts.get(code)}

        status = {code: "draft" for code in languages}
        form_id = self.setting("form_id")
        our_id = self.unique_name(form_id or self.file_stem, set(), "form")
        if form_id and our_id != form_id:
            row, column, _ = self.settings["form_id"]
            self.report("settings", row, column.header, f"the form id '{form_id}' is '{our_id}' here")
        elif not form_id:
            self.report("settings", None, "form_id", f"the form has no form_id: '{our_id}', from the file name, "
                        "was used")
        version = self.setting("version") or "1"
        if len(version) > 20:
            row, column, _ = self.settings["version"]
            self.report("settings", row, column.header, f"the version '{version}' is longer than 20 characters: "
                        f"shortened to '{version[:20]}'")
        title = self.setting("form_title")
        if title and len(languages) > 1:
            row, column, _ = self.settings["form_title"]
            self.report("settings", row, column.header, f"an XLSForm title has one text for every language: it was "
                        f"copied into {', '.join(languages)}; translate it")
        elif not title:
            self.report("settings", None, "form_title", f"the form has no form_title: '{our_id}' was used as its title")
        document: dict[str, Any] = {
            "id": our_id, "version": version[:20], "title": {code: title or our_id for code in languages},
            "audience": self.audience, "languages": languages, "translation_status": dict(status)}
        lists = {lst.name: {"translation_status": dict(status),
                            "choices": [{"value": c["value"], "label": text(c["label"])} for c in lst.choices]}
                 for lst in self.lists.values() if lst.used}
        for xls_name, lst in self.lists.items():
            if not lst.used:
                self.report("choices", lst.row, "list_name", f"the list '{xls_name}' is used by no converted "
                            "question: left out")
        if lists:
            document["choice_lists"] = lists
        document["pages"] = [self.page(page, text, status) for page in self.pages]
        return document

    def setting(self, key: str) -> str | None:
        return self.settings[key][2] if key in self.settings else None

    @staticmethod
    def page(page: _Page, text: Callable, status: dict) -> dict:
        out: dict[str, Any] = {"id": page.id}
        if text(page.title):
            out["title"] = text(page.title)
        if page.show_if:
            out["show_if"] = page.show_if
        items = []
        for item in page.items:
            spec = dict(item.spec)
            show_if = spec.pop("show_if", None)
            if show_if:
                spec["show_if"] = show_if
            spec["label"] = text(item.label)
            if text(item.hint):
                spec["hint"] = text(item.hint)
            spec["translation_status"] = dict(status)
            items.append(spec)
        out["items"] = items
        return out


def _by_sheet(rows: list[tuple[str, int]]) -> Iterator[tuple[str, list[int]]]:
    for sheet in SHEETS:
        numbers = [row for s, row in rows if s == sheet]
        if numbers:
            yield sheet, numbers


# -- XLSForm expressions: the small subset with an equivalent here ----------------------------------
#
# Parsed into tuples: ("or", [..]) ("and", [..]) ("not", x) ("cmp", subject, op, literal)
# ("selected", subject, literal); a subject is ("ref", name), ("dot",) or ("length", subject);
# a literal is ("string", text) or ("number", text).

_TOKEN = re.compile(r"""\s*(?:
    (?P<ref>\$\{[^}]*\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
  | (?P<op>!=|>=|<=|=|>|<)
  | (?P<punct>[(),])
  | (?P<dot>\.)
  | (?P<word>[A-Za-z_][A-Za-z0-9_:-]*)
)""", re.VERBOSE)
_FLIP = {"=": "=", "!=": "!=", ">": "<", "<": ">", ">=": "<=", "<=": ">="}
_OPERATORS = {"=": "equals", "!=": "not_equals", ">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}


def _tokens(expression: str) -> list[tuple[str, str]]:
    out, position = [], 0
    expression = expression.strip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if not match or match.end() == position:
            raise _Unsupported(f"cannot read '{expression[position:].strip()[:20]}'")
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
        position = match.end()
    return out


def _parse(expression: str, own_name: str | None = None):
    tokens = _tokens(expression)
    position = 0

    def peek(value: str | None = None, kind: str | None = None) -> bool:
        if position >= len(tokens):
            return False
        k, v = tokens[position]
        return (value is None or v == value) and (kind is None or k == kind)

    def take(value: str | None = None, kind: str | None = None) -> tuple[str, str]:
        nonlocal position
        if not peek(value, kind):
            found = tokens[position][1] if position < len(tokens) else "the end"
            raise _Unsupported(f"expected {value or kind} but found {found}")
        position += 1
        return tokens[position - 1]

    def chain(word: str, part):
        parts = [part()]
        while peek(word, "word"):
            take()
            parts.append(part())
        return parts[0] if len(parts) == 1 else (word, parts)

    def disjunction():
        return chain("or", conjunction)

    def conjunction():
        return chain("and", primary)

    def operand():
        kind, value = tokens[position] if position < len(tokens) else ("end", "")
        if kind == "ref":
            take()
            name = value[2:-1].strip()
            return ("dot",) if name == own_name else ("ref", name)
        if kind == "dot":
            take()
            return ("dot",)
        if kind == "string":
            take()
            return ("string", value[1:-1])
        if kind == "number":
            take()
            return ("number", value)
        if kind == "word" and value == "string-length":
            take()
            take("(")
            subject = operand()
            take(")")
            if subject[0] not in ("ref", "dot"):
                raise _Unsupported("string-length of something other than an answer")
            return ("length", subject)
        if kind == "word":
            raise _Unsupported(f"the function or word '{value}' has no equivalent here")
        raise _Unsupported(f"unexpected '{value or 'end'}'")

    def primary():
        if peek("(", "punct"):
            take()
            inner = disjunction()
            take(")")
            return inner
        if peek("not", "word"):
            take()
            take("(")
            inner = disjunction()
            take(")")
            return ("not", inner)
        if peek("selected", "word"):
            take()
            take("(")
            subject = operand()
            take(",")
            literal = operand()
            take(")")
            if subject[0] not in ("ref", "dot") or literal[0] not in ("string", "number"):
                raise _Unsupported("selected() needs a question and a choice name")
            return ("selected", subject, literal)
        left = operand()
        _, op = take(kind="op")
        right = operand()
        if left[0] in ("string", "number") and right[0] not in ("string", "number"):
            left, right, op = right, left, _FLIP[op]
        if left[0] in ("string", "number") or right[0] not in ("string", "number"):
            raise _Unsupported("only an answer compared with a fixed value has an equivalent here")
        return ("cmp", left, op, right)

    tree = disjunction()
    if position != len(tokens):
        raise _Unsupported(f"unexpected '{tokens[position][1]}'")
    return tree


def _condition(tree, target: Callable[[str], _Item]) -> dict:
    """An XLSForm `relevant` as a show_if; `target` finds the question a ${name} means (or raises)."""
    kind = tree[0]
    if kind in ("and", "or"):
        key = "all" if kind == "and" else "any"
        parts = []
        for part in tree[1]:
            converted = _condition(part, target)
            parts += converted[key] if key in converted else [converted]
        return {key: parts}
    if kind == "not":
        return {"not": _condition(tree[1], target)}
    subject = tree[1]
    if kind == "cmp" and subject[0] == "length" and subject[1][0] == "ref" and tree[3] == ("number", "0") \
            and tree[2] in (">", "=", "!="):
        # string-length(${x}) > 0 is the usual way to ask whether a question was answered
        return {"var": target(subject[1][1]).spec["var"], "answered": tree[2] != "="}
    if subject[0] != "ref":
        raise _Unsupported("only answers to questions can be compared")
    item = target(subject[1])
    var, item_type = item.spec["var"], item.spec["type"]
    if kind == "selected":
        value = _choice_value(item, tree[2][1])
        if item_type == "multiple_choice":
            return {"var": var, "includes": value}
        if item.choices is not None:
            return {"var": var, "equals": value}
        raise _Unsupported(f"selected() needs a choice question, and ${{{subject[1]}}} is not one")
    _, _, op, literal = tree
    if literal == ("string", "") and op in ("=", "!="):
        return {"var": var, "answered": op == "!="}
    if item_type == "multiple_choice":
        raise _Unsupported(f"${{{subject[1]}}} allows several answers: compare it with selected()")
    if op in ("=", "!="):
        if item.choices is not None:
            value = _choice_value(item, literal[1])
        elif item_type == "number":
            value = _number(literal[1])
        else:
            value = literal[1]
        return {"var": var, _OPERATORS[op]: value}
    if item.choices is not None:
        value = _choice_value(item, literal[1])
        if not isinstance(value, int):
            raise _Unsupported(f"'{op}' compares numbers, and ${{{subject[1]}}} has text choices")
        return {"var": var, _OPERATORS[op]: value}
    if item_type != "number":
        raise _Unsupported(f"'{op}' compares numbers, and ${{{subject[1]}}} is not a number")
    return {"var": var, _OPERATORS[op]: _number(literal[1])}


def _choice_value(item: _Item, name: str) -> int | str:
    if name in item.choices.values:
        return item.choices.values[name]
    raise _Unsupported(f"${{{item.name}}} has no choice named '{name}'")


def _number(text: str) -> int | float:
    if not NUMBER.match(text):
        raise _Unsupported(f"'{text}' is not a number")
    return int(text) if INTEGER.match(text) else float(text)


def _bounds(tree, item_type: str, integer: bool) -> dict:
    """A constraint that is only lower and upper limits on the answer itself, as min/max or max_length."""
    parts = tree[1] if tree[0] == "and" else [tree]
    out: dict[str, int | float] = {}
    for part in parts:
        if part[0] != "cmp" or part[2] in ("=", "!="):
            raise _Unsupported("not a simple range")
        _, subject, op, literal = part
        limit = _number(literal[1])
        if subject == ("dot",) and item_type == "number":
            if op in (">", "<"):
                if not (integer and isinstance(limit, int)):
                    raise _Unsupported(f"'{op}' on a decimal: write >= or <=")
                op, limit = (">=", limit + 1) if op == ">" else ("<=", limit - 1)
            key = "min" if op == ">=" else "max"
        elif subject == ("length", ("dot",)) and item_type in ("short_text", "long_text") and op in ("<=", "<"):
            if not isinstance(limit, int):
                raise _Unsupported("a length must be a whole number")
            key, limit = "max_length", limit if op == "<=" else limit - 1
        else:
            raise _Unsupported("not a simple range")
        if key in out:
            raise _Unsupported(f"two limits for {key}")
        out[key] = limit
    return out


# -- YAML in the style of the hand-written files --------------------------------------------------

_FLOW_ALWAYS = {"translation_status", "show_if"}
_TEXTS = {"label", "hint", "title"}


def _yaml_node(value: Any, key: str | None = None, flow: bool = False) -> Any:
    flow = flow or key in _FLOW_ALWAYS
    if isinstance(value, dict):
        node = CommentedMap((k, _yaml_node(v, k, flow)) for k, v in value.items())
        # Short texts on one line, {sv: ..., en: ...}, as in forms/demo.yaml; long ones a line per language.
        if flow or (key in _TEXTS and sum(len(str(v)) for v in value.values()) < 100):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        node = CommentedSeq(_yaml_node(v, None, flow) for v in value)
        if flow or key == "languages":
            node.fa.set_flow_style()
        return node
    if isinstance(value, str):
        return quoted_if_ambiguous(value)
    return value
