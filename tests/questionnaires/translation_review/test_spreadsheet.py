"""A native speaker's spreadsheet: exported, filled in, imported back into the questionnaire file.

Every test works on copies in tmp_path (the fixture questionnaire and forms/languages.yaml); the
real forms/ is never touched. Each refused import leaves the file byte for byte as it was.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from ruamel.yaml import YAML

from survey.i18n.languages import load_languages
from survey.questionnaires.translation_review.apply import ApplyRefused, apply_review
from survey.questionnaires.translation_review.cli import translations_cli
from survey.questionnaires.translation_review.spreadsheet import COL, META, SHEET, Decision, Review

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "forms" / "allkinds.yaml"


@pytest.fixture
def forms_dir(forms_dir):
    shutil.copy(FIXTURE, forms_dir / "allkinds.yaml")
    return forms_dir


@pytest.fixture
def translations(forms_runner):
    """translations("export", "allkinds", "--lang", "so") runs the CLI on the copied forms/."""
    return lambda *args: forms_runner.invoke(translations_cli, list(args))


def export(translations, forms_dir, lang="so") -> Path:
    out = forms_dir.parent / f"allkinds-{lang}.xlsx"
    result = translations("export", "allkinds", "--lang", lang, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def fill(path: Path, rows: dict[str, dict[str, str]], meta: dict[str, str] | None = None) -> dict[str, int]:
    """What a reviewer does: per key, set columns (status, new, comment...). Returns each key's row."""
    book = load_workbook(path)
    sheet = book[SHEET]
    where = {sheet.cell(r, COL["key"]).value: r for r in range(1, sheet.max_row + 1)}
    for key, columns in rows.items():
        for column, value in columns.items():
            sheet.cell(where[key], COL[column]).value = value
    for r in range(1, book[META].max_row + 1):
        if meta and book[META].cell(r, 1).value in meta:
            book[META].cell(r, 2).value = meta[book[META].cell(r, 1).value]
    book.save(path)
    return where


def form(forms_dir) -> dict:
    return YAML(typ="safe").load((forms_dir / "allkinds.yaml").read_text(encoding="utf-8"))


def item(data: dict, var: str) -> dict:
    return next(i for page in data["pages"] for i in page["items"] if i["var"] == var)


# -- the round trip ------------------------------------------------------------------------------

def test_reviewed_sheet_writes_text_status_and_review_log(translations, forms_dir):
    sheet = export(translations, forms_dir)
    fill(sheet, {
        "items.gender.label": {"new": "Ma waxaad tahay?", "reviewed": "yes"},
        "choice_lists.yes_no.1": {"reviewed": "yes"},
        "choice_lists.yes_no.0": {"reviewed": "Yes", "comment": "Maya is right"},
    })

    result = translations("import", str(sheet), "--reviewer", "Amina Warsame")

    assert result.exit_code == 0, result.output
    assert "Maya is right" in result.output
    data = form(forms_dir)
    assert item(data, "gender")["label"]["so"] == "Ma waxaad tahay?"
    assert item(data, "gender")["translation_status"]["so"] == "reviewed"
    assert data["choice_lists"]["yes_no"]["translation_status"]["so"] == "reviewed"
    assert item(data, "gender")["translation_status"]["ar"] == "draft"
    assert data["translation_status"]["so"] == "draft"
    assert data["translation_reviews"] == [{"language": "so", "reviewer": "Amina Warsame",
                                            "date": date.today().isoformat(), "texts": 3,
                                            "file": "allkinds-so.xlsx"}]


def test_import_keeps_comments_order_and_other_texts(translations, forms_dir):
    before = (forms_dir / "allkinds.yaml").read_text(encoding="utf-8")
    sheet = export(translations, forms_dir)
    fill(sheet, {"items.come_back.label": {"new": "Ma doonaysaa inaad soo noqoto?", "reviewed": "yes"}})

    assert translations("import", str(sheet), "--reviewer", "Amina Warsame").exit_code == 0

    after = (forms_dir / "allkinds.yaml").read_text(encoding="utf-8")
    assert after.startswith("# Test fixture: every item type")
    assert "# Arabic, Somali and Persian texts are drafts" in after
    assert 'en: "Yes"' in after
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert all("so:" in line or "translation_reviews" in line or "reviewer:" in line for line in changed), changed


def test_owner_is_reviewed_only_when_all_its_texts_are(translations, forms_dir):
    sheet = export(translations, forms_dir)
    fill(sheet, {"items.activities.label": {"reviewed": "yes"}})  # its hint is not marked

    assert translations("import", str(sheet), "--reviewer", "Amina Warsame").exit_code == 0

    assert item(form(forms_dir), "activities")["translation_status"]["so"] == "draft"


def test_correction_without_reviewed_is_kept_as_draft(translations, forms_dir):
    path = forms_dir / "allkinds.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "label: {sv: Hur har dagen varit?", "translation_status: {sv: draft, en: draft, ar: draft, so: reviewed, fa: draft}\n"
        "        label: {sv: Hur har dagen varit?").replace(
        "so: Maalintu sidee ahayd?, fa: امروز چطور بود؟}\n        translation_status: {sv: draft, en: draft, ar: draft, so: draft, fa: draft}",
        "so: Maalintu sidee ahayd?, fa: امروز چطور بود؟}"), encoding="utf-8")
    assert item(form(forms_dir), "day_face")["translation_status"]["so"] == "reviewed"
    sheet = export(translations, forms_dir)
    fill(sheet, {"items.day_face.label": {"new": "Sidee ayay maanta ahayd?"}})

    assert translations("import", str(sheet), "--reviewer", "Amina Warsame").exit_code == 0

    assert item(form(forms_dir), "day_face")["translation_status"]["so"] == "draft"


def test_complete_translation_adds_a_new_language(translations, forms_dir):
    sheet = export(translations, forms_dir, "bs")
    book = load_workbook(sheet)
    keys = [row[0] for row in book[SHEET].iter_rows(min_row=4, values_only=True) if row[0]]
    fill(sheet, {key: {"new": f"Bosanski tekst {n}"} for n, key in enumerate(keys)})

    result = translations("import", str(sheet), "--reviewer", "Emina Hadžić")

    assert result.exit_code == 0, result.output
    data = form(forms_dir)
    assert "bs" in data["languages"]
    assert data["title"]["bs"] == "Bosanski tekst 0"
    assert item(data, "gender")["translation_status"]["bs"] == "draft"


def test_export_reads_right_to_left_for_arabic_and_persian(translations, forms_dir):
    for lang, rtl in (("ar", True), ("fa", True), ("so", False)):
        book = load_workbook(export(translations, forms_dir, lang))
        assert bool(book[SHEET].sheet_view.rightToLeft) is rtl
        assert book[SHEET].freeze_panes == "A4"
        assert book[META].sheet_state == "hidden"


def test_export_of_unknown_form_or_language_says_what_exists(translations):
    assert "there is no questionnaire 'nope'" in translations("export", "nope", "--lang", "so").output
    assert "unknown language 'xx'" in translations("export", "allkinds", "--lang", "xx").output


def test_import_requires_a_reviewer(translations, forms_dir):
    result = translations("import", str(export(translations, forms_dir)))
    assert result.exit_code == 2
    assert "--reviewer" in result.output


# -- refused imports: every problem with its row, nothing written ----------------------------

@pytest.fixture
def refused(translations, forms_dir):
    """refused(sheet) imports a sheet that must be refused; returns the output, checks the file is untouched."""
    def run(sheet: Path) -> str:
        original = (forms_dir / "allkinds.yaml").read_bytes()
        result = translations("import", str(sheet), "--reviewer", "Amina Warsame")
        assert result.exit_code == 1, result.output
        assert "nothing was written" in result.output
        assert (forms_dir / "allkinds.yaml").read_bytes() == original
        return result.output
    return run


def with_placeholder(forms_dir):
    path = forms_dir / "allkinds.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    .replace("en: How has the day been?", 'en: "How was {activity} today?"')
                    .replace("so: Maalintu sidee ahayd?", 'so: "Sidee ahayd {activity} maanta?"'), encoding="utf-8")


def test_correction_keeping_the_placeholder_is_accepted(translations, forms_dir):
    with_placeholder(forms_dir)
    sheet = export(translations, forms_dir)
    fill(sheet, {"items.day_face.label": {"new": "{activity} sidee ayay ahayd maanta?", "reviewed": "yes"}})

    assert translations("import", str(sheet), "--reviewer", "Amina Warsame").exit_code == 0
    assert item(form(forms_dir), "day_face")["label"]["so"] == "{activity} sidee ayay ahayd maanta?"


def test_missing_placeholder_is_refused(translations, forms_dir, refused):
    with_placeholder(forms_dir)
    sheet = export(translations, forms_dir)
    rows = fill(sheet, {"items.day_face.label": {"new": "Sidee ahayd maanta?", "reviewed": "yes"}})

    output = refused(sheet)

    assert f"row {rows['items.day_face.label']}: the English text has {{activity}}" in output


def test_placeholder_not_in_the_source_is_refused(translations, forms_dir, refused):
    sheet = export(translations, forms_dir)
    rows = fill(sheet, {"items.gender.label": {"new": "Ma waxaad tahay %(name)s?"}})

    assert f"row {rows['items.gender.label']}: %(name)s is not in the English text" in refused(sheet)


def test_empty_text_is_refused_for_a_new_language(translations, forms_dir, refused):
    sheet = export(translations, forms_dir, "bs")
    keys = [row[0] for row in load_workbook(sheet)[SHEET].iter_rows(min_row=4, values_only=True) if row[0]]
    rows = fill(sheet, {key: {"new": f"Bosanski tekst {n}"} for n, key in enumerate(keys) if key != "items.wish.hint"})

    output = refused(sheet)

    assert f"row {rows['items.wish.hint']}: there is no Bosnian/Croatian/Serbian text: write one in column G" in output


@pytest.mark.parametrize("lang, text, message", [
    ("so", "هل أنت", "the text is mostly in Arabic script, but Somali is written in Latin script"),
    ("ar", "Hal anta", "the text is mostly in Latin script, but Arabic is written in Arabic script"),
    ("fa", "Shoma", "the text is mostly in Latin script, but Persian is written in Arabic script"),
])
def test_text_in_the_wrong_script_is_refused(translations, forms_dir, refused, lang, text, message):
    sheet = export(translations, forms_dir, lang)
    rows = fill(sheet, {"items.gender.label": {"new": text, "reviewed": "yes"}})

    assert f"row {rows['items.gender.label']}: {message}" in refused(sheet)


def test_latin_names_inside_arabic_text_are_accepted(translations, forms_dir):
    sheet = export(translations, forms_dir, "ar")
    fill(sheet, {"title": {"new": "استبيان للشباب في Herrgården", "reviewed": "yes"}})

    assert translations("import", str(sheet), "--reviewer", "Amina Warsame").exit_code == 0


def test_sheet_whose_meta_names_another_language_is_refused(translations, forms_dir, refused):
    sheet = export(translations, forms_dir, "so")
    fill(sheet, {"items.gender.label": {"reviewed": "yes"}}, meta={"language": "ar"})

    assert "the current translations in this sheet are not the Arabic texts of 'allkinds'" in refused(sheet)


def test_sheet_whose_meta_names_an_unknown_language_is_refused(translations, forms_dir, refused):
    sheet = export(translations, forms_dir, "so")
    fill(sheet, {"items.gender.label": {"reviewed": "yes"}}, meta={"language": "xx"})

    assert "the sheet is for the language 'xx', which forms/languages.yaml does not know" in refused(sheet)


def test_sheet_whose_meta_names_another_questionnaire_is_refused(translations, forms_dir, refused):
    sheet = export(translations, forms_dir, "so")
    fill(sheet, {"items.gender.label": {"reviewed": "yes"}}, meta={"form": "youth"})

    assert "the sheet is for the questionnaire 'youth', which is not in forms/" in refused(sheet)


def test_unknown_key_is_refused(translations, forms_dir, refused):
    sheet = export(translations, forms_dir)
    rows = fill(sheet, {"items.gender.label": {"key": "items.gendr.label", "reviewed": "yes"}})

    assert f"row {rows['items.gender.label']}: unknown key 'items.gendr.label'" in refused(sheet)


def test_edited_current_translation_is_refused(translations, forms_dir, refused):
    sheet = export(translations, forms_dir)
    rows = fill(sheet, {"items.gender.label": {"current": "Ma waxaad tahay?"}})

    assert (f"row {rows['items.gender.label']}: column E (current translation) was changed: leave it as "
            "exported and write the new text in column G") in refused(sheet)


def test_status_column_is_not_a_way_to_review(translations, forms_dir, refused):
    sheet = export(translations, forms_dir)
    rows = fill(sheet, {"items.gender.label": {"status": "reviewed"}})

    assert (f"row {rows['items.gender.label']}: column F says 'reviewed' but the questionnaire says 'draft': "
            "column F only shows the status; to mark the text reviewed, write yes in column H") in refused(sheet)


def test_every_problem_is_listed_at_once(translations, forms_dir, refused):
    sheet = export(translations, forms_dir)
    rows = fill(sheet, {"items.gender.label": {"new": "هل أنت", "reviewed": "yes"},
                        "items.wish.label": {"key": "items.wsh.label"}})

    output = refused(sheet)

    assert f"row {rows['items.gender.label']}:" in output and f"row {rows['items.wish.label']}:" in output


def test_a_spreadsheet_not_made_by_export_is_refused(translations, forms_dir, refused):
    path = forms_dir.parent / "other.xlsx"
    Workbook().save(path)

    assert "other.xlsx was not made by `translations export`" in refused(path)


def test_a_review_that_would_break_the_file_is_undone(forms_dir):
    path = forms_dir / "allkinds.yaml"
    original = path.read_bytes()
    # A new language with one text only: forms check demands every text in every language.
    review = Review(form_id="allkinds", language="bs",
                    decisions=[Decision(key="title", row=4, new_text="Isprobaj anketu", reviewed=True, comment="")])

    with pytest.raises(ApplyRefused) as refused:
        apply_review(path, review, "Emina Hadžić", load_languages(forms_dir / "languages.yaml"), "x.xlsx")

    assert "has no 'bs' version" in str(refused.value)
    assert path.read_bytes() == original
