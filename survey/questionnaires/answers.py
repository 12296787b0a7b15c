"""The one answer validator: every path that stores answers (HTML pages, JSON API, later the
offline queue) checks them here, so a rule changes in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from . import conditions
from .definition import Definition, Page
from .errors import AnswerError
from .items import Item


@dataclass
class Checked:
    answers: dict[str, Any] = field(default_factory=dict)   # clean answers of shown items
    errors: dict[str, AnswerError] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _is_empty(raw: Any) -> bool:
    return raw is None or raw == "" or raw == []


def check_item(item: Item, raw: Any, checked: Checked) -> None:
    """Check one shown item's raw answer into `checked`."""
    if not item.answerable:
        if not _is_empty(raw):
            checked.errors[item.var] = AnswerError("not_answerable")
        return
    try:
        value = None if _is_empty(raw) else item.validate(raw)
    except AnswerError as error:
        checked.errors[item.var] = error
        return
    if value is None:
        if item.required:
            checked.errors[item.var] = AnswerError("required")
        return
    checked.answers[item.var] = value


def page_is_shown(page: Page, answers: Mapping[str, Any]) -> bool:
    return conditions.evaluate(page.show_if, answers)


def shown_items(page: Page, answers: Mapping[str, Any]) -> list[Item]:
    """Items of a page that are shown, given earlier answers (conditions look only backwards)."""
    return list(_shown(page, answers))


def _shown(page: Page, answers: Mapping[str, Any]) -> Iterator[Item]:
    if page_is_shown(page, answers):
        yield from (item for item in page.items if conditions.evaluate(item.show_if, answers))


def check_page(definition: Definition, page_index: int, raw: Mapping[str, Any],
               earlier: Mapping[str, Any]) -> Checked:
    """Check the answers given on one page, knowing the answers of the pages before it."""
    checked = Checked()
    for item in shown_items(definition.pages[page_index], earlier):
        check_item(item, raw.get(item.var), checked)
    return checked


def check_answers(definition: Definition, raw: Mapping[str, Any]) -> Checked:
    """Check a whole submission. Answers to items that skip logic hides are dropped, not stored."""
    checked = Checked()
    for var in raw:
        if var not in definition.items:
            checked.errors[var] = AnswerError("unknown_variable")
    for page in definition.pages:
        for item in shown_items(page, checked.answers):
            check_item(item, raw.get(item.var), checked)
    return checked


def visible_page_indexes(definition: Definition, answers: Mapping[str, Any]) -> list[int]:
    """Pages shown, given the answers: a page with no item left to show is skipped (the first shown
    item decides; the others are not evaluated)."""
    return [i for i, page in enumerate(definition.pages) if next(_shown(page, answers), None) is not None]
