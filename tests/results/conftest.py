"""Results fixtures: the real questionnaires of forms/ loaded as versions, and responses stored on
a chosen day through the intake's own storing and counting (for years that have passed)."""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def load_form(app):
    def load(name: str):
        from survey.extensions import db
        from survey.i18n import languages
        from survey.questionnaires.loader import load_file
        from survey.questionnaires.versions import latest_version, store_definition
        if latest_version(name) is None:
            result = load_file(ROOT / "forms" / f"{name}.yaml", languages())
            assert not result.problems
            store_definition(result.definition)
            db.session.commit()
    return load


@pytest.fixture
def youth_answers():
    """youth_answers(gender=1, safe=4, **more): valid youth answers (synthetic, fixed seed)."""
    from survey.questionnaires.loader import load_file
    from survey.i18n.languages import load_languages
    from survey.results.synthetic import synthetic_answers
    definition = load_file(ROOT / "forms" / "youth.yaml", load_languages(ROOT / "forms" / "languages.yaml")).definition
    base = synthetic_answers(definition, random.Random(1))

    def answers(gender=1, safe=4, **more):
        return {**base, "gender": gender, "safe_meeting_place": safe, **more}
    return answers


@pytest.fixture
def store_on():
    """store_on(collection, day, answers, language="sv", channel="tablet"): a response stored as the
    intake does, on a day of our choosing (the intake's date rule left out), and counted."""
    from flask import current_app

    from survey.extensions import db
    from survey.questionnaires.answers import check_answers
    from survey.responses.intake import Submission, store_once
    from survey.results.tallies import catch_up

    def store(collection, day: date, answers: dict, language: str = "sv", channel: str = "tablet"):
        checked = check_answers(collection.version.parsed, answers)
        assert checked.ok, checked.errors
        moment = datetime(day.year, day.month, day.day, 12)
        store_once(collection, collection.version,
                   Submission(uuid.uuid4().hex, language, channel, checked.answers, None, moment),
                   checked.answers, moment)
        catch_up(current_app.config["TIMEZONE"])
        db.session.commit()
    return store
