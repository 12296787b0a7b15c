"""Outcome indicators as data: the file is checked against the questionnaires it names, and each
rule turns one response into the value it contributes, using the questionnaire's own scoring."""
from __future__ import annotations

from pathlib import Path

import pytest

from survey.i18n.languages import load_languages
from survey.questionnaires.loader import load_file, questionnaire_files
from survey.results.indicators import OUTCOMES, load_indicators

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = load_languages(ROOT / "forms" / "languages.yaml")
DEFINITIONS = {r.definition.id: r.definition for r in (load_file(p, LANGUAGES) for p in questionnaire_files(ROOT / "forms"))}


def indicators_file(tmp_path, body: str) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def one(tmp_path, spec: str):
    text = "indicators:\n  - id: x\n    label: {sv: X, en: X}\n" + "".join(f"    {line}\n" for line in spec.strip().splitlines())
    return load_indicators(indicators_file(tmp_path, text), DEFINITIONS.values())


def test_the_indicators_file_in_forms_passes_and_covers_every_outcome_for_every_audience():
    result = load_indicators(ROOT / "forms" / "indicators.yaml", DEFINITIONS.values())
    assert result.problems == []
    covered = {(i.outcome, i.audience) for i in result.indicators.indicators}
    assert covered == {(o, a) for o in OUTCOMES for a in ("child", "youth", "parent")}


def test_a_scale_the_questionnaire_lacks_is_a_problem_with_its_line(tmp_path):
    result = one(tmp_path, "outcome: self_efficacy\nquestionnaire: youth\naudience: youth\nrule: mean\nscale: nope")
    [problem] = result.problems
    assert "has no scale 'nope'" in problem.message and problem.line == 8 and problem.path == "indicators.0.scale"


def test_an_audience_other_than_the_questionnaires_is_a_problem(tmp_path):
    result = one(tmp_path, "outcome: safety\nquestionnaire: youth\naudience: parent\nrule: top_two\nitem: safe_meeting_place")
    assert ["'youth' is answered by 'youth', not 'parent'"] == [p.message for p in result.problems]


def test_share_categories_must_be_answers_of_the_item(tmp_path):
    result = one(tmp_path, "outcome: safety\nquestionnaire: youth\naudience: youth\nrule: share\n"
                           "item: safe_evening\ncategories: [1, 7]")
    assert "not [7]" in result.problems[0].message


def test_an_unknown_outcome_is_a_problem(tmp_path):
    result = one(tmp_path, "outcome: happiness\nquestionnaire: youth\naudience: youth\nrule: mean\nscale: gse")
    assert "outcome must be one of" in result.problems[0].message


def test_a_sentence_for_participants_is_refused_on_a_mean(tmp_path):
    result = one(tmp_path, "outcome: self_efficacy\nquestionnaire: youth\naudience: youth\nrule: mean\nscale: gse\n"
                           "public: {sv: a, en: a, ar: a, so: a, fa: a}")
    assert "share rules only" in result.problems[0].message


def test_forms_check_reports_a_broken_indicators_file(forms_runner, forms_dir):
    (forms_dir / "youth.yaml").write_text((ROOT / "forms" / "youth.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    indicators_file(forms_dir, "indicators:\n  - id: x\n    label: {sv: X, en: X}\n    outcome: safety\n"
                               "    questionnaire: youth\n    audience: youth\n    rule: top_two\n    item: nope\n")
    result = forms_runner.invoke(args=["forms", "check"])
    assert result.exit_code != 0
    assert "indicators.yaml:8: indicators.0.item: 'youth' has no single-choice item 'nope'" in result.output


def test_forms_check_says_the_indicators_are_ok(forms_runner, forms_dir):
    (forms_dir / "youth.yaml").write_text((ROOT / "forms" / "youth.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    indicators_file(forms_dir, "indicators:\n  - id: x\n    label: {sv: X, en: X}\n    outcome: safety\n"
                               "    questionnaire: youth\n    audience: youth\n    rule: top_two\n    item: safe_meeting_place\n")
    result = forms_runner.invoke(args=["forms", "check"])
    assert result.exit_code == 0, result.output
    assert "ok   indicators.yaml: 1 indicators" in result.output


# -- the rules, one response at a time -------------------------------------------------------------

@pytest.fixture(scope="module")
def indicators():
    return load_indicators(ROOT / "forms" / "indicators.yaml", DEFINITIONS.values()).indicators


def test_a_mean_rule_takes_the_scale_score_from_the_questionnaires_own_scoring(indicators):
    youth = DEFINITIONS["youth"]
    answers = {f"gse_{i:02d}": 3 for i in range(1, 8)}   # 7 of 10 answered, all 3: prorated sum 30
    assert indicators.by_id("youth_self_efficacy").value(youth, answers) == 30


def test_a_mean_rule_skips_a_response_with_too_few_scale_items(indicators):
    youth = DEFINITIONS["youth"]
    answers = {f"gse_{i:02d}": 3 for i in range(1, 7)}   # 6 answered; the GSE needs 7
    assert indicators.by_id("youth_self_efficacy").value(youth, answers) is None


def test_a_reverse_coded_scale_item_counts_reversed(indicators, tmp_path):
    # youth safety scale: safe_evening (1 very safe .. 4 very unsafe) is reversed: 1 -> 4
    result = one(tmp_path, "outcome: safety\nquestionnaire: youth\naudience: youth\nrule: mean\nscale: safety")
    indicator = result.indicators.indicators[0]
    answers = {"safe_evening": 1, "safe_meeting_place": 4, "safe_adult": 4}
    assert indicator.value(DEFINITIONS["youth"], answers) == 4


@pytest.mark.parametrize("answer, value", [(4, 1.0), (3, 1.0), (2, 0.0), (1, 0.0), (9, None), (None, None)])
def test_top_two_counts_the_two_highest_answers_and_leaves_dont_know_out(indicators, answer, value):
    indicator = indicators.by_id("youth_safety")
    assert indicator.value(DEFINITIONS["youth"], {"safe_meeting_place": answer}) == value


def test_a_share_rule_counts_exactly_the_listed_categories(tmp_path):
    # "safe" on Brå's NTU question is its first two answers (1 very safe, 2 fairly safe)
    result = one(tmp_path, "outcome: safety\nquestionnaire: youth\naudience: youth\nrule: share\n"
                           "item: safe_evening\ncategories: [1, 2]")
    indicator = result.indicators.indicators[0]
    assert [indicator.value(DEFINITIONS["youth"], {"safe_evening": v}) for v in (1, 2, 3, 4, 9)] == [1, 1, 0, 0, None]


def test_gender_groups_come_from_the_answers_and_not_said_is_unknown(indicators):
    youth = DEFINITIONS["youth"]
    assert [indicators.gender_group(youth, {"gender": g}) for g in (1, 2, 3, 9)] == ["1", "2", "3", "unknown"]
    assert indicators.gender_group(youth, {}) == "unknown"
