"""XLSForm import: forms written the way XLSForm's documentation and pyxform's tests write them
(sheets survey, choices and settings; label::Language (code) columns) become definitions our
loader accepts, and whatever the server cannot represent is reported with its row.

Each fixture is a pyxform-style table, turned into a real .xlsx with openpyxl.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from survey.i18n.languages import load_languages
from survey.questionnaires.loader import load_document, load_file
from survey.questionnaires.xlsform import XLSFormError, convert

ROOT = Path(__file__).resolve().parents[2]
KNOWN = load_languages(ROOT / "forms" / "languages.yaml")


def xlsform(path: Path, tables: str) -> Path:
    """Write an .xlsx from tables in pyxform's markdown layout: a row naming a sheet, then its rows.

    Cells holding only digits are written as numbers, as a spreadsheet stores a typed 1.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = None
    for line in tables.strip().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0]:
            sheet = workbook.create_sheet(cells[0])
            continue
        sheet.append([int(c) if re.fullmatch(r"\d+", c) else (c or None) for c in cells[1:]])
    workbook.save(path)
    return path


def messages(conversion) -> list[str]:
    return [str(s) for s in conversion.skipped]


def reported(conversion, sheet: str, row: int | None, column: str | None = None) -> list[str]:
    return [s.message for s in conversion.skipped
            if s.sheet == sheet and s.row == row and (column is None or s.column == column)]


def assert_loads(document: dict):
    result = load_document(document, f"{document['id']}.yaml", KNOWN, expected_id=document["id"])
    assert not result.problems, "\n".join(map(str, result.problems))
    return result.definition


def items_by_var(document: dict) -> dict[str, dict]:
    return {item["var"]: item for page in document["pages"] for item in page["items"]}


SUMMER = """
| settings |
|          | form_title  | form_id     | version | default_language |
|          | Sommarenkät | summer_2026 | 2026.1  | Svenska (sv)     |
| survey |
|        | type                       | name       | label::Svenska (sv) | label::English (en) | label::Arabic (ar) | hint::Svenska (sv) | hint::English (en) | hint::Arabic (ar) | required | relevant | constraint | appearance |
|        | begin group                | about      | Om dig              | About you           | عنك                |                    |                    |                   |          |          |            | field-list |
|        | integer                    | age        | Hur gammal är du?   | How old are you?    | كم عمرك؟           | Skriv en siffra.   | Write a number.    | اكتب رقماً.        | yes      |          | . >= 6 and . <= 19 |    |
|        | select_one gender          | gender     | Är du               | Are you             | هل أنت             |                    |                    |                   |          |          |            |            |
|        | end group                  |            |                     |                     |                    |                    |                    |                   |          |          |            |            |
|        | begin group                | summer     | Sommaren            | The summer          | الصيف              |                    |                    |                   |          | ${age} >= 7 |         | field-list |
|        | select_multiple activities | activities | Vad gjorde du?      | What did you do?    | ماذا فعلت؟         |                    |                    |                   | true     |          |            |            |
|        | select_one agree           | liked      | Jag trivdes         | I enjoyed it        | استمتعت            |                    |                    |                   |          |          |            | likert     |
|        | end group                  |            |                     |                     |                    |                    |                    |                   |          |          |            |            |
|        | begin group                | more       |                     |                     |                    |                    |                    |                   |          | selected(${activities}, 'sport') or ${gender} != 9 | | |
|        | text                       | sport_kind | Vilken idrott?      | Which sport?        | أي رياضة؟          |                    |                    |                   |          | selected(${activities}, 'sport') | |          |
|        | text                       | wish       | Vad önskar du dig?  | What do you wish for? | ماذا تتمنى؟     | Skriv inga namn.   | Do not write names. | لا تكتب أسماء.   |          |          |            | multiline  |
|        | decimal                    | hours      | Hur många timmar?   | How many hours?     | كم ساعة؟           |                    |                    |                   |          | not(${liked} < 3) and ${gender} = '1' | . >= 0 and . <= 24 | |
|        | note                       | thanks     | Tack!               | Thank you!          | شكراً!             |                    |                    |                   |          |          |            |            |
|        | end group                  |            |                     |                     |                    |                    |                    |                   |          |          |            |            |
| choices |
|         | list_name  | name  | label::Svenska (sv) | label::English (en) | label::Arabic (ar) |
|         | gender     | 1     | Tjej                | Girl                | بنت                |
|         | gender     | 2     | Kille               | Boy                 | ولد                |
|         | gender     | 9     | Vill inte svara     | Prefer not to say   | أفضّل عدم الإجابة   |
|         | activities | sport | Idrott              | Sports              | رياضة              |
|         | activities | music | Musik               | Music               | موسيقى             |
|         | agree      | 1     | Inte alls           | Not at all          | أبداً              |
|         | agree      | 2     | Lite                | A little            | قليلاً             |
|         | agree      | 3     | Ganska mycket       | Quite a lot         | كثيراً             |
|         | agree      | 4     | Väldigt mycket      | Very much           | كثيراً جداً        |
"""


# -- a form the server can represent --------------------------------------------------------------

def test_multilingual_form_converts_into_a_definition_the_loader_accepts(tmp_path):
    conversion = convert(xlsform(tmp_path / "summer.xlsx", SUMMER), KNOWN)
    document = conversion.document
    definition = assert_loads(document)

    assert (document["id"], document["version"], document["audience"]) == ("summer_2026", "2026.1", "any")
    assert document["languages"] == ["sv", "en", "ar"]
    assert [p["id"] for p in document["pages"]] == ["about", "summer", "more"]
    assert document["pages"][0]["title"] == {"sv": "Om dig", "en": "About you", "ar": "عنك"}
    assert "title" not in document["pages"][2]
    assert [item.var for item in definition.items.values()] == [
        "age", "gender", "activities", "liked", "sport_kind", "wish", "hours", "thanks"]


def test_question_types_map_to_item_types(tmp_path):
    items = items_by_var(convert(xlsform(tmp_path / "summer.xlsx", SUMMER), KNOWN).document)

    assert {var: item["type"] for var, item in items.items()} == {
        "age": "number", "gender": "single_choice", "activities": "multiple_choice", "liked": "likert",
        "sport_kind": "short_text", "wish": "long_text", "hours": "number", "thanks": "note"}
    assert items["hours"]["integer"] is False and "integer" not in items["age"]
    assert items["gender"]["choices"] == "gender"


def test_labels_hints_required_and_ranges_carry_over(tmp_path):
    items = items_by_var(convert(xlsform(tmp_path / "summer.xlsx", SUMMER), KNOWN).document)

    assert items["age"]["label"] == {"sv": "Hur gammal är du?", "en": "How old are you?", "ar": "كم عمرك؟"}
    assert items["wish"]["hint"] == {"sv": "Skriv inga namn.", "en": "Do not write names.", "ar": "لا تكتب أسماء."}
    assert (items["age"]["required"], items["activities"]["required"]) == (True, True)
    assert "required" not in items["gender"]
    assert (items["age"]["min"], items["age"]["max"]) == (6, 19)
    assert (items["hours"]["min"], items["hours"]["max"]) == (0, 24)


def test_choice_names_that_are_whole_numbers_become_integer_values(tmp_path):
    lists = convert(xlsform(tmp_path / "summer.xlsx", SUMMER), KNOWN).document["choice_lists"]

    assert [c["value"] for c in lists["gender"]["choices"]] == [1, 2, 9]
    assert [c["value"] for c in lists["activities"]["choices"]] == ["sport", "music"]
    assert lists["gender"]["choices"][2]["label"] == {"sv": "Vill inte svara", "en": "Prefer not to say",
                                                      "ar": "أفضّل عدم الإجابة"}


def test_relevant_expressions_become_show_if_conditions(tmp_path):
    document = convert(xlsform(tmp_path / "summer.xlsx", SUMMER), KNOWN).document
    pages = {p["id"]: p for p in document["pages"]}
    items = items_by_var(document)

    assert pages["summer"]["show_if"] == {"var": "age", "gte": 7}
    assert pages["more"]["show_if"] == {"any": [{"var": "activities", "includes": "sport"},
                                                {"var": "gender", "not_equals": 9}]}
    assert items["sport_kind"]["show_if"] == {"var": "activities", "includes": "sport"}
    assert items["hours"]["show_if"] == {"all": [{"not": {"var": "liked", "lt": 3}},
                                                 {"var": "gender", "equals": 1}]}


def test_every_text_is_marked_draft_in_every_language(tmp_path):
    document = convert(xlsform(tmp_path / "summer.xlsx", SUMMER), KNOWN).document
    draft = {"sv": "draft", "en": "draft", "ar": "draft"}

    assert document["translation_status"] == draft
    assert all(lst["translation_status"] == draft for lst in document["choice_lists"].values())
    assert all(item["translation_status"] == draft for item in items_by_var(document).values())


def test_the_one_language_title_is_copied_into_every_language_and_reported(tmp_path):
    conversion = convert(xlsform(tmp_path / "summer.xlsx", SUMMER), KNOWN)

    assert conversion.document["title"] == {"sv": "Sommarenkät", "en": "Sommarenkät", "ar": "Sommarenkät"}
    assert messages(conversion) == [
        "settings row 2 (form_title): an XLSForm title has one text for every language: it was copied into "
        "sv, en, ar; translate it"]


def test_plain_label_columns_are_in_the_default_language(tmp_path):
    path = xlsform(tmp_path / "plain.xlsx", """
| settings |
|          | form_id | default_language |
|          | plain   | English (en)     |
| survey |
|        | type    | name  | label              | label::Svenska (sv) |
|        | integer | age   | How old are you?   | Hur gammal är du?   |
|        | note    | bye   | Thank you          | Tack                |
""")
    conversion = convert(path, KNOWN)

    assert conversion.document["languages"] == ["en", "sv"]
    assert items_by_var(conversion.document)["age"]["label"] == {"en": "How old are you?", "sv": "Hur gammal är du?"}
    assert_loads(conversion.document)


def test_language_columns_named_without_a_code_are_recognised_by_name(tmp_path):
    path = xlsform(tmp_path / "names.xlsx", """
| settings |
|          | form_id |
|          | names   |
| survey |
|        | type | name | label::English | label::Farsi | label::Swedish |
|        | note | hi   | Hello          | سلام          | Hej            |
""")
    assert convert(path, KNOWN).document["languages"] == ["en", "fa", "sv"]


def test_a_form_that_names_no_language_cannot_be_converted(tmp_path):
    path = xlsform(tmp_path / "nolang.xlsx", """
| survey |
|        | type | name | label |
|        | note | hi   | Hello |
""")
    with pytest.raises(XLSFormError, match="default_language"):
        convert(path, KNOWN)
    assert convert(path, KNOWN, default_language="en").document["languages"] == ["en"]


def small_form(tmp_path, relevant: str = "", constraint: str = "", question: str = "integer") -> dict:
    """One page of earlier questions (a number, a single and a multiple choice), then the question under test."""
    path = xlsform(tmp_path / "small.xlsx", f"""
| settings |
|          | form_id | form_title |
|          | small   | Small      |
| survey |
|        | type              | name   | label::English (en) | relevant   | constraint   |
|        | begin group       | first  |                     |            |              |
|        | integer           | age    | Age                 |            |              |
|        | select_one yn     | pets   | Pets?               |            |              |
|        | select_multiple c | colour | Colours             |            |              |
|        | text              | name   | Nickname            |            |              |
|        | end group         |        |                     |            |              |
|        | {question}        | target | Target              | {relevant} | {constraint} |
| choices |
|         | list_name | name | label::English (en) |
|         | yn        | 1    | Yes                 |
|         | yn        | 0    | No                  |
|         | c         | red  | Red                 |
|         | c         | blue | Blue                |
""")
    conversion = convert(path, KNOWN)
    return conversion, items_by_var(conversion.document)["target"]


@pytest.mark.parametrize("relevant, show_if", [
    ("${pets} = 1", {"var": "pets", "equals": 1}),
    ("${pets} = '1'", {"var": "pets", "equals": 1}),
    ("'1' = ${pets}", {"var": "pets", "equals": 1}),
    ("${pets} != 0", {"var": "pets", "not_equals": 0}),
    ("${age} >= 13", {"var": "age", "gte": 13}),
    ("${age} < 13", {"var": "age", "lt": 13}),
    ("13 < ${age}", {"var": "age", "gt": 13}),
    ("${age} <= 12.5", {"var": "age", "lte": 12.5}),
    ("selected(${colour}, 'red')", {"var": "colour", "includes": "red"}),
    ("selected(${pets}, '1')", {"var": "pets", "equals": 1}),
    ("${name} != ''", {"var": "name", "answered": True}),
    ("${age} = ''", {"var": "age", "answered": False}),
    ("string-length(${name}) > 0", {"var": "name", "answered": True}),
    ("${name} = 'Kim'", {"var": "name", "equals": "Kim"}),
    ("not(selected(${colour}, 'blue'))", {"not": {"var": "colour", "includes": "blue"}}),
    ("${age} > 6 and ${age} < 13 and ${pets} = 1",
     {"all": [{"var": "age", "gt": 6}, {"var": "age", "lt": 13}, {"var": "pets", "equals": 1}]}),
    ("(${age} < 7 or ${age} > 12) and ${pets} = 1",
     {"all": [{"any": [{"var": "age", "lt": 7}, {"var": "age", "gt": 12}]}, {"var": "pets", "equals": 1}]}),
])
def test_simple_relevant_expressions_are_converted(tmp_path, relevant, show_if):
    conversion, item = small_form(tmp_path, relevant=relevant)

    assert item["show_if"] == show_if
    assert not messages(conversion)
    assert_loads(conversion.document)


@pytest.mark.parametrize("relevant, reason", [
    ("${colour} = 'red'", "${colour} allows several answers: compare it with selected()"),
    ("${pets} = 'maybe'", "${pets} has no choice named 'maybe'"),
    ("${name} > 3", "'>' compares numbers, and ${name} is not a number"),
    ("${age} = ${pets}", "only an answer compared with a fixed value has an equivalent here"),
    ("count-selected(${colour}) > 1", "the function or word 'count-selected' has no equivalent here"),
    ("${nobody} = 1", "${nobody} is not a question of the form"),
    ("${target} = 1", "${target} is on the same page"),
])
def test_relevant_expressions_without_an_equivalent_are_dropped_with_the_reason(tmp_path, relevant, reason):
    conversion, item = small_form(tmp_path, relevant=relevant)

    assert "show_if" not in item
    [message] = reported(conversion, "survey", 8, "relevant")
    assert reason in message


@pytest.mark.parametrize("question, constraint, bounds", [
    ("integer", ". >= 0 and . <= 120", {"min": 0, "max": 120}),
    ("integer", "(. > 0) and (. < 100)", {"min": 1, "max": 99}),
    ("integer", "0 <= .", {"min": 0}),
    ("decimal", ". <= 2.5", {"max": 2.5}),
    ("integer", "${target} >= 5", {"min": 5}),
    ("text", "string-length(.) <= 50", {"max_length": 50}),
])
def test_range_constraints_become_limits(tmp_path, question, constraint, bounds):
    conversion, item = small_form(tmp_path, constraint=constraint, question=question)

    assert {k: item[k] for k in ("min", "max", "max_length") if k in item} == bounds
    assert not messages(conversion)


@pytest.mark.parametrize("question, constraint", [
    ("integer", ". >= 0 or . = 999"),
    ("integer", ". != 5"),
    ("decimal", ". > 0"),
    ("integer", ". >= ${age}"),
    ("text", "regex(., '^[a-z]+$')"),
    ("select_one yn", ". = 1"),
])
def test_other_constraints_are_reported_and_the_question_accepts_any_answer(tmp_path, question, constraint):
    conversion, item = small_form(tmp_path, constraint=constraint, question=question)

    assert not {"min", "max", "max_length"} & set(item)
    [message] = reported(conversion, "survey", 8, "constraint")
    assert message.startswith(f"'{constraint}' was not converted (")


def test_nested_groups_are_flattened_into_their_page_and_keep_their_condition(tmp_path):
    path = xlsform(tmp_path / "nested.xlsx", """
| settings |
|          | form_id |
|          | nested  |
| survey |
|        | type        | name    | label::English (en) | relevant        |
|        | integer     | age     | Age                 |                 |
|        | begin group | school  | School              |                 |
|        | note        | intro   | About school        |                 |
|        | begin group | older   | For older children  | ${age} >= 10    |
|        | integer     | grade   | Grade               | ${age} <= 15    |
|        | end group   |         |                     |                 |
|        | end group   |         |                     |                 |
""")
    conversion = convert(path, KNOWN)
    pages = conversion.document["pages"]

    assert [[i["var"] for i in p["items"]] for p in pages] == [["age"], ["intro", "grade"]]
    assert items_by_var(conversion.document)["grade"]["show_if"] == {
        "all": [{"var": "age", "gte": 10}, {"var": "age", "lte": 15}]}
    assert any("nested groups are flattened" in m for m in reported(conversion, "survey", 5, "type"))
    assert_loads(conversion.document)


# -- languages with missing texts -----------------------------------------------------------------

PARTLY_TRANSLATED = """
| settings |
|          | form_id | form_title |
|          | partly  | Partly     |
| survey |
|        | type           | name  | label::English (en) | label::Svenska (sv) | label::Somali (so) | label::Français (fr) | hint::English (en) |
|        | select_one yes | pets  | Do you have pets?   | Har du husdjur?     | Xayawaan ma leedahay? | Des animaux ?     | A cat or a dog     |
|        | integer        | count | How many?           | Hur många?          |                    | Combien ?            |                    |
| choices |
|         | list_name | name | label::English (en) | label::Svenska (sv) | label::Somali (so) | label::Français (fr) |
|         | yes       | 1    | Yes                 | Ja                  | Haa                | Oui                  |
|         | yes       | 0    | No                  | Nej                 |                    | Non                  |
"""


def test_a_language_missing_some_labels_is_left_out_with_one_line_saying_where(tmp_path):
    conversion = convert(xlsform(tmp_path / "partly.xlsx", PARTLY_TRANSLATED), KNOWN)

    assert conversion.document["languages"] == ["en", "sv"]
    assert ("survey: 'so' was left out: 2 label(s) have no 'so' text (survey row 3; choices row 3). Add them and "
            "import again, or import with --languages en,sv,so and write them into the definition"
            in messages(conversion))
    assert "Xayawaan" not in str(conversion.document)
    assert_loads(conversion.document)


def test_a_language_not_in_languages_yaml_is_reported_once(tmp_path):
    conversion = convert(xlsform(tmp_path / "partly.xlsx", PARTLY_TRANSLATED), KNOWN)

    assert [m for m in messages(conversion) if "fr" in m] == [
        "survey (label::Français (fr)): the language 'fr' is not in forms/languages.yaml: its texts were left "
        "out (add the language there first to keep them)"]


def test_a_hint_missing_in_a_kept_language_is_dropped_rather_than_the_language(tmp_path):
    conversion = convert(xlsform(tmp_path / "partly.xlsx", PARTLY_TRANSLATED), KNOWN)

    assert "hint" not in items_by_var(conversion.document)["pets"]
    assert reported(conversion, "survey", 2, "hint") == ["the hint of 'pets' has no sv text: it was left out"]


def test_chosen_languages_are_kept_and_each_missing_label_reported(tmp_path):
    conversion = convert(xlsform(tmp_path / "partly.xlsx", PARTLY_TRANSLATED), KNOWN, languages=["sv", "en", "so"])

    assert conversion.document["languages"] == ["sv", "en", "so"]
    assert reported(conversion, "survey", 3, "label") == ["no 'so' text: write it into the definition"]
    assert reported(conversion, "choices", 3, "label") == ["no 'so' text: write it into the definition"]
    problems = load_document(conversion.document, "partly.yaml", KNOWN).problems
    assert [p.path for p in problems] == ["choice_lists.yes.choices[1].label", "pages[0].items[1].label"]


# -- what the server cannot represent -------------------------------------------------------------

UNSUPPORTED = """
| settings |
|          | form_id | form_title | version    | instance_name      |
|          | kitchen | Everything | 2024050101 | concat(${age}, '') |
| survey |
|        | type                     | name        | label::English (en) | label::Svenska (sv) | relevant | constraint | calculation | constraint_message::English (en) | constraint_message::Svenska (sv) | appearance |
|        | start                    | start       |                     |                     |          |            |             |                                  |                                  |            |
|        | deviceid                 | deviceid    |                     |                     |          |            |             |                                  |                                  |            |
|        | geopoint                 | place       | Where are you?      | Var är du?          |          |            |             |                                  |                                  |            |
|        | integer                  | Age-Years   | How old are you?    | Hur gammal är du?   |          | . >= 0 and . <= 120 |    | 0 to 120                         | 0 till 120                       |            |
|        | calculate                | double_age  |                     |                     |          |            | ${Age-Years} * 2 |                             |                                  |            |
|        | text                     | phone       | Your phone?         | Ditt telefonnummer? |          | regex(., '^[0-9]{10}$') |  |                                  |                                  |            |
|        | begin repeat             | child       | Your children       | Dina barn           |          |            |             |                                  |                                  |            |
|        | text                     | child_name  | Name                | Namn                |          |            |             |                                  |                                  |            |
|        | end repeat               |             |                     |                     |          |            |             |                                  |                                  |            |
|        | select_one yes_no or_other | pets      | Pets?               | Husdjur?            |          |            |             |                                  |                                  | minimal    |
|        | integer                  | pet_count   | How many pets?      | Hur många djur?     | ${pets} = 'yes' and ${Age-Years} + 1 > 3 |  |  |                          |                                  |            |
|        | integer                  | cats        | How many cats?      | Hur många katter?   | ${double_age} > 10 |  |             |                                  |                                  |            |
|        | date                     | visit       | When did you come?  | När kom du?         |          |            |             |                                  |                                  |            |
|        | select_one yes_no        | dogs        | Dogs?               | Hundar?             | ${pets} = 'yes' |  |             |                                  |                                  |            |
|        | begin group              | feel        | Feelings            | Känslor             |          |            |             |                                  |                                  |            |
|        | select_one yes_no        | happy       | Happy?              | Glad?               |          |            |             |                                  |                                  |            |
|        | text                     | why         | Why?                | Varför?             | ${happy} = 'yes' |   |             |                                  |                                  |            |
|        | end group                |             |                     |                     |          |            |             |                                  |                                  |            |
| choices |
|         | list_name | name       | label::English (en) | label::Svenska (sv) |
|         | yes_no    | yes        | Yes                 | Ja                  |
|         | yes_no    | no         | No                  | Nej                 |
|         | yes_no    | Don't know | Don't know          | Vet inte            |
"""


@pytest.fixture
def kitchen(tmp_path):
    return convert(xlsform(tmp_path / "kitchen.xlsx", UNSUPPORTED), KNOWN)


@pytest.mark.parametrize("row, column, fragment", [
    (2, "type", "'start': form metadata is not collected"),
    (3, "type", "'deviceid': metadata that identifies a device or a person is never collected here"),
    (4, "type", "'geopoint': locations are not collected"),
    (6, "type", "'calculate': calculations are not supported"),
    (8, "type", "repeats are not supported"),
    (9, "type", "inside the repeat 'child' (row 8): not converted"),
    (14, "type", "'date': dates and times are not asked here"),
])
def test_each_unsupported_question_type_is_reported_on_its_row(kitchen, row, column, fragment):
    assert any(fragment in m for m in reported(kitchen, "survey", row, column)), messages(kitchen)


def test_the_rest_of_a_form_with_unsupported_features_still_converts(kitchen):
    assert list(items_by_var(kitchen.document)) == ["age_years", "phone", "pets", "pet_count", "cats", "dogs",
                                                   "happy", "why"]
    assert_loads(kitchen.document)


def test_a_constraint_that_is_not_a_simple_range_is_reported_and_the_question_kept(kitchen):
    phone = items_by_var(kitchen.document)["phone"]

    assert "max_length" not in phone
    assert reported(kitchen, "survey", 7, "constraint") == [
        "'regex(., '^[0-9]{10}$')' was not converted (the function or word 'regex' has no equivalent here): "
        "the question accepts any text; set min/max or max_length by hand if needed"]


def test_a_complex_relevant_is_dropped_with_its_row_and_the_question_kept(kitchen):
    assert "show_if" not in items_by_var(kitchen.document)["pet_count"]
    [message] = reported(kitchen, "survey", 12, "relevant")
    assert message.startswith("the condition '${pets} = 'yes' and ${Age-Years} + 1 > 3' was dropped (")
    assert message.endswith("the question is always shown; add a show_if by hand if it matters")


def test_a_relevant_on_a_question_that_was_not_converted_is_dropped(kitchen):
    [message] = reported(kitchen, "survey", 13, "relevant")
    assert "${double_age} on row 6 was not converted" in message


def test_a_relevant_on_the_same_group_page_is_dropped_because_conditions_look_at_earlier_pages(kitchen):
    assert "show_if" not in items_by_var(kitchen.document)["why"]
    [message] = reported(kitchen, "survey", 18, "relevant")
    assert "${happy} is on the same page, and conditions here may only look at earlier pages" in message


def test_a_question_outside_groups_starts_a_new_page_so_its_condition_on_the_previous_one_works(kitchen):
    page_of = {item["var"]: n for n, page in enumerate(kitchen.document["pages"]) for item in page["items"]}

    assert page_of["pet_count"] == page_of["pets"] + 1  # its relevant looks at pets
    assert page_of["pet_count"] == page_of["cats"] == page_of["dogs"]  # theirs do not look at this page
    assert items_by_var(kitchen.document)["dogs"]["show_if"] == {"var": "pets", "equals": "yes"}


def test_renamed_variables_and_choice_values_are_reported_and_conditions_follow_them(kitchen):
    lists = kitchen.document["choice_lists"]

    assert [c["value"] for c in lists["yes_no"]["choices"]] == ["yes", "no", "don_t_know"]
    assert reported(kitchen, "survey", 5, "name") == [
        "'Age-Years' is called 'age_years' here (variable names are lower-case letters, digits and _)"]
    assert any("has the value 'don_t_know' here" in m for m in reported(kitchen, "choices", 4, "name"))


def test_features_of_a_converted_row_the_server_lacks_are_reported_once_per_row(kitchen):
    assert reported(kitchen, "survey", 5, "constraint_message") == [
        "the server shows its own message for an answer out of range"]
    assert any("'or_other' is not supported" in m for m in reported(kitchen, "survey", 11, "type"))
    assert reported(kitchen, "survey", 11, "appearance") == []  # minimal only changes how it looks
    assert reported(kitchen, "settings", 2, "instance_name") == ["the setting 'instance_name' is not used here"]


def test_numbers_typed_into_the_settings_sheet_are_read_as_text(kitchen):
    assert kitchen.document["version"] == "2024050101"


# -- the command ----------------------------------------------------------------------------------

@pytest.fixture
def cli(forms_runner):
    return lambda *args: forms_runner.invoke(args=["forms", "import-xlsform", *map(str, args)])


def test_import_writes_a_checked_definition_into_the_forms_directory(cli, forms_dir, tmp_path):
    result = cli(xlsform(tmp_path / "summer.xlsx", SUMMER))

    assert result.exit_code == 0, result.output
    written = forms_dir / "summer_2026.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Imported from summer.xlsx on ")
    assert "#   settings row 2 (form_title): an XLSForm title" in text
    assert not load_file(written, KNOWN).problems
    assert f"Wrote {written}: 8 items on 3 pages, languages sv, en, ar" in result.output


def test_import_lists_each_row_it_could_not_convert(cli, tmp_path):
    result = cli(xlsform(tmp_path / "kitchen.xlsx", UNSUPPORTED), "--audience", "parent")

    assert result.exit_code == 0, result.output
    assert "survey row 4 (type): 'geopoint': locations are not collected" in result.output
    assert "survey row 7 (constraint): 'regex(" in result.output


def test_import_refuses_to_overwrite_without_force(cli, forms_dir, tmp_path):
    source = xlsform(tmp_path / "summer.xlsx", SUMMER)
    (forms_dir / "summer_2026.yaml").write_text("# keep me\n", encoding="utf-8")

    refused = cli(source)
    assert refused.exit_code != 0
    assert "already exists: nothing was written. Use --force" in refused.output
    assert (forms_dir / "summer_2026.yaml").read_text(encoding="utf-8") == "# keep me\n"

    forced = cli(source, "--force")
    assert forced.exit_code == 0, forced.output
    assert "id: summer_2026" in (forms_dir / "summer_2026.yaml").read_text(encoding="utf-8")


def test_import_with_out_names_the_file_and_the_id(cli, tmp_path):
    out = tmp_path / "sommar.yaml"
    result = cli(xlsform(tmp_path / "summer.xlsx", SUMMER), "--out", out)

    assert result.exit_code == 0, result.output
    assert "id: sommar" in out.read_text(encoding="utf-8")


def test_import_fails_with_the_loaders_problems_when_the_result_does_not_check(cli, forms_dir, tmp_path):
    result = cli(xlsform(tmp_path / "partly.xlsx", PARTLY_TRANSLATED), "--languages", "sv,en,so")

    assert result.exit_code != 0
    assert (forms_dir / "partly.yaml").exists()
    assert "partly.yaml:" in result.output and "the text has no 'so' version" in result.output
    assert "survey row 3 (label): no 'so' text: write it into the definition" in result.output
    assert "does not pass `forms check`: fix the 2 problem(s) above" in result.output


def test_import_of_a_file_that_is_not_an_xlsform_says_so(cli, tmp_path):
    path = tmp_path / "notes.xlsx"
    workbook = Workbook()
    workbook.active.title = "notes"
    workbook.save(path)

    result = cli(path)
    assert result.exit_code != 0
    assert "has no sheet named 'survey'" in result.output
