"""Reading questionnaire files: YAML with line numbers, the JSON Schema, then the checks a schema cannot say.

Every problem is reported with file, line, path and a plain message, so a coordinator can fix a
definition without reading Python.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

import jsonschema
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from . import conditions
from .definition import Definition
from .items import CHOICE_TYPES, ITEM_TYPES
from .texts import owners_with_paths, translatable_texts
from .yaml_files import reader

# Data files beside the questionnaires: languages, and outcome indicators (survey/results/indicators.py).
NOT_QUESTIONNAIRES = {"languages.yaml", "indicators.yaml"}
SCHEMA = json.loads(resources.files(__package__).joinpath("schema.json").read_text())
# The schema's own patterns, for code that makes names (the XLSForm import) rather than checks them.
NAME = re.compile(SCHEMA["$defs"]["name"]["pattern"])
CHOICE_VALUE = re.compile(SCHEMA["$defs"]["choice_value"]["oneOf"][1]["pattern"])


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass
class LoadResult:
    path: Path
    definition: Definition | None
    problems: list[Problem]


def questionnaire_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.yaml") if p.name not in NOT_QUESTIONNAIRES)


def load_directory(directory: Path, languages: Iterable[str]) -> list[LoadResult]:
    return [load_file(path, languages) for path in questionnaire_files(directory)]


def load_file(path: Path, languages: Iterable[str]) -> LoadResult:
    path = Path(path)
    try:
        document = reader().load(path.read_text(encoding="utf-8"))
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return LoadResult(path, None, [Problem(path.name, line, "", f"not valid YAML: {getattr(error, 'problem', error)}")])
    except (OSError, UnicodeDecodeError) as error:
        return LoadResult(path, None, [Problem(path.name, None, "", f"cannot be read: {error}")])
    result = load_document(document, path.name, languages, expected_id=path.stem)
    return LoadResult(path, result.definition, result.problems)


def load_document(document: Any, filename: str, languages: Iterable[str],
                  expected_id: str | None = None) -> LoadResult:
    """Check a parsed document (ruamel round-trip data keeps line numbers) and build its definition."""
    data = _plain(document)
    problems = [Problem(filename, _line_of(document, list(e.absolute_path)),
                        _dotted(e.absolute_path), _schema_message(e))
                for e in sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data),
                                key=lambda e: list(map(str, e.absolute_path)))]
    if not problems:
        # in file order (then by path), so a coordinator fixes them top to bottom
        problems = sorted((Problem(filename, _line_of(document, path), _dotted(path), message)
                           for path, message in _semantic_problems(data, set(languages), expected_id)),
                          key=lambda problem: (problem.line or 0, problem.path))
    definition = Definition(data) if not problems else None
    return LoadResult(Path(filename), definition, problems)


# -- the checks a schema cannot say ---------------------------------------------------------------

def _semantic_problems(data: dict, known_languages: set[str], expected_id: str | None) -> Iterator[tuple[list, str]]:
    if expected_id is not None and data["id"] != expected_id:
        yield ["id"], f"the id '{data['id']}' must match the file name '{expected_id}.yaml'"
    languages = data["languages"]
    for i, lang in enumerate(languages):
        if lang not in known_languages:
            yield ["languages", i], f"unknown language '{lang}': add it to forms/languages.yaml first"

    yield from _texts_problems(data, languages)
    yield from _status_problems(data, languages)

    sources = data.get("sources", {})
    lists = data.get("choice_lists", {})
    for name, spec in lists.items():
        values = [c["value"] for c in spec["choices"]]
        for i, value in enumerate(values):
            if values.index(value) != i:
                yield ["choice_lists", name, "choices", i, "value"], f"the value {value!r} is used twice in this list"

    items: dict[str, dict] = {}
    page_of: dict[str, int] = {}
    page_ids: set[str] = set()
    for p, page in enumerate(data["pages"]):
        if page["id"] in page_ids:
            yield ["pages", p, "id"], f"the page id '{page['id']}' is used twice"
        page_ids.add(page["id"])
        yield from _condition_problems(page.get("show_if"), ["pages", p, "show_if"], items, page_of, p, lists)
        for i, item in enumerate(page["items"]):
            where = ["pages", p, "items", i]
            var = item["var"]
            if var in items:
                yield where + ["var"], f"the variable name '{var}' is used twice"
            yield from _item_problems(item, where, lists, sources)
            yield from _condition_problems(item.get("show_if"), where + ["show_if"], items, page_of, p, lists)
            items[var] = item
            page_of[var] = p

    scale_ids: set[str] = set()
    for s, scale in enumerate(data.get("scales", [])):
        where = ["scales", s]
        if scale["id"] in scale_ids:
            yield where + ["id"], f"the scale id '{scale['id']}' is used twice"
        scale_ids.add(scale["id"])
        if scale.get("source") and scale["source"] not in sources:
            yield where + ["source"], f"no source named '{scale['source']}' under sources"
        for i, var in enumerate(scale["items"]):
            item = items.get(var)
            if item is None:
                yield where + ["items", i], f"no item named '{var}'"
            elif item["type"] in CHOICE_TYPES and item.get("choices") not in lists:
                continue  # the missing list is reported on the item itself
            elif not ITEM_TYPES[item["type"]].scorable(item, lists):
                yield where + ["items", i], f"'{var}' cannot be scored: scale items need a number or a choice list with whole-number values"
        for i, var in enumerate(scale.get("reverse", [])):
            if var not in scale["items"]:
                yield where + ["reverse", i], f"'{var}' is reverse-coded but not one of this scale's items"
        if scale["min_answered"] > len(scale["items"]):
            yield where + ["min_answered"], f"min_answered is {scale['min_answered']} but the scale has only {len(scale['items'])} items"
        low, high = scale["range"]
        if low >= high:
            yield where + ["range"], "the range must go from a lower to a higher number"


def _item_problems(item: dict, where: list, lists: dict, sources: dict) -> Iterator[tuple[list, str]]:
    for below, message in ITEM_TYPES[item["type"]].spec_problems(item, lists):
        yield where + below, message
    if item.get("source") and item["source"] not in sources:
        yield where + ["source"], f"no source named '{item['source']}' under sources"
    if item.get("wording") == "adapted" and not item.get("adaptation_note"):
        yield where + ["wording"], "adapted wording needs an adaptation_note saying what changed and why"


def _condition_problems(condition, where, items, page_of, page_index, lists) -> Iterator[tuple[list, str]]:
    for var, op, operand in conditions.referenced_vars(condition):
        item = items.get(var)
        if item is None or page_of.get(var) == page_index:
            # Skip logic runs on the server, page by page, so it may only look at earlier pages.
            yield where, (f"the condition looks at '{var}', which is not on an earlier page"
                          if var not in items or page_of.get(var) == page_index
                          else f"no item named '{var}'")
            continue
        kind = item["type"]
        choices = lists.get(item.get("choices"), {}).get("choices", [])  # a missing list is reported on the item
        if not ITEM_TYPES[kind].answerable:
            yield where, f"the condition looks at '{var}', an information note that has no answer"
        elif op == "includes" and not ITEM_TYPES[kind].answers_are_lists:
            yield where, f"'includes' only works with multiple choice items, and '{var}' is {kind}"
        elif op in ("gte", "lte", "gt", "lt") and kind in CHOICE_TYPES and not ITEM_TYPES[kind].numeric_answers(
                item, lists):
            yield where, f"'{op}' compares numbers, but '{var}' has text choice values"
        elif kind in CHOICE_TYPES and choices and op in ("equals", "not_equals", "in", "includes"):
            values = [c["value"] for c in choices]
            for value in operand if op == "in" else [operand]:
                if value not in values:
                    yield where, f"'{var}' has no choice with the value {value!r}"


def _texts_problems(data: dict, languages: list[str]) -> Iterator[tuple[list, str]]:
    for text in translatable_texts(data):
        for lang in languages:
            if not text.get(lang):
                yield list(text.path), f"the text has no '{lang}' version (the questionnaire offers {', '.join(languages)})"
        for lang in text.texts:
            if lang not in languages:
                yield [*text.path, lang], f"'{lang}' is not one of this questionnaire's languages"


def _status_problems(data: dict, languages: list[str]) -> Iterator[tuple[list, str]]:
    """Every translatable part says, for every language, whether its text is published, draft or reviewed."""
    for node, path in owners_with_paths(data).values():
        status = node.get("translation_status", {})
        missing = [lang for lang in languages if lang not in status]
        if missing:
            yield list(path) or ["translation_status"], \
                f"translation_status does not say published, draft or reviewed for: {', '.join(missing)}"


# -- helpers ----------------------------------------------------------------------------------

def _plain(node: Any) -> Any:
    """ruamel's round-trip types as plain dicts, lists and scalars (for jsonschema and storage)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return str(node)  # dates and other YAML scalars: kept as text


def _line_of(document: Any, path: list) -> int | None:
    """The 1-based line of the deepest node on `path` that the YAML document knows."""
    node, line = document, 1
    for key in path:
        try:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line = node.lc.item(key)[0] + 1
            else:
                break
            node = node[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def _dotted(path: Iterable) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return f"missing {error.message.split(' is a required')[0]}"
    if error.validator == "additionalProperties":
        return f"unknown field: {error.message.split('(')[-1].rstrip(')').replace(' were unexpected', '').replace(' was unexpected', '')}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern":
        return f"{error.instance!r} is not a valid name (lower-case letters, digits and _; starting with a letter)" \
            if "a-z][a-z0-9_" in error.validator_value else f"{error.instance!r} does not match {error.validator_value}"
    if error.validator == "oneOf" and isinstance(error.instance, dict) and ("var" in error.instance or {"all", "any", "not"} & set(error.instance)):
        return "not a valid condition: use {var: NAME, OPERATOR: VALUE} with one operator of " \
               + ", ".join(conditions.OPERATORS) + ", or all/any/not"
    return error.message
