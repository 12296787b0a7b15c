"""Skip logic has one meaning: the Python rules and the kiosk's JavaScript port agree on every vector in
condition_vectors.json (the browser half runs in tests/browser/test_kiosk_in_browser.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from survey.questionnaires.conditions import evaluate

VECTORS = json.loads((Path(__file__).parent / "condition_vectors.json").read_text())["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["why"] for v in VECTORS])
def test_python_rules_give_the_expected_result(vector):
    assert evaluate(vector["condition"], vector["answers"]) is vector["expected"]
