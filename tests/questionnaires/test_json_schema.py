"""The JSON Schema of a questionnaire's answers says exactly what the one validator accepts."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from survey.questionnaires.answers import check_answers
from survey.i18n.languages import load_languages
from survey.questionnaires.json_schema import answers_schema
from survey.questionnaires.loader import load_file

from factories import FIXTURE_FORMS, PROJECT_FORMS

BASE = {"day_face": 3, "come_back": 1}


@pytest.fixture(scope="module")
def allkinds():
    result = load_file(FIXTURE_FORMS / "allkinds.yaml", load_languages(PROJECT_FORMS / "languages.yaml"))
    assert not result.problems
    return result.definition


@pytest.mark.parametrize("answers", [
    BASE,
    {**BASE, "birth_year": 2015, "gender": 2, "activities": ["sport", "music"], "sport_kind": "fotboll"},
    {**BASE, "gender": "2", "come_back": "0"},                          # codes as digits, as a form sends them
    {**BASE, "activities": ["music"], "sport_kind": "x" * 500},         # hidden: dropped, whatever it holds
    {**BASE, "activities": ["sport"], "sport_kind": "x" * 101},         # shown: too long
    {**BASE, "activities": ["sport"], "sport_kind": None, "wish": "", "visits": None},
    {"day_face": 3},                                                    # come_back is required once shown
    {"come_back": 1},                                                   # day_face is required
    {**BASE, "come_back": "   "},
    {**BASE, "come_back": []},
    {**BASE, "welcome": "hello"},                                       # a note takes no answer
    {**BASE, "favourite": 1},                                           # not a variable of the questionnaire
    {**BASE, "visits": 8}, {**BASE, "visits": 2.5}, {**BASE, "visits": True}, {**BASE, "visits": 2.0},
    {**BASE, "gender": 1.0}, {**BASE, "gender": True}, {**BASE, "se_a": 5}, {**BASE, "birth_year": 1800},
    {**BASE, "wish": " \t\n "}, {**BASE, "activities": ["sport", "sport"]}, {**BASE, "activities": "sport"},
], ids=lambda answers: repr(answers)[:60])
def test_the_schema_accepts_exactly_what_the_validator_accepts(allkinds, answers):
    accepted = check_answers(allkinds, answers).ok
    assert Draft202012Validator(answers_schema(allkinds)).is_valid(answers) == accepted


def test_the_schema_is_valid_json_schema(allkinds):
    Draft202012Validator.check_schema(answers_schema(allkinds))
