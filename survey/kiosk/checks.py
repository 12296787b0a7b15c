"""What the kiosk's script needs to page through a questionnaire offline: each page's and item's
condition, and each item's declared checks, taken from the item's own description (never from
its type name). The server checks every answer again when the queued response arrives."""
from __future__ import annotations

from ..questionnaires.definition import Definition
from ..questionnaires.errors import AnswerError
from ..questionnaires.items import Item


def item_checks(item: Item, definition: Definition) -> dict:
    described = item.describe()
    checks: dict = {"required": item.required, "answerable": item.answerable, "list": item.answers_are_lists}
    if "choices" in described:
        checks["choices"] = [choice.value for choice in definition.choice_lists[described["choices"]].choices]
    for key in ("min", "max", "integer", "max_length"):
        if described.get(key) is not None:
            checks[key] = described[key]
    if "integer" in described:
        checks["number"] = True
    if "min_age" in described:
        checks["year"] = True   # its range is worded as years
    return checks


# Message codes the script can produce, with their parameters left as %(name)s for it to fill in.
MESSAGE_PARAMS = {
    "required": {}, "not_a_number": {}, "not_an_integer": {}, "unknown_choice": {}, "wrong_type": {},
    "too_small": {"min": "%(min)s"}, "too_large": {"max": "%(max)s"},
    "range": {"min": "%(min)s", "max": "%(max)s"}, "too_long": {"max_length": "%(max_length)s"},
    "year_out_of_range": {"min": "%(min)s", "max": "%(max)s"},
}


def message_templates(answer_message) -> dict[str, str]:
    """The answer messages in the request's language, through the one function that words them."""
    return {code: answer_message(AnswerError("too_small" if code == "range" else code, params))
            for code, params in MESSAGE_PARAMS.items()}
