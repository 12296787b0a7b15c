"""Every item type owns everything about itself: a test here fails when a type lacks any part."""
from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from survey.questionnaires.items import ITEM_TYPES, Item, build_item
from survey.questionnaires.loader import SCHEMA
from survey.questionnaires.variables import COLUMN_NAME, MEASURES, STORAGES

TEMPLATES = Path(__file__).resolve().parents[2] / "survey" / "respond" / "templates"
LISTS = {"yesno": {"choices": [{"value": 1, "label": {"en": "Yes"}, "face": "happy"},
                               {"value": 2, "label": {"en": "No"}, "face": "neutral"},
                               {"value": 9, "label": {"en": "Don't know"}, "face": "neutral", "missing": True}]}}


def sample(kind: str) -> Item:
    from survey.questionnaires.definition import Definition
    spec = {"var": "q", "type": kind, "label": {"en": "Question?"}}
    if "choices" in ITEM_TYPES[kind].own_keys:
        spec["choices"] = "yesno"
    data = {"id": "x", "version": "1", "title": {"en": "x"}, "audience": "any", "languages": ["en"],
            "choice_lists": LISTS, "pages": [{"id": "p", "items": [spec]}]}
    return Definition(data).items["q"]


def test_the_schema_lists_exactly_the_item_types_there_are():
    assert set(SCHEMA["$defs"]["item"]["properties"]["type"]["enum"]) == set(ITEM_TYPES)


@pytest.mark.parametrize("kind", sorted(ITEM_TYPES))
def test_each_type_has_its_own_widget_template(kind):
    template = TEMPLATES / ITEM_TYPES[kind].template()
    assert template.exists(), f"{kind}: add {template.relative_to(TEMPLATES.parent.parent.parent)}"
    assert ITEM_TYPES[kind].template() == f"items/{kind}.html"


@pytest.mark.parametrize("kind", sorted(ITEM_TYPES))
def test_each_type_tells_translators_what_its_label_is(kind):
    assert "translator_note" in vars(ITEM_TYPES[kind]), f"{kind} inherits its translator note: say what it is"
    assert len(ITEM_TYPES[kind].translator_note) > 10


@pytest.mark.parametrize("kind", sorted(ITEM_TYPES))
def test_each_type_describes_its_dataset_columns(kind):
    item = sample(kind)
    variables = item.variables()
    if not item.answerable:
        assert variables == [] and item.export_values(None) == {}
        return
    assert variables
    for variable in variables:
        assert COLUMN_NAME.match(variable.name)
        assert variable.measure in MEASURES and variable.storage in STORAGES
        assert variable.item == "q" and variable.label.get("en")
    # an unanswered item exports a value (None) for each of its columns, and nothing else
    assert set(item.export_values(None)) == {v.name for v in variables}
    assert all(value is None for value in item.export_values(None).values())


@pytest.mark.parametrize("kind", sorted(ITEM_TYPES))
def test_each_type_reads_its_own_form_input(kind):
    item = sample(kind)
    sent = {"multiple_choice": ["1", "2"], "number": "12", "year_of_birth": "2012"}.get(kind, "1")
    form = MultiDict([("q", v) for v in (sent if isinstance(sent, list) else [sent])])
    raw = item.form_input(form)
    if not item.answerable:
        return
    value = item.validate(item.from_form(raw))
    assert item.form_value(value) == (sent if kind != "number" else "12")


def test_a_multiple_choice_answer_becomes_one_0_1_column_per_option():
    item = sample("multiple_choice")
    assert [v.name for v in item.variables()] == ["q_1", "q_2", "q_9"]
    assert item.export_values([2]) == {"q_1": 0, "q_2": 1, "q_9": 0}


def test_choice_columns_carry_value_labels_and_missing_codes():
    (variable,) = sample("likert").variables()
    assert variable.measure == "ordinal" and variable.storage == "numeric"
    assert variable.value_labels[1] == {"en": "Yes"} and variable.missing_codes == (9,)


def test_a_year_of_birth_is_always_a_quasi_identifier():
    assert sample("year_of_birth").variables()[0].quasi_identifier
    assert not sample("number").variables()[0].quasi_identifier


@pytest.mark.parametrize("kind", sorted(ITEM_TYPES))
def test_each_type_checks_keys_that_are_not_its_own(kind):
    foreign = sorted({"min", "max_length", "min_age"} - ITEM_TYPES[kind].own_keys)[0]
    spec = {"var": "q", "type": kind, "label": {"en": "x"}, foreign: 3}
    if "choices" in ITEM_TYPES[kind].own_keys:
        spec["choices"] = "yesno"
    messages = [message for _where, message in ITEM_TYPES[kind].spec_problems(spec, LISTS)]
    assert f"'{foreign}' does not apply to a {kind} item" in messages


def test_build_item_uses_the_class_of_the_type():
    lists = {"yesno": sample("likert").choice_list}
    for kind, cls in ITEM_TYPES.items():
        assert type(build_item({"var": "q", "type": kind, "label": {"en": "x"}, "choices": "yesno"}, lists)) is cls


@pytest.mark.parametrize("kind", sorted(ITEM_TYPES))
def test_each_type_describes_its_answers_as_json_schema(kind):
    from jsonschema import Draft202012Validator
    item = sample(kind)
    schema = item.answer_schema()          # NotImplementedError: the type lacks its schema
    Draft202012Validator.check_schema(schema)
    Draft202012Validator.check_schema(item.given_answer_schema())
    accepts = Draft202012Validator(schema).is_valid
    assert not accepts({"an": "object"})   # no type takes an object as its answer
    if not item.answerable:
        assert not accepts("hello")
        return
    sent = {"multiple_choice": ["1", "2"], "number": "12", "year_of_birth": "2012"}.get(kind, "1")
    value = item.validate(item.from_form(sent))
    assert accepts(value) and Draft202012Validator(item.given_answer_schema()).is_valid(value)


@pytest.mark.parametrize("kind", ["number", "year_of_birth", "short_text", "single_choice", "multiple_choice"])
def test_an_answer_the_schema_refuses_is_refused_by_the_type_too(kind):
    from jsonschema import Draft202012Validator
    from survey.questionnaires.errors import AnswerError
    item = sample(kind)
    wrong = {"number": 2.5, "year_of_birth": 1700, "short_text": "x" * 201, "single_choice": 7,
             "multiple_choice": [1, 7]}[kind]
    assert not Draft202012Validator(item.answer_schema()).is_valid(wrong)
    with pytest.raises(AnswerError):
        item.validate(wrong)
