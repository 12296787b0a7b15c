"""The JSON columns' text (survey/stored_json.py): orjson's where it is JSON of the same values,
json.dumps' where orjson would differ or refuse."""
import enum
import json
from datetime import datetime

import pytest

from survey import stored_json


class Band(enum.StrEnum):
    YOUNG = "9-12"


@pytest.mark.parametrize("value", [
    {"q1": 4, "q2": [1, 3], "note": "سارا, Ödegaard", "none": None, "yes": True, "f": 2.5},
    {"big": 2 ** 70}, {"band": Band.YOUNG}, {1: "an int key"}, [], "text",
])
def test_the_text_reads_back_as_json_dumps_would_have_written_it(value):
    assert json.loads(stored_json.dumps(value)) == json.loads(json.dumps(value))


def test_compact_utf8_text():
    assert stored_json.dumps({"a": 1, "t": "سارا"}) == '{"a":1,"t":"سارا"}'


def test_what_json_dumps_refused_is_still_refused():
    with pytest.raises(TypeError):
        stored_json.dumps({"when": datetime(2026, 6, 20)})
