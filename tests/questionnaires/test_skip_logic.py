"""Skip logic: conditions, hidden pages and items, and answers to hidden items dropped."""
from __future__ import annotations

from pathlib import Path

import pytest

from survey.i18n.languages import load_languages
from survey.questionnaires import conditions
from survey.questionnaires.answers import check_answers, visible_page_indexes
from survey.questionnaires.loader import load_file
from survey.questionnaires.scoring import score_all

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def allkinds():
    result = load_file(ROOT / "tests" / "fixtures" / "forms" / "allkinds.yaml",
                       load_languages(ROOT / "forms" / "languages.yaml"))
    assert not result.problems
    return result.definition


@pytest.mark.parametrize("condition, answers, expected", [
    ({"var": "g", "equals": 1}, {"g": 1}, True),
    ({"var": "g", "equals": 1}, {"g": 2}, False),
    ({"var": "g", "not_equals": 1}, {"g": 2}, True),
    ({"var": "g", "not_equals": 1}, {}, False),           # unanswered: every comparison is false
    ({"var": "g", "in": [1, 3]}, {"g": 3}, True),
    ({"var": "a", "includes": "sport"}, {"a": ["music", "sport"]}, True),
    ({"var": "a", "includes": "sport"}, {"a": ["music"]}, False),
    ({"var": "n", "gte": 13}, {"n": 13}, True),
    ({"var": "n", "gt": 13}, {"n": 13}, False),
    ({"var": "n", "lte": 13}, {"n": 12}, True),
    ({"var": "n", "lt": 13}, {"n": 13}, False),
    ({"var": "n", "gte": 13}, {"n": "13"}, False),        # text never compares as a number
    ({"var": "n", "answered": True}, {"n": 0}, True),
    ({"var": "n", "answered": False}, {}, True),
    ({"all": [{"var": "g", "equals": 1}, {"var": "n", "gte": 13}]}, {"g": 1, "n": 12}, False),
    ({"any": [{"var": "g", "equals": 1}, {"var": "n", "gte": 13}]}, {"g": 1, "n": 12}, True),
    ({"not": {"var": "g", "equals": 1}}, {"g": 2}, True),
    (None, {}, True),
])
def test_conditions(condition, answers, expected):
    assert conditions.evaluate(condition, answers) is expected


def test_page_is_hidden_until_its_condition_holds(allkinds):
    assert visible_page_indexes(allkinds, {}) == [0, 1, 3]
    assert visible_page_indexes(allkinds, {"day_face": 2}) == [0, 1, 2, 3]


def test_item_is_shown_only_when_earlier_answer_allows(allkinds):
    base = {"day_face": 2, "come_back": 1}
    without_sport = check_answers(allkinds, {**base, "activities": ["music"], "sport_kind": "fotboll"})
    with_sport = check_answers(allkinds, {**base, "activities": ["sport"], "sport_kind": "fotboll"})
    assert "sport_kind" not in without_sport.answers and without_sport.ok
    assert with_sport.answers["sport_kind"] == "fotboll"


def test_required_item_on_hidden_page_is_not_required(allkinds):
    # come_back is required but sits on the page shown only after day_face is answered;
    # day_face itself is required, so an empty submission names only day_face.
    checked = check_answers(allkinds, {})
    assert set(checked.errors) == {"day_face"}


def test_reverse_coded_item_is_scored_from_the_other_end(allkinds):
    # se_c is reverse-coded on a 1..4 list: 1 -> 4. Mean of (4, 4, 4) = 4; of (1, 1, 4->1) = 1.
    assert score_all(allkinds, {"se_a": 4, "se_b": 4, "se_c": 1}) == {"se": 4.0}
    assert score_all(allkinds, {"se_a": 1, "se_b": 1, "se_c": 4}) == {"se": 1.0}
    assert score_all(allkinds, {"se_a": 2, "se_b": 3, "se_c": 2}) == {"se": pytest.approx((2 + 3 + 3) / 3)}


def test_scale_needs_its_minimum_of_answers(allkinds):
    assert score_all(allkinds, {"se_a": 4}) == {"se": None}
    assert score_all(allkinds, {"se_a": 4, "se_c": 4}) == {"se": 2.5}
