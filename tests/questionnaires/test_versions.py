"""Loading questionnaires: a version with answers is frozen; a changed file becomes a new version."""
from __future__ import annotations

import copy

from sqlalchemy import select

from survey.extensions import db
from survey.questionnaires.versions import latest_version, store_definition
from survey.models import Response
from survey.questionnaires.definition import Definition


def relabelled(definition: Definition, english: str) -> Definition:
    data = copy.deepcopy(definition.data)
    data["pages"][0]["items"][1]["label"]["en"] = english
    return Definition(data)


def test_loading_the_same_file_twice_changes_nothing(make_collection):
    collection = make_collection()
    definition = collection.version.parsed
    assert store_definition(definition).action == "unchanged"
    assert latest_version("allkinds").number == 1


def test_change_without_answers_updates_the_version_in_place(make_collection):
    collection = make_collection()
    outcome = store_definition(relabelled(collection.version.parsed, "Year of birth?"))
    assert outcome.action == "updated" and outcome.version.number == 1
    assert collection.version.parsed.items["birth_year"].label["en"] == "Year of birth?"


def test_change_after_answers_becomes_a_new_version_and_old_answers_keep_theirs(make_collection, submit):
    collection = make_collection()
    original = collection.version.parsed
    assert submit().status_code == 201
    outcome = store_definition(relabelled(original, "Which year were you born?"))
    assert outcome.action == "new version" and outcome.version.number == 2
    response = db.session.scalar(select(Response))
    assert response.version.number == 1
    assert response.version.parsed.items["birth_year"].label["en"] == original.items["birth_year"].label["en"]
    assert latest_version("allkinds").parsed.items["birth_year"].label["en"] == "Which year were you born?"


def test_forms_load_command_loads_the_library(runner, app):
    result = runner.invoke(args=["forms", "load"])
    assert result.exit_code == 0, result.output
    assert "new          demo (version 1" in result.output
    again = runner.invoke(args=["forms", "load"])
    assert "unchanged    demo" in again.output
