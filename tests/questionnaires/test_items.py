"""Each item type reads form input, checks JSON answers and describes itself."""
from __future__ import annotations

from datetime import date

import pytest

from survey.questionnaires.errors import AnswerError
from survey.questionnaires.items import ITEM_TYPES, Choice, ChoiceList, build_item

LISTS = {
    "yn": ChoiceList("yn", (Choice(1, {"en": "Yes"}), Choice(0, {"en": "No"}), Choice(9, {"en": "Don't know"}, missing=True))),
    "acts": ChoiceList("acts", (Choice("sport", {"en": "Sport"}), Choice("music", {"en": "Music"}), Choice("art", {"en": "Art"}))),
}


def item(kind: str, **spec):
    return build_item({"var": "x", "type": kind, "label": {"en": "X"}, **spec}, LISTS)


def code_of(callable_, *args) -> str:
    with pytest.raises(AnswerError) as raised:
        callable_(*args)
    return raised.value.code


@pytest.mark.parametrize("kind", ["single_choice", "likert", "smiley"])
def test_single_choices_take_a_value_of_their_list(kind):
    question = item(kind, choices="yn")
    assert question.validate(1) == 1
    assert question.validate("0") == 0          # a form sends text
    assert code_of(question.validate, 5) == "unknown_choice"
    assert code_of(question.validate, True) == "wrong_type"
    assert code_of(question.validate, [1]) == "wrong_type"


def test_multiple_choice_keeps_list_order_and_drops_repeats():
    question = item("multiple_choice", choices="acts")
    assert question.validate(["art", "sport", "art"]) == ["sport", "art"]
    assert code_of(question.validate, "sport") == "wrong_type"
    assert code_of(question.validate, ["sport", "chess"]) == "unknown_choice"
    assert question.from_form(["sport", "music"]) == ["sport", "music"]
    assert question.from_form([]) is None


def test_number_checks_its_range_and_whole_numbers():
    question = item("number", min=0, max=10)
    assert question.validate(10) == 10
    assert question.validate(4.0) == 4
    assert code_of(question.validate, 11) == "too_large"
    assert code_of(question.validate, -1) == "too_small"
    assert code_of(question.validate, 2.5) == "not_an_integer"
    assert code_of(question.validate, "4") == "wrong_type"
    assert code_of(question.validate, float("nan")) == "not_a_number"


def test_decimal_number_takes_fractions():
    assert item("number", integer=False, min=0, max=5).validate(2.5) == 2.5


@pytest.mark.parametrize("typed, value", [("12", 12), (" 7 ", 7), ("2,5", 2.5), ("١٢", 12), ("۱۲", 12), ("−3", -3), ("", None)])
def test_number_reads_what_people_type(typed, value):
    assert item("number", integer=False).from_form(typed) == value


def test_number_form_input_that_is_not_a_number_is_reported():
    assert code_of(item("number").from_form, "twelve") == "not_a_number"


def test_year_of_birth_follows_the_current_year():
    question = item("year_of_birth", min_age=7, max_age=13)
    this_year = date.today().year
    assert question.bounds() == (this_year - 14, this_year - 7)
    assert question.validate(this_year - 10) == this_year - 10
    error = pytest.raises(AnswerError, question.validate, this_year - 3).value
    assert error.code == "year_out_of_range" and error.params == {"min": this_year - 14, "max": this_year - 7}
    assert question.describe()["min"] == this_year - 14


def test_text_is_trimmed_and_limited():
    question = item("short_text", max_length=5)
    assert question.validate("  hej ") == "hej"
    assert question.validate("   ") is None
    assert code_of(question.validate, "abcdef") == "too_long"
    assert code_of(question.validate, 5) == "wrong_type"
    assert item("long_text").max_length == 1000 and item("short_text").max_length == 200


def test_text_loses_control_characters_but_keeps_line_breaks():
    question = item("long_text")
    assert question.validate("Mer\x00 fotboll\x1b[31m\r\noch\tmusik") == "Mer fotboll[31m\r\noch\tmusik"
    assert question.validate("\x00\x07") is None


def test_note_takes_no_answer():
    note = item("note")
    assert note.answerable is False
    assert code_of(note.validate, "anything") == "not_answerable"


def test_every_type_describes_itself_for_the_api():
    for kind, cls in ITEM_TYPES.items():
        spec = {"choices": "yn"} if "choice" in kind or kind in ("likert", "smiley") else {}
        described = item(kind, **spec).describe()
        assert described["type"] == kind and described["var"] == "x" and described["label"] == {"en": "X"}
