"""Test data made in one line: questionnaires from tests/fixtures/forms loaded as real versions."""
from __future__ import annotations

from pathlib import Path

FIXTURE_FORMS = Path(__file__).resolve().parent / "fixtures" / "forms"
PROJECT_FORMS = Path(__file__).resolve().parent.parent / "forms"


def load_fixture_form(name: str, directory: Path = FIXTURE_FORMS):
    """Load tests/fixtures/forms/<name>.yaml (or one of the project's forms/ with directory=PROJECT_FORMS)."""
    from survey.i18n import languages
    from survey.extensions import db
    from survey.questionnaires.versions import store_definition
    from survey.questionnaires.loader import load_file
    result = load_file(directory / f"{name}.yaml", languages())
    assert not result.problems, result.problems
    version = store_definition(result.definition).version
    db.session.commit()
    return version
