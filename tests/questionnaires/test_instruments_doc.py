"""docs/instruments.md is generated from the questionnaire files, so it can be checked never to drift."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from survey.i18n.languages import load_languages
from survey.questionnaires.cli import forms_cli
from survey.questionnaires.definition import Definition
from survey.questionnaires.instruments_doc import HEADER, render
from survey.questionnaires.loader import load_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "forms" / "allkinds.yaml"


@pytest.fixture
def allkinds() -> Definition:
    result = load_file(FIXTURE, load_languages(ROOT / "forms" / "languages.yaml"))
    assert not result.problems, result.problems
    return result.definition


def test_rendering_twice_gives_the_same_text(allkinds):
    assert render([allkinds]) == render([allkinds])


def test_header_says_the_file_is_generated(allkinds):
    assert HEADER in render([allkinds]).splitlines()[:5]


def test_every_scale_appears_with_its_reverse_coded_items_marked(allkinds):
    doc = render([allkinds])

    for scale in allkinds.scales:
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{scale.id}` |"))
        for var in scale.items:
            assert (f"`{var}` (R)" in row) is (var in scale.reverse)
        assert "mean of 3 items; at least 2 answered; range 1–4" in row
        assert "so: draft 4/4" in row  # three items and their answer list


def test_unconfirmed_terms_are_flagged(allkinds):
    data = copy.deepcopy(allkinds.data)
    data["sources"] = {"ntu": {"citation": "Brå, NTU.", "licence": "No licence text found.", "terms_confirmed": False}}
    data["scales"][0]["source"] = "ntu"

    doc = render([Definition(data)])

    assert "`ntu`: Brå, NTU. Terms: No licence text found. **Terms not confirmed.**" in doc


def test_adapted_wording_is_explained(allkinds):
    data = copy.deepcopy(allkinds.data)
    can_solve = next(i for p in data["pages"] for i in p["items"] if i["var"] == "can_solve")
    can_solve.update(wording="adapted", adaptation_note="Shorter sentence for children.")

    assert "- `can_solve`: Shorter sentence for children." in render([Definition(data)])


@pytest.fixture
def document(forms_dir, forms_runner):
    """document(*args) runs `forms document` on a copy of the fixture questionnaire."""
    shutil.copy(FIXTURE, forms_dir / "allkinds.yaml")
    return lambda *args: forms_runner.invoke(forms_cli, ["document", *args])


def test_document_writes_into_the_docs_dir_and_check_passes(document, tmp_path):
    assert document().exit_code == 0
    assert (tmp_path / "docs" / "instruments.md").read_text(encoding="utf-8").startswith("# Instruments")

    result = document("--check")

    assert result.exit_code == 0, result.output
    assert "is up to date" in result.output


def test_check_fails_on_a_stale_file(document, tmp_path):
    document()
    path = tmp_path / "docs" / "instruments.md"
    path.write_text(path.read_text(encoding="utf-8").replace("mean of 3 items", "sum of 3 items"), encoding="utf-8")

    result = document("--check")

    assert result.exit_code != 0
    assert "is out of date with forms/" in result.output


def test_check_fails_when_the_file_is_missing(document):
    assert document("--check").exit_code != 0


def test_committed_instruments_doc_matches_the_library(runner, app):
    """docs/instruments.md is generated from forms/; regenerate it with `flask --app wsgi forms document`."""
    result = runner.invoke(args=["forms", "document", "--check"])
    assert result.exit_code == 0, result.output
