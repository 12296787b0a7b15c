"""`forms check`: every kind of mistake in a definition is reported with file, line, path and a plain message."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from survey.i18n.languages import load_languages
from survey.questionnaires.loader import load_file, questionnaire_files

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = load_languages(ROOT / "forms" / "languages.yaml")
STATUS = {"sv": "draft", "en": "draft"}


def text(word: str) -> dict:
    return {"sv": f"{word} (sv)", "en": word}


def minimal() -> dict:
    return {
        "id": "mini", "version": "1", "title": text("Mini"), "audience": "youth",
        "languages": ["sv", "en"], "translation_status": dict(STATUS),
        "sources": {"own": {"citation": "Written here", "licence": "CC BY 4.0"}},
        "choice_lists": {"yn": {"translation_status": dict(STATUS), "choices": [
            {"value": 1, "label": text("Yes")}, {"value": 0, "label": text("No")}]}},
        "pages": [
            {"id": "one", "items": [
                {"var": "age", "type": "number", "min": 7, "max": 19, "label": text("Age"),
                 "translation_status": dict(STATUS)},
                {"var": "likes", "type": "single_choice", "choices": "yn", "label": text("Likes"),
                 "translation_status": dict(STATUS), "source": "own"}]},
            {"id": "two", "show_if": {"var": "likes", "equals": 1}, "items": [
                {"var": "why", "type": "short_text", "label": text("Why"), "translation_status": dict(STATUS)}]},
        ],
        "scales": [{"id": "s", "label": text("S"), "outcome": "safety", "items": ["likes"],
                    "score": "mean", "min_answered": 1, "range": [0, 1]}],
    }


def check(tmp_path, document: dict, name: str = "mini"):
    path = tmp_path / f"{name}.yaml"
    with path.open("w", encoding="utf-8") as handle:
        YAML().dump(document, handle)
    return load_file(path, LANGUAGES)


def only_problem(result):
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


def test_minimal_definition_passes(tmp_path):
    result = check(tmp_path, minimal())
    assert result.problems == []
    assert list(result.definition.items) == ["age", "likes", "why"]


def test_whole_library_passes():
    results = [load_file(p, LANGUAGES) for p in questionnaire_files(ROOT / "forms")]
    assert results, "forms/ holds no questionnaire"
    assert [str(p) for r in results for p in r.problems] == []


def test_problem_names_file_line_and_path(tmp_path):
    document = minimal()
    document["pages"][0]["items"][1]["choices"] = "nope"
    problem = only_problem(check(tmp_path, document))
    assert problem.file == "mini.yaml"
    assert problem.path == "pages[0].items[1].choices"
    assert "no choice list named 'nope'" in problem.message
    line = (tmp_path / "mini.yaml").read_text().splitlines()[problem.line - 1]
    assert "nope" in line
    assert str(problem).startswith(f"mini.yaml:{problem.line}: pages[0].items[1].choices:")


def test_invalid_yaml_is_reported_with_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: {sv: x\npages: []\n")
    problem = only_problem(load_file(path, LANGUAGES))
    assert "not valid YAML" in problem.message and problem.line is not None


def mutate(document, dotted: str, value):
    """Set (or with value=DELETE, remove) a key given as a dotted path with list indexes."""
    keys = [int(k) if k.isdigit() else k for k in dotted.split(".")]
    target = document
    for key in keys[:-1]:
        target = target[key]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value


DELETE = object()

CASES = [
    # (what, dotted path to change, new value, expected words in the message, expected path)
    ("missing required field", "audience", DELETE, "missing 'audience'", ""),
    ("unknown field", "colour", "blue", "unknown field: 'colour'", ""),
    ("unknown audience", "audience", "teachers", "'teachers' is not one of child, youth, parent, any", "audience"),
    ("bad variable name", "pages.0.items.0.var", "Age!", "is not a valid name", "pages[0].items[0].var"),
    ("unknown item type", "pages.0.items.0.type", "slider", "'slider' is not one of", "pages[0].items[0].type"),
    ("id differs from file name", "id", "other", "must match the file name", "id"),
    ("unknown language", "languages", ["sv", "en", "xx"], "unknown language 'xx'", "languages[2]"),
    ("text missing a language", "title", {"sv": "Mini"}, "has no 'en' version", "title"),
    ("text in a language not offered", "pages.0.items.0.label", {"sv": "a", "en": "b", "ar": "ج"},
     "'ar' is not one of this questionnaire's languages", "pages[0].items[0].label.ar"),
    ("translation status missing a language", "pages.0.items.0.translation_status", {"sv": "draft"},
     "translation_status does not say published, draft or reviewed for: en", "pages[0].items[0]"),
    ("bad translation status", "translation_status", {"sv": "done", "en": "draft"}, "'done' is not one of", "translation_status.sv"),
    ("duplicate variable", "pages.1.items.0.var", "age", "the variable name 'age' is used twice", "pages[1].items[0].var"),
    ("duplicate page id", "pages.1.id", "one", "the page id 'one' is used twice", "pages[1].id"),
    ("choice item without choices", "pages.0.items.1.choices", DELETE, "needs 'choices'", "pages[0].items[1]"),
    ("choices on a number", "pages.0.items.0.choices", "yn", "a number item takes no choices", "pages[0].items[0].choices"),
    ("min above max", "pages.0.items.0.min", 30, "min (30) is larger than max (19)", "pages[0].items[0].min"),
    ("option for another type", "pages.0.items.0.max_length", 5, "'max_length' does not apply to a number item", "pages[0].items[0].max_length"),
    ("required note", "pages.0.items.0", {"var": "info", "type": "note", "required": True, "label": text("Info"),
                                            "translation_status": dict(STATUS)}, "cannot be required", "pages[0].items[0].required"),
    ("unknown source", "pages.0.items.1.source", "bra", "no source named 'bra'", "pages[0].items[1].source"),
    ("adapted without note", "pages.0.items.0.wording", "adapted", "needs an adaptation_note", "pages[0].items[0].wording"),
    ("duplicate choice value", "choice_lists.yn.choices.1.value", 1, "the value 1 is used twice", "choice_lists.yn.choices[1].value"),
    ("smiley without faces", "pages.0.items.1.type", "smiley", "needs a face on every choice", "pages[0].items[1].choices"),
    ("sad face", "choice_lists.yn.choices.0.face", "sad", "'sad' is not one of neutral", "choice_lists.yn.choices[0].face"),
    ("condition on unknown variable", "pages.1.show_if", {"var": "ghost", "equals": 1}, "looks at 'ghost', which is not on an earlier page", "pages[1].show_if"),
    ("condition on the same page", "pages.0.items.1.show_if", {"var": "age", "gte": 10}, "looks at 'age', which is not on an earlier page", "pages[0].items[1].show_if"),
    ("condition with two operators", "pages.1.show_if", {"var": "likes", "equals": 1, "gte": 0}, "not a valid condition", "pages[1].show_if"),
    ("condition with unknown choice", "pages.1.show_if", {"var": "likes", "equals": 5}, "'likes' has no choice with the value 5", "pages[1].show_if"),
    ("includes on a single choice", "pages.1.show_if", {"var": "likes", "includes": 1}, "'includes' only works with multiple choice", "pages[1].show_if"),
    ("scale with unknown item", "scales.0.items", ["likes", "ghost"], "no item named 'ghost'", "scales[0].items[1]"),
    ("scale with text item", "scales.0.items", ["why"], "'why' cannot be scored", "scales[0].items[0]"),
    ("reverse item outside the scale", "scales.0.reverse", ["age"], "'age' is reverse-coded but not one of this scale's items", "scales[0].reverse[0]"),
    ("min_answered above items", "scales.0.min_answered", 3, "min_answered is 3 but the scale has only 1 items", "scales[0].min_answered"),
    ("empty range", "scales.0.range", [1, 1], "the range must go from a lower to a higher number", "scales[0].range"),
    ("unknown scale source", "scales.0.source", "nowhere", "no source named 'nowhere'", "scales[0].source"),
]


@pytest.mark.parametrize("what, dotted, value, words, path", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_plainly(tmp_path, what, dotted, value, words, path):
    document = copy.deepcopy(minimal())
    mutate(document, dotted, value)
    result = check(tmp_path, document)
    assert result.definition is None
    messages = [(p.path, p.message) for p in result.problems]
    assert any(words in message and p == path for p, message in messages), messages
    assert all(p.line is not None for p in result.problems)


def test_forms_check_command_lists_problems_and_fails(tmp_path, runner, app):
    (tmp_path / "mini.yaml").write_text("id: mini\n")
    result = runner.invoke(args=["forms", "check", str(tmp_path / "mini.yaml")])
    assert result.exit_code != 0
    assert "mini.yaml:1: missing 'version'" in result.output


def test_forms_check_command_passes_on_the_library(runner, app):
    result = runner.invoke(args=["forms", "check"])
    assert result.exit_code == 0, result.output
    assert "ok   demo.yaml" in result.output
