"""Fixtures for the export paths: a collection answered through the API, researchers and tokens."""
from __future__ import annotations

import random
from datetime import date

import pytest

ACTIVITIES = [["none"], ["sport"], ["music"], ["sport", "music"], ["homework"], ["sport", "homework"]]


def varied_answers(n: int, seed: int = 3) -> list[dict]:
    """n valid allkinds answers: the same background (so k=5 holds), varied everything else."""
    rng = random.Random(seed)
    answers = []
    for i in range(n):
        activities = ACTIVITIES[i % len(ACTIVITIES)]
        one = {"birth_year": date.today().year - 10, "gender": 1, "day_face": rng.randint(1, 4),
               "can_solve": rng.randint(1, 4), "activities": activities, "visits": i % 8,
               "come_back": rng.choice([0, 1]), "se_a": rng.randint(1, 4), "se_b": rng.randint(1, 4),
               "se_c": rng.randint(1, 4)}
        if "sport" in activities:
            one["sport_kind"] = "fotboll, ring 070-123 45 67"
        answers.append(one)
    return answers


@pytest.fixture
def exports_dir(app, tmp_path):
    """EXPORTS_DIR in the test's own directory, so the repository's exports/ is never written."""
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    return tmp_path / "exports"


@pytest.fixture
def answered(make_collection, submit, exports_dir):
    """The collection "summer" (allkinds) with 12 responses submitted through the API; their answers."""
    make_collection("summer")
    answers = varied_answers(12)
    for one in answers:
        reply = submit("summer", answers=one)
        assert reply.status_code == 201, reply.json
    return answers


@pytest.fixture
def token_for(app):
    """token_for(role, collections=None) -> (user, secret): an account of that role and a fresh API token."""
    import uuid

    from survey.auth.accounts import create_user, set_password
    from survey.auth.models import StaffUser
    from survey.auth.tokens import ApiToken, hash_token
    from survey.extensions import db

    def make(role: str = "researcher", collections=None):
        user, _ = create_user(f"{role}-{uuid.uuid4().hex[:6]}", role, actor_name="test")
        set_password(user, "a-long-enough-passphrase")
        if role in ("researcher", "admin"):
            from survey.auth.tokens import create_token
            _token, secret = create_token(user, "test", collections, actor_name="test")
        else:
            # create_token refuses roles without EXPORT_DATA; a token made while the user was a
            # researcher, whose role changed since, looks like this
            secret = "ksh_" + uuid.uuid4().hex
            db.session.add(ApiToken(user=user, name="old", token_hash=hash_token(secret)))
        db.session.commit()
        return user, secret
    return make


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
