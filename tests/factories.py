"""Test data made in one line: questionnaires from tests/fixtures/forms loaded as real versions."""
from __future__ import annotations

import uuid
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


def confirmed_children_collection(live_app, prefix: str) -> str:
    """A children's collection of the fixture form whose guardians' consent a signed-in coordinator
    has confirmed (never the child's screen); returns its slug."""
    from survey.auth.accounts import create_user
    from survey.fieldwork.operations import confirm_guardian_consent, create_collection
    from survey.i18n import ui_languages

    from survey.extensions import db
    with live_app.app_context():
        load_fixture_form("allkinds")
        slug = f"{prefix}-{uuid.uuid4().hex[:6]}"
        collection = create_collection(slug, "allkinds", activity="Bästa sommaren 2026", wave="baseline",
                                       ui_languages=ui_languages(), guardian_consent=True, audience="child")
        adult, _password = create_user(f"adult-{slug}", "coordinator", actor_name="test")
        confirm_guardian_consent(collection, actor=adult)
        db.session.commit()
        return slug
