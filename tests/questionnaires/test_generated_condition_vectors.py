"""The committed condition vectors (for the kiosk's own evaluator) agree with the server's evaluator."""
import json
from pathlib import Path

from survey.questionnaires.conditions import evaluate

VECTORS = json.loads(Path(__file__).with_name("condition_vectors.json").read_text())["cases"]


def test_every_condition_vector_agrees_with_the_server():
    disagreeing = [case for case in VECTORS if evaluate(case["condition"], case["answers"]) is not case["expected"]]
    assert not disagreeing
    assert len(VECTORS) == 400 and {True, False} == {case["expected"] for case in VECTORS}
