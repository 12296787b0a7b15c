"""The completeness report: per questionnaire and language, the share of texts missing, draft,
published and reviewed, with the languages not offered yet shown as wholly missing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from survey import create_app
from survey.questionnaires.translation_review.cli import translations_cli
from survey.questionnaires.translation_review.status import completeness, format_report

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "forms" / "allkinds.yaml"
ALL_LANGUAGES = ["sv", "en", "ar", "so", "fa", "bs", "sq", "ku", "ti"]


@pytest.fixture
def allkinds() -> dict:
    return YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))


def line(lines, lang):
    return next(entry for entry in lines if entry.language == lang)


def test_every_known_language_is_counted_and_unoffered_ones_are_wholly_missing(allkinds):
    lines = completeness(allkinds, ALL_LANGUAGES)

    assert [entry.language for entry in lines] == ALL_LANGUAGES
    for lang in ("bs", "sq", "ku", "ti"):
        assert not line(lines, lang).offered
        assert line(lines, lang).share("missing") == 1.0
    assert line(lines, "so").share("draft") == 1.0


def test_a_text_takes_its_owners_status(allkinds):
    allkinds["choice_lists"]["yes_no"]["translation_status"]["so"] = "reviewed"
    allkinds["translation_status"]["so"] = "published"

    so = line(completeness(allkinds, ["so"]), "so")

    # yes_no has two answers; the questionnaire owns title, intro, 4 page titles and 1 scale label.
    assert so.counts["reviewed"] == 2
    assert so.counts["published"] == 7
    assert so.counts["draft"] == so.total - 9


def test_an_empty_text_counts_as_missing(allkinds):
    allkinds["title"]["ar"] = "  "

    assert line(completeness(allkinds, ["ar"]), "ar").counts["missing"] == 1


def test_a_language_only_the_questionnaire_lists_is_counted_too(allkinds):
    assert [entry.language for entry in completeness(allkinds, ["sv"])] == ["sv", "en", "ar", "so", "fa"]


def test_report_shows_shares_per_language(allkinds):
    report = format_report(completeness(allkinds, ALL_LANGUAGES), {"so": "Somali", "ti": "Tigrinya"})

    assert "allkinds" in report.splitlines()[2]
    so_row = next(row for row in report.splitlines() if "so  Somali" in row)
    assert so_row.split()[-4:] == ["0%", "100%", "0%", "0%"]
    ti_row = next(row for row in report.splitlines() if "ti  Tigrinya" in row)
    assert "no" in ti_row.split() and ti_row.split()[-4:] == ["100%", "0%", "0%", "0%"]


def test_status_command_lists_questionnaires_and_skips_broken_ones(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "allkinds.yaml")
    shutil.copy(ROOT / "forms" / "languages.yaml", tmp_path / "languages.yaml")
    (tmp_path / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "FORMS_DIR": str(tmp_path), "TESTING": True})

    result = app.test_cli_runner().invoke(translations_cli, ["status"])

    assert result.exit_code == 0, result.output
    assert "broken.yaml: not counted" in result.output
    for lang in ("Swedish", "Arabic", "Somali", "Persian", "Bosnian", "Albanian", "Kurdish", "Tigrinya"):
        assert lang in result.output
