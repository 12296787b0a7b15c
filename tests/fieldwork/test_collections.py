"""Collections: created from the CLI with plain errors; open, closed and the offline grace period."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from survey.fieldwork.operations import CollectionError
from survey.models import Collection, CollectionState

TODAY = date(2026, 6, 20)


def window(opens=None, closes=None) -> Collection:
    return Collection(opens_on=opens, closes_on=closes)


@pytest.mark.parametrize("opens, closes, expected", [
    (None, None, "open"),
    (TODAY, TODAY, "open"),                                   # open all of its last day
    (TODAY + timedelta(days=1), None, "not_yet_open"),
    (None, TODAY - timedelta(days=1), "closed"),
])
def test_state_follows_the_local_calendar(opens, closes, expected):
    assert window(opens, closes).state_on(TODAY) == CollectionState(expected)


def test_queue_answered_while_open_is_taken_within_the_grace_period():
    collection = window(TODAY - timedelta(days=10), TODAY - timedelta(days=3))
    answered = TODAY - timedelta(days=4)
    assert collection.accepts(answered, TODAY, grace_days=14)
    assert not collection.accepts(answered, TODAY + timedelta(days=20), grace_days=14)
    assert not collection.accepts(TODAY - timedelta(days=11), TODAY, grace_days=14)


def test_collections_add_creates_an_open_collection(runner, app):
    runner.invoke(args=["forms", "load"])
    result = runner.invoke(args=["collections", "add", "sommar26", "--form", "youth", "--activity",
                                 "Bästa sommaren 2026", "--wave", "baseline", "--languages", "sv,ar",
                                 "--opens", "2026-06-15", "--closes", "2026-08-14", "--channel", "tablet"])
    assert result.exit_code == 0, result.output
    assert "created /s/sommar26" in result.output
    listed = runner.invoke(args=["collections", "list"])
    assert "sommar26" in listed.output and "youth" in listed.output


@pytest.mark.parametrize("args, words", [
    (["Bad Slug"], "is not a usable link name"),
    (["ok-slug", "--form", "nosuch"], "no questionnaire 'nosuch' is loaded"),
    (["ok-slug", "--languages", "sv,de"], "de: not offered"),
    (["ok-slug", "--opens", "2026-08-01", "--closes", "2026-07-01"], "closing date is before the opening date"),
])
def test_collections_add_explains_what_is_wrong(runner, app, args, words):
    runner.invoke(args=["forms", "load"])
    base = ["collections", "add", *args[:1], "--activity", "Forum"]
    if "--form" not in args:
        base += ["--form", "demo"]
    result = runner.invoke(args=base + args[1:])
    assert result.exit_code != 0 and words in result.output


def test_guardian_consent_is_on_by_default_for_children_and_youth(make_collection):
    from survey.fieldwork.operations import create_collection
    from survey.i18n import ui_languages
    make_collection("any-age")
    child = create_collection("kids", "allkinds", activity="x", wave="event", audience="child", ui_languages=ui_languages())
    parent = create_collection("parents", "allkinds", activity="x", wave="event", audience="parent", ui_languages=ui_languages())
    assert child.guardian_consent is True and parent.guardian_consent is False


def test_duplicate_slug_is_refused(make_collection):
    make_collection("same")
    with pytest.raises(CollectionError, match="exists already"):
        make_collection("same")
