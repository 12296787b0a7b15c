"""Property-based tests (hypothesis) of the questionnaire format: the loader, the answer validator,
the condition evaluator and scale scoring, on generated input rather than hand-picked cases.

Example counts are set per test (max_examples) so the whole file stays within about 30 seconds on an idle 2-core machine.
"""
from __future__ import annotations

import copy
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.i18n.languages import load_languages
from survey.questionnaires import conditions
from survey.questionnaires.answers import check_answers
from survey.questionnaires.items import ChoiceItem, MultipleChoiceItem, NumberItem
from survey.questionnaires.loader import load_file
from survey.questionnaires.scoring import item_score, score_all
from survey.questionnaires.yaml_files import writer

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = load_languages(ROOT / "forms" / "languages.yaml")
FORMS = ("demo", "child", "youth", "parent", "event_feedback")
DEFINITIONS = {form: load_file(ROOT / "forms" / f"{form}.yaml", LANGUAGES).definition for form in FORMS}
DEMO_DATA = json.loads(json.dumps(DEFINITIONS["demo"].data))   # plain dicts and lists
SCALED = [(form, scale) for form, d in DEFINITIONS.items() for scale in d.scales]

# JSON-like values: what a client can put in a request body
scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=20)
json_like = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)

QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_text(text: str):
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "demo.yaml"
        path.write_text(text, encoding="utf-8")
        return load_file(path, LANGUAGES)


def as_yaml(data) -> str:
    out = io.StringIO()
    writer().dump(data, out)
    return out.getvalue()


def assert_report_or_definition(result) -> None:
    """Exactly one of: a definition and no problems, or problems (each with a message) and none."""
    if result.definition is None:
        assert result.problems and all(p.message for p in result.problems)
    else:
        assert result.problems == []


# -- the loader ---------------------------------------------------------------------------------

@settings(QUICK, max_examples=60)
@given(st.text(max_size=300))
def test_any_text_gives_the_loader_a_report_or_a_definition(text):
    assert_report_or_definition(load_text(text))


@settings(QUICK, max_examples=40)
@given(json_like)
def test_any_yaml_structure_gives_the_loader_a_report_or_a_definition(data):
    assert_report_or_definition(load_text(as_yaml(data)))


@st.composite
def mutated_demo(draw):
    """The demo definition with one subtree replaced by something else: past the schema, into the
    semantic checks (unknown variables, conditions pointing forwards, bad scales...)."""
    data = copy.deepcopy(DEMO_DATA)
    parent, key = None, None
    node = data
    for _ in range(draw(st.integers(1, 6))):
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        parent, key = node, draw(st.sampled_from(keys))
        if not isinstance(parent[key], (dict, list)) or draw(st.booleans()):
            break
        node = parent[key]
    if parent is None:
        return data
    if isinstance(parent, dict) and draw(st.integers(0, 4)) == 0:
        del parent[key]     # a key left out
    else:
        parent[key] = draw(json_like | st.sampled_from(["demo", "sv", "gender", "day_face", "sport", 1, 9, [], {}]))
    return data


@settings(QUICK, max_examples=20)
@given(mutated_demo())
def test_a_mutated_definition_gives_the_loader_a_report_or_a_definition(data):
    assert_report_or_definition(load_text(as_yaml(data)))


def test_the_unmutated_demo_round_trips_through_yaml_to_a_definition():
    assert load_text(as_yaml(copy.deepcopy(DEMO_DATA))).definition is not None


# -- the answer validator -----------------------------------------------------------------------

def plausible_value(item):
    """Mostly answers an item could accept, sometimes anything at all."""
    if isinstance(item, MultipleChoiceItem):
        values = [c.value for c in item.choice_list.choices]
        good = st.lists(st.sampled_from(values), max_size=len(values) + 1)
    elif isinstance(item, ChoiceItem):
        good = st.sampled_from([c.value for c in item.choice_list.choices])
    elif isinstance(item, NumberItem):
        low, high = item.bounds()
        good = st.integers(-5 if low is None else low - 2, 3000 if high is None else high + 2)
    else:
        good = st.text(max_size=40)
    return st.one_of(good, good, good, json_like)


@st.composite
def raw_answers(draw, form):
    definition = DEFINITIONS[form]
    answers = {}
    for var, item in definition.items.items():
        if draw(st.integers(0, 3)):
            answers[var] = draw(plausible_value(item))
    if draw(st.integers(0, 9)) == 0:
        answers.update(draw(st.dictionaries(st.text(max_size=8), json_like, max_size=2)))
    return answers


forms_and_answers = st.sampled_from(FORMS).flatmap(lambda form: st.tuples(st.just(form), raw_answers(form)))


@settings(QUICK, max_examples=100)
@given(st.sampled_from(FORMS), st.dictionaries(st.text(max_size=10), json_like, max_size=8))
def test_the_validator_never_raises_on_any_json_object(form, raw):
    checked = check_answers(DEFINITIONS[form], raw)
    assert checked.ok == (not checked.errors)


@settings(QUICK, max_examples=100)
@given(forms_and_answers)
def test_the_validator_never_raises_on_near_valid_answers(form_and_raw):
    form, raw = form_and_raw
    check_answers(DEFINITIONS[form], raw)


@settings(QUICK, max_examples=100)
@given(forms_and_answers)
def test_accepted_answers_validate_again_to_themselves(form_and_raw):
    form, raw = form_and_raw
    first = check_answers(DEFINITIONS[form], raw)
    again = check_answers(DEFINITIONS[form], first.answers)
    assert again.answers == first.answers
    if first.ok:
        assert again.ok


# -- the condition evaluator --------------------------------------------------------------------

VARS = ("a", "b", "c")
schema_scalar = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3)


def comparisons():
    number = st.integers(-5, 5) | st.floats(-5, 5, allow_nan=False)
    operand = {"equals": schema_scalar, "not_equals": schema_scalar, "includes": schema_scalar,
               "in": st.lists(schema_scalar, min_size=1, max_size=3), "gte": number, "lte": number,
               "gt": number, "lt": number, "answered": st.booleans()}
    return st.sampled_from(sorted(operand)).flatmap(
        lambda op: st.builds(lambda var, value: {"var": var, op: value}, st.sampled_from(VARS), operand[op]))


condition_trees = st.recursive(
    comparisons(),
    lambda inner: st.builds(lambda cs: {"all": cs}, st.lists(inner, min_size=1, max_size=3))
    | st.builds(lambda cs: {"any": cs}, st.lists(inner, min_size=1, max_size=3))
    | st.builds(lambda c: {"not": c}, inner),
    max_leaves=8)
any_answers = st.dictionaries(st.sampled_from(VARS + ("other",)), json_like, max_size=4)


@settings(QUICK, max_examples=150)
@given(condition_trees, any_answers)
def test_a_condition_is_true_or_false_on_any_answers(condition, answers):
    assert conditions.evaluate(condition, answers) in (True, False)


@settings(QUICK, max_examples=100)
@given(condition_trees, any_answers)
def test_not_flips_any_condition(condition, answers):
    assert conditions.evaluate({"not": condition}, answers) is (not conditions.evaluate(condition, answers))


@settings(QUICK, max_examples=100)
@given(comparisons(), any_answers)
def test_an_unanswered_variable_satisfies_only_answered_false(comparison, answers):
    answers = {k: v for k, v in answers.items() if k != comparison["var"]}
    expected = comparison.get("answered") is False
    assert conditions.evaluate(comparison, answers) is expected


# -- scale scoring ------------------------------------------------------------------------------

@st.composite
def valid_answers(draw, form):
    """Answers the validator accepts, drawn item by item and cleaned by check_answers."""
    return check_answers(DEFINITIONS[form], draw(raw_answers(form))).answers


scaled_forms = sorted({form for form, _scale in SCALED})


@settings(QUICK, max_examples=60)
@given(st.sampled_from(scaled_forms).flatmap(lambda form: st.tuples(st.just(form), valid_answers(form))))
def test_a_scale_score_lies_within_the_scale_range_or_is_none(form_and_answers):
    form, answers = form_and_answers
    definition = DEFINITIONS[form]
    for scale in definition.scales:
        score = score_all(definition, answers)[scale.id]
        assert score is None or scale.range[0] - 1e-9 <= score <= scale.range[1] + 1e-9


def scored_values():
    cases = []
    for form, scale in SCALED:
        definition = DEFINITIONS[form]
        for var in scale.items:
            item = definition.items[var]
            if isinstance(item, ChoiceItem):
                cases += [(form, var, c.value) for c in item.choice_list.choices if not c.missing]
            else:
                cases += [(form, var, value) for value in range(int(item.min), int(item.max) + 1)]
    return cases


@settings(QUICK, max_examples=100)
@given(st.sampled_from(scored_values()))
def test_reversing_an_item_score_twice_gives_it_back(case):
    form, var, value = case
    definition = DEFINITIONS[form]
    once = item_score(definition, var, value, reverse=True)
    assert item_score(definition, var, once, reverse=True) == item_score(definition, var, value, reverse=False)
