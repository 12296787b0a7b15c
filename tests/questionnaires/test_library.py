"""The questionnaire library in forms/: it loads, it is complete in every language, it covers the
partnership's four outcomes for every audience, and its scales score as computed by hand.

Generic tests run over whatever questionnaire files exist in forms/; the library itself must hold
one questionnaire per audience (child, youth, parent) and the event feedback form.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from survey.i18n.languages import load_languages
from survey.questionnaires.definition import Definition
from survey.questionnaires.loader import load_directory, load_file, questionnaire_files
from survey.questionnaires.scoring import score_all, score_scale

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"

LANGUAGES = ("sv", "en", "ar", "so", "fa")
STATUSES = {"published", "draft", "reviewed"}
AUDIENCES = ("child", "youth", "parent")
OUTCOMES = ("self_efficacy", "participation", "safety", "leisure")
REQUIRED = ("child", "youth", "parent", "event_feedback")
POSITIVE_FACES = {"neutral", "slightly_happy", "happy", "very_happy"}

# Children aged 7 answer with an adult reading aloud: easy-to-read (lättläst) writing keeps
# sentences to roughly 10–15 words, and a longer sentence is hard to hold in mind when heard
# once. 15 is the upper end of that range: a sentence above it should be split or simplified.
MAX_WORDS_PER_SENTENCE_CHILD = 15

FILES = questionnaire_files(FORMS)


@lru_cache(maxsize=None)
def _languages():
    return load_languages(FORMS / "languages.yaml")


@lru_cache(maxsize=None)
def _load(path: Path):
    return load_file(path, _languages())


def definition(path: Path) -> Definition:
    result = _load(path)
    assert not result.problems, "\n".join(map(str, result.problems))
    return result.definition


def named(name: str) -> Definition:
    path = FORMS / f"{name}.yaml"
    assert path.exists(), f"forms/{name}.yaml is missing"
    return definition(path)


def texts_of(data: dict):
    """(where, text) for every translatable text of a questionnaire's data."""
    for key in ("title", "intro"):
        if key in data:
            yield key, data[key]
    for name, spec in data.get("choice_lists", {}).items():
        for i, choice in enumerate(spec["choices"]):
            yield f"choice_lists.{name}[{i}].label", choice["label"]
    for page in data["pages"]:
        if "title" in page:
            yield f"page {page['id']} title", page["title"]
        for item in page["items"]:
            for key in ("label", "hint"):
                if key in item:
                    yield f"{item['var']}.{key}", item[key]
    for scale in data.get("scales", []):
        yield f"scale {scale['id']} label", scale["label"]


def answerable_items(d: Definition):
    return [item for item in d.items.values() if item.answerable]


def wording(item) -> str | None:
    return item.spec.get("wording")


# -- the library as a whole -----------------------------------------------------------------------

@pytest.mark.parametrize("name", REQUIRED)
def test_every_required_questionnaire_file_exists(name):
    assert (FORMS / f"{name}.yaml").exists(), f"forms/{name}.yaml is missing"


def test_the_whole_library_loads_without_problems():
    results = load_directory(FORMS, _languages())
    assert results, "no questionnaire files in forms/"
    problems = [str(p) for r in results for p in r.problems]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", REQUIRED)
def test_each_questionnaire_declares_the_audience_its_file_is_named_for(name):
    expected = "any" if name == "event_feedback" else name
    assert named(name).audience == expected


# -- every file: languages, translation status, scales, sources -----------------------------------

@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_questionnaire_offers_all_five_languages(path):
    d = definition(path)
    assert set(LANGUAGES) <= set(d.languages)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_text_exists_in_every_language(path):
    d = definition(path)
    missing = [f"{where}: {lang}" for where, text in texts_of(d.data) for lang in LANGUAGES
               if not str(text.get(lang, "")).strip()]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_item_choice_list_and_questionnaire_has_a_translation_status_per_language(path):
    d = definition(path)
    owners = [("questionnaire", d.data)]
    owners += [(f"choice list {name}", spec) for name, spec in d.data.get("choice_lists", {}).items()]
    owners += [(f"item {item.var}", item.spec) for item in d.items.values()]
    wrong = [f"{who}: {lang} = {owner.get('translation_status', {}).get(lang)!r}"
             for who, owner in owners for lang in LANGUAGES
             if owner.get("translation_status", {}).get(lang) not in STATUSES]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_scale_item_exists_and_reverse_items_are_in_the_scale(path):
    d = definition(path)
    for scale in d.scales:
        assert scale.items, f"scale {scale.id} has no items"
        for var in scale.items:
            assert var in d.items, f"scale {scale.id}: no item {var}"
        assert scale.reverse <= set(scale.items), f"scale {scale.id}: reverse items outside the scale"
        assert 1 <= scale.min_answered <= len(scale.items)


def skippable_scale_items(d: Definition) -> list[str]:
    """Scale items hidden by a gate that an optional, unanswered item closes: leaving that item
    empty makes every comparison false (see conditions.py), so the whole scale vanishes unseen."""
    from survey.questionnaires.conditions import referenced_vars
    found = []
    for scale in d.scales:
        for var in scale.items:
            page = d.pages[d.page_of(var)]
            for condition in (page.show_if, d.items[var].show_if):
                for gate, op, operand in referenced_vars(condition):
                    opens_when_empty = op == "answered" and operand is False
                    if gate in d.items and not d.items[gate].required and not opens_when_empty:
                        found.append(f"scale {scale.id}: {var} is skipped when the optional {gate} is left empty")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_no_scale_is_skipped_by_leaving_an_optional_item_empty(path):
    skipped = skippable_scale_items(definition(path))
    assert not skipped, "make the gate an explicit, required question:\n" + "\n".join(sorted(set(skipped)))


def test_the_skip_check_finds_an_optional_gate():
    d = named("parent")
    data = {**d.data, "pages": [dict(p) for p in d.data["pages"]]}
    for page in data["pages"]:
        page["items"] = [{k: v for k, v in item.items() if k != "required"} for item in page["items"]]
    assert any("optional has_children" in line for line in skippable_scale_items(Definition(data)))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_scale_range_is_what_its_extreme_answers_score(path):
    """All-best answers score the top of the declared range, all-worst the bottom: this catches a
    range that does not fit the items or the score type (a sum declared with a mean's range).
    A forgotten reverse item is caught by the hand-computed scores below, not here."""
    d = definition(path)
    for scale in d.scales:
        high, low = {}, {}
        for var in scale.items:
            item = d.items[var]
            if hasattr(item, "choice_list"):
                lo, hi = item.choice_list.scored_bounds()
            else:
                lo, hi = item.min, item.max
                assert lo is not None and hi is not None, f"{scale.id}: number item {var} needs min and max"
            best, worst = (lo, hi) if var in scale.reverse else (hi, lo)
            high[var], low[var] = best, worst
        assert score_scale(d, scale, high) == pytest.approx(scale.range[1]), scale.id
        assert score_scale(d, scale, low) == pytest.approx(scale.range[0]), scale.id


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_referenced_source_exists_with_citation_and_licence(path):
    d = definition(path)
    referenced = {item.source for item in d.items.values() if item.source}
    referenced |= {scale.source for scale in d.scales if scale.source}
    for key in sorted(referenced):
        assert key in d.sources, f"source {key} is referenced but not defined"
        source = d.sources[key]
        assert str(source.get("citation", "")).strip(), f"source {key} has no citation"
        assert str(source.get("licence", "")).strip(), f"source {key} has no licence"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_adapted_items_say_what_changed(path):
    d = definition(path)
    silent = [item.var for item in d.items.values()
              if wording(item) == "adapted" and not str(item.spec.get("adaptation_note", "")).strip()]
    assert not silent


# -- the four outcomes, for every audience ----------------------------------------------------------

@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_outcome_is_measured_for_each_audience(audience, outcome):
    d = named(audience)
    measuring = [item.var for item in answerable_items(d) if item.outcome == outcome]
    assert measuring, f"forms/{audience}.yaml has no item measuring {outcome}"


# -- scoring against numbers computed by hand -----------------------------------------------------

GSE_ITEMS = [f"gse_{n:02d}" for n in range(1, 11)]


def youth_scale(scale_id: str):
    d = named("youth")
    return d, next(s for s in d.scales if s.id == scale_id)


def test_youth_gse_is_the_ten_item_sum_scale_without_reverse_items():
    _, gse = youth_scale("gse")
    assert list(gse.items) == GSE_ITEMS
    assert gse.reverse == frozenset()
    assert (gse.score, gse.min_answered, tuple(gse.range)) == ("sum", 7, (10, 40))


@pytest.mark.parametrize("answers, expected", [
    ({var: 3 for var in GSE_ITEMS}, 30),                           # 10 × 3
    ({var: v for var, v in zip(GSE_ITEMS, [1, 2, 3, 4] * 3)}, 23),   # 1+2+3+4+1+2+3+4+1+2
    ({var: 4 for var in GSE_ITEMS[:7]}, 40),                        # mean 4 × 10 items
    ({var: 1 for var in GSE_ITEMS[:7]}, 10),                        # mean 1 × 10 items
    ({var: v for var, v in zip(GSE_ITEMS, [1, 2, 3, 4, 1, 2, 3])}, 160 / 7),  # 16/7 × 10
    ({var: 4 for var in GSE_ITEMS[:6]}, None),                      # 4 missing: more than 3
    ({}, None),
])
def test_youth_gse_sum_is_prorated_with_at_most_three_missing(answers, expected):
    d, gse = youth_scale("gse")
    score = score_scale(d, gse, answers)
    assert score == (None if expected is None else pytest.approx(expected))
    assert score_all(d, answers)["gse"] == score


@pytest.mark.parametrize("answers, expected", [
    # safe_evening is Brå's order (1 very safe .. 4 very unsafe), reversed to 5 - value
    ({"safe_evening": 1, "safe_meeting_place": 4, "safe_adult": 3, "safe_places": 2}, 3.25),  # (4+4+3+2)/4
    ({"safe_evening": 4, "safe_meeting_place": 4, "safe_adult": 4, "safe_places": 4}, 3.25),  # (1+4+4+4)/4
    ({"safe_evening": 2, "safe_meeting_place": 1, "safe_adult": 1, "safe_places": 1}, 1.5),   # (3+1+1+1)/4
    ({"safe_evening": 3, "safe_meeting_place": 2, "safe_adult": 3}, 7 / 3),                   # (2+2+3)/3
    # 9 = "never goes out alone late": kept, not scored
    ({"safe_evening": 9, "safe_meeting_place": 4, "safe_adult": 3, "safe_places": 2}, 3.0),   # (4+3+2)/3
    ({"safe_evening": 9, "safe_meeting_place": 4, "safe_adult": 3}, None),                    # 2 scored < 3
    ({"safe_evening": 1, "safe_meeting_place": 9, "safe_adult": 4}, None),                    # don't know not scored
])
def test_youth_safety_scale_reverse_codes_the_ntu_item(answers, expected):
    d, safety = youth_scale("safety")
    assert safety.reverse == frozenset({"safe_evening"})
    score = score_scale(d, safety, answers)
    assert score == (None if expected is None else pytest.approx(expected))
    assert score_all(d, answers)["safety"] == score


def test_youth_safety_higher_score_means_safer():
    d, safety = youth_scale("safety")
    very_safe = {"safe_evening": 1, "safe_meeting_place": 4, "safe_adult": 4, "safe_places": 4}
    very_unsafe = {"safe_evening": 4, "safe_meeting_place": 1, "safe_adult": 1, "safe_places": 1}
    assert score_scale(d, safety, very_safe) == 4
    assert score_scale(d, safety, very_unsafe) == 1


# -- the children's questionnaire -----------------------------------------------------------------

def test_child_self_efficacy_part_has_at_most_twelve_items():
    items = [i for i in answerable_items(named("child")) if i.outcome == "self_efficacy"]
    assert 1 <= len(items) <= 12, [i.var for i in items]


def test_child_self_efficacy_items_are_marked_adapted_with_a_note():
    items = [i for i in answerable_items(named("child")) if i.outcome == "self_efficacy"]
    assert items
    for item in items:
        assert wording(item) == "adapted", f"{item.var}: wording is {wording(item)!r}"
        assert str(item.spec.get("adaptation_note", "")).strip(), f"{item.var}: no adaptation_note"


def test_child_faces_are_only_neutral_or_positive():
    # The schema's face names are all neutral or positive today; this pins the rule to the
    # children's questionnaire should a sad face ever be added to the schema for other audiences.
    d = named("child")
    smileys = [i for i in d.items.values() if i.type == "smiley"]
    assert smileys, "the children's questionnaire has no smiley items (the brief asks for smiley scales)"
    for item in smileys:
        faces = [c.face for c in item.choice_list.choices]
        assert all(face in POSITIVE_FACES for face in faces), f"{item.var}: {faces}"
    for name, choice_list in d.choice_lists.items():
        faces = [c.face for c in choice_list.choices if c.face is not None]
        assert set(faces) <= POSITIVE_FACES, f"choice list {name}: {faces}"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_child_labels_have_short_sentences(lang):
    too_long = []
    for item in named("child").items.values():
        for sentence in re.split(r"[.!?]+", item.label[lang]):
            words = sentence.split()
            if len(words) > MAX_WORDS_PER_SENTENCE_CHILD:
                too_long.append(f"{item.var} ({len(words)} words): {sentence.strip()}")
    assert not too_long, "\n".join(too_long)
