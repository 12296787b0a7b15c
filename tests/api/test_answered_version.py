"""A queued response names the questionnaire version it was answered in, so a publish mid-event
never rejects a tablet's queue: the answers are checked against, and stored under, that version."""
from __future__ import annotations

import copy

from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from survey.questionnaires.definition import Definition
from survey.questionnaires.versions import store_definition


def publish_version_2(collection):
    """Version 2 of allkinds makes `wish` required; the collection moves to it."""
    data = copy.deepcopy(collection.version.parsed.data)
    data["version"] = "2"
    for page in data["pages"]:
        for item in page["items"]:
            if item["var"] == "wish":
                item["required"] = True
    db.session.add(Response(collection=collection, version=collection.version, client_id="earlier-one",
                            language="sv", channel="tablet", answers={}, submitted_at=collection.created_at))
    db.session.flush()  # version 1 has an answer now, so the change becomes a new version
    version_2 = store_definition(Definition(data)).version
    collection.version = version_2
    db.session.commit()
    return version_2


def test_queued_answers_to_the_earlier_version_are_accepted_after_a_publish(make_collection, submit):
    collection = make_collection()
    version_1 = collection.version
    publish_version_2(collection)
    reply = submit(client_id="queued-before-publish", questionnaire_version=1)   # no `wish`: fine in v1
    assert reply.status_code == 201, reply.json
    stored = db.session.scalar(select(Response).where(Response.client_id == "queued-before-publish"))
    assert stored.questionnaire_version_id == version_1.id


def test_answers_without_a_version_are_checked_against_the_current_one(make_collection, submit):
    collection = make_collection()
    publish_version_2(collection)
    reply = submit(client_id="sent-after-publish")
    assert reply.status_code == 422
    assert "wish" in reply.json["errors"]


def test_answers_naming_the_current_version_are_stored_under_it(make_collection, submit):
    collection = make_collection()
    version_2 = publish_version_2(collection)
    reply = submit(client_id="answered-in-v2", questionnaire_version=2, answers={
        "birth_year": 2015, "day_face": 3, "come_back": 1, "wish": "En större fotbollsplan"})
    assert reply.status_code == 201, reply.json
    stored = db.session.scalar(select(Response).where(Response.client_id == "answered-in-v2"))
    assert stored.questionnaire_version_id == version_2.id


def test_a_version_the_questionnaire_never_had_is_refused(make_collection, submit):
    make_collection()
    reply = submit(questionnaire_version=7)
    assert reply.status_code == 422
    assert (reply.json["error"], reply.json["field"]) == ("unknown_questionnaire_version", "questionnaire_version")


def test_a_version_that_is_not_a_number_is_refused(make_collection, submit):
    make_collection()
    assert submit(questionnaire_version="1").status_code == 422
    assert submit(questionnaire_version=True).status_code == 422
