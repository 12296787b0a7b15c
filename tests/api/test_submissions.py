"""The submission API: stored once per client id, rejected whole when any answer is invalid."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response


def stored() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def test_first_submission_is_stored_with_201(make_collection, submit):
    make_collection()
    reply = submit(client_id="tablet-1-0001")
    assert reply.status_code == 201, reply.json
    assert reply.json["stored"] is True
    response = db.session.scalar(select(Response))
    assert response.client_id == "tablet-1-0001"
    assert response.language == "sv" and response.channel == "tablet"
    assert response.answers["activities"] == ["sport"]


def test_repeat_submission_is_stored_once(make_collection, submit):
    make_collection()
    first = submit(client_id="same-client-id")
    again = submit(client_id="same-client-id")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["client_id"] == "same-client-id" and again.json["stored"] is False
    assert again.json["message"] != first.json["message"]  # says it was already received
    assert stored() == 1


def test_same_client_id_with_the_same_content_is_200_and_stored_once(make_collection, submit):
    collection = make_collection()
    assert submit(client_id="tablet-3-0007").status_code == 201
    again = submit(client_id="tablet-3-0007")
    assert again.status_code == 200 and again.json["stored"] is False
    assert stored() == 1
    db.session.refresh(collection)
    assert collection.conflicting_resends == 0


def test_same_client_id_with_other_answers_is_409_and_the_stored_response_is_untouched(make_collection, submit):
    make_collection()
    submit(client_id="tablet-3-0008", answers={"day_face": 3, "come_back": 1})
    before = db.session.execute(select(Response.__table__)).mappings().one()
    conflict = submit(client_id="tablet-3-0008", answers={"day_face": 1, "come_back": 0})
    assert conflict.status_code == 409 and conflict.is_json and conflict.json["error"] == "conflict"
    db.session.expire_all()
    assert db.session.execute(select(Response.__table__)).mappings().one() == before


def test_a_conflicting_resend_is_counted_on_the_collection(make_collection, submit, runner, staff):
    collection = make_collection()
    submit(client_id="tablet-3-0009", answers={"day_face": 3, "come_back": 1})
    submit(client_id="tablet-3-0009", answers={"day_face": 2, "come_back": 1})
    submit(client_id="tablet-3-0009", language="en", answers={"day_face": 3, "come_back": 1})
    db.session.refresh(collection)
    assert collection.conflicting_resends == 2
    assert " 2 conflicts" in runner.invoke(args=["collections", "list"]).output
    staff.sign_in("coordinator")
    row = re.search(r"<tr><td><a href=\"/staff/collections/summer/\">.*?</tr>", staff.client.get("/staff/collections/").text, re.S)
    assert re.findall(r"<td>(\d+)</td>", row.group(0))[-2:] == ["1", "2"]     # responses, refused re-sends


def test_times_are_kept_to_the_minute_in_utc(make_collection, submit):
    make_collection()
    submit(started_at="2020-01-01T10:15:42+01:00", submitted_at=datetime.now(timezone.utc).isoformat())
    response = db.session.scalar(select(Response))
    assert response.started_at == datetime(2020, 1, 1, 9, 15)
    assert response.submitted_at.second == 0 and response.submitted_at.microsecond == 0


@pytest.mark.parametrize("var, value, code", [
    ("visits", "three", "wrong_type"),
    ("visits", [3], "wrong_type"),
    ("visits", True, "wrong_type"),
    ("visits", 2.5, "not_an_integer"),
    ("visits", 8, "too_large"),
    ("visits", -1, "too_small"),
    ("gender", 7, "unknown_choice"),
    ("gender", {"value": 1}, "wrong_type"),
    ("activities", ["sport", "chess"], "unknown_choice"),
    ("activities", "sport", "wrong_type"),
    ("sport_kind", "x" * 101, "too_long"),
    ("birth_year", 1800, "year_out_of_range"),
    ("favourite_colour", "blue", "unknown_variable"),
    ("welcome", "hello", "not_answerable"),
])
def test_invalid_answer_is_rejected_and_nothing_is_stored(make_collection, submit, var, value, code):
    make_collection()
    answers = {"day_face": 3, "come_back": 1, "activities": ["sport"], var: value}
    reply = submit(answers=answers)
    assert reply.status_code == 422, reply.json
    assert reply.json["error"] == "invalid_answers"
    assert [e["code"] for e in reply.json["errors"][var]] == [code]
    assert stored() == 0


def test_missing_required_answer_is_rejected(make_collection, submit):
    make_collection()
    reply = submit(answers={"day_face": 3})
    assert reply.status_code == 422
    assert reply.json["errors"]["come_back"][0]["code"] == "required"
    assert stored() == 0


def test_error_messages_come_in_the_request_language(make_collection, submit):
    make_collection()
    reply = submit(language="en", answers={"day_face": 3, "come_back": 1, "visits": 99})
    assert reply.json["errors"]["visits"][0]["message"] == "Please write a number from 0 to 7."


def test_wrong_language_is_rejected(make_collection, submit):
    make_collection(languages=["sv", "en"])
    reply = submit(language="ar")
    assert reply.status_code == 422
    assert reply.json["error"] == "wrong_language"
    assert stored() == 0


def test_answers_to_hidden_items_are_dropped(make_collection, submit):
    make_collection()
    answers = {"day_face": 3, "come_back": 1, "activities": ["music"], "sport_kind": "fotboll"}
    assert submit(answers=answers).status_code == 201
    assert "sport_kind" not in db.session.scalar(select(Response)).answers


@pytest.mark.parametrize("envelope, code", [
    ({"client_id": "short"}, "invalid_client_id"),
    ({"client_id": "has spaces in it"}, "invalid_client_id"),
    ({"answers": ["not", "an", "object"]}, "invalid_answers_object"),
    ({"started_at": "yesterday"}, "invalid_time"),
    ({"channel": "carrier-pigeon"}, "wrong_channel"),
])
def test_invalid_envelope_is_rejected(make_collection, submit, envelope, code):
    make_collection()
    reply = submit(**envelope)
    assert reply.status_code == 422 and reply.json["error"] == code
    assert stored() == 0


def test_body_that_is_not_an_object_is_rejected(make_collection, client):
    make_collection()
    reply = client.post("/api/v1/collections/summer/responses", json=[1, 2, 3])
    assert reply.status_code == 422 and reply.json["error"] == "not_json_object"


def test_unknown_collection_is_404(submit, app):
    reply = submit(slug="nowhere")
    assert reply.status_code == 404 and reply.json["error"] == "unknown_collection"


def test_closed_collection_is_410(make_collection, submit):
    make_collection(opens_on=date.today() - timedelta(days=60), closes_on=date.today() - timedelta(days=30))
    reply = submit()
    assert reply.status_code == 410 and reply.json["error"] == "closed"
    assert stored() == 0


def test_queued_response_answered_while_open_is_accepted_after_closing(make_collection, submit):
    closed = date.today() - timedelta(days=2)
    make_collection(opens_on=closed - timedelta(days=5), closes_on=closed)
    answered = datetime.combine(closed, datetime.min.time()).replace(hour=12, tzinfo=timezone.utc)
    reply = submit(submitted_at=answered.isoformat(), started_at=answered.isoformat())
    assert reply.status_code == 201
    assert stored() == 1


def test_oversized_body_is_413(make_collection, client):
    make_collection()
    reply = client.post("/api/v1/collections/summer/responses", data="x" * (300 * 1024),
                        content_type="application/json")
    assert reply.status_code == 413
    assert reply.json["error"] == "request_entity_too_large"


def test_collection_describes_its_questionnaire(make_collection, client):
    make_collection()
    reply = client.get("/api/v1/collections/summer")
    assert reply.status_code == 200
    body = reply.json
    assert body["languages"] == ["sv", "en", "ar", "so", "fa"]
    items = {i["var"]: i for p in body["questionnaire"]["pages"] for i in p["items"]}
    assert items["visits"]["min"] == 0 and items["visits"]["max"] == 7
    assert items["sport_kind"]["show_if"] == {"var": "activities", "includes": "sport"}
    labels = body["questionnaire"]["choice_lists"]["gender"]["choices"][0]["label"]
    assert labels["ar"] == "بنت"


def test_openapi_lists_the_submission_path(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "422" in spec["paths"]["/api/v1/collections/{slug}/responses"]["post"]["responses"]


def test_health_answers_when_database_is_up(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("wrong_clock", ["0001-01-01T00:00:00+05:00", "1970-01-01T00:00:00Z", "9999-12-31T23:59:00-05:00"])
def test_response_from_a_tablet_with_a_wrong_clock_is_kept_with_the_time_of_receipt(make_collection, submit, wrong_clock):
    make_collection()
    reply = submit(started_at=wrong_clock, submitted_at=wrong_clock)
    assert reply.status_code == 201
    response = db.session.scalar(select(Response))
    assert response.started_at is None
    assert abs(response.submitted_at - datetime.now(timezone.utc).replace(tzinfo=None)) < timedelta(minutes=2)


@pytest.mark.parametrize("method, path, status", [("GET", "/api/v1/nothing", 404),
                                                  ("GET", "/api/v1/collections/x/responses", 405)])
def test_unknown_api_path_or_method_answers_json(client, method, path, status):
    reply = client.open(path, method=method, headers={"Accept-Language": "en"})
    assert reply.status_code == status and reply.is_json
    assert reply.json["message"] in ("Not found.", "This method is not allowed here.")
