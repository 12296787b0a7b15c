"""Who may say yes, by audience and age band: the rules themselves, then the pages that follow them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.audit.models import AuditRecord
from survey.extensions import db
from survey.fieldwork.consent import ConsentStep, consent_step
from survey.models import Response


@pytest.mark.parametrize("audience, needs, confirmed, band, step", [
    ("child", True, False, None, ConsentStep.WAIT_FOR_GUARDIANS),
    ("child", True, True, None, ConsentStep.ASK_RESPONDENT),
    ("youth", True, False, None, ConsentStep.ASK_AGE_BAND),
    ("youth", True, False, "from_15", ConsentStep.ASK_RESPONDENT),
    ("youth", True, False, "under_15", ConsentStep.WAIT_FOR_GUARDIANS),
    ("youth", True, True, "under_15", ConsentStep.ASK_RESPONDENT),
    ("parent", False, False, None, ConsentStep.ASK_RESPONDENT),
    ("any", False, False, None, ConsentStep.ASK_RESPONDENT),
])
def test_consent_step_by_audience_and_age_band(audience, needs, confirmed, band, step):
    assert consent_step(audience, needs, confirmed, band) is step


def test_the_childs_screen_asks_only_the_childs_own_yes_or_no(make_collection, client):
    make_collection(audience="child", guardian_consent=True, guardians_confirmed=True)
    client.get("/s/summer?lang=en")
    page = client.get("/s/summer/consent").text
    assert "Do you want to answer the questions?" in page
    assert "guardians" not in page.lower() and 'type="checkbox"' not in page


def test_a_child_cannot_start_before_an_adult_confirmed_the_guardians_agreed(make_collection, client):
    make_collection(audience="child", guardian_consent=True)
    client.get("/s/summer?lang=en")
    page = client.get("/s/summer/consent").text
    assert "an adult from the activity must ask your parents or guardians" in page
    assert client.post("/s/summer/consent", data={"answer": "yes"}).status_code in (200, 302)
    assert client.get("/s/summer/p/1").status_code == 302
    assert db.session.scalars(select(Response)).all() == []


def test_a_child_starts_once_the_confirmation_is_recorded(make_collection, client):
    make_collection(audience="child", guardian_consent=True, guardians_confirmed=True)
    client.get("/s/summer?lang=en")
    assert client.post("/s/summer/consent", data={"answer": "yes"}).location.endswith("/s/summer/p/1")


def test_the_confirmation_is_in_the_audit_trail_with_the_adults_name(make_collection):
    make_collection(audience="child", guardian_consent=True, guardians_confirmed=True)
    entry = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "collection.confirm_guardians"))
    assert entry.actor == "adult-summer" and entry.object_id == "summer"


def test_youth_are_asked_their_age_band_first(make_collection, client):
    make_collection(audience="youth", guardian_consent=True)
    client.get("/s/summer?lang=en")
    page = client.get("/s/summer/consent").text
    assert "How old are you?" in page and "Younger than 15" in page and "Do you want to answer" not in page


def test_youth_from_15_consent_alone(make_collection, client):
    make_collection(audience="youth", guardian_consent=True)
    client.get("/s/summer?lang=en")
    client.post("/s/summer/consent", data={"age_band": "from_15"})
    assert "Do you want to answer the questions?" in client.get("/s/summer/consent").text
    assert client.post("/s/summer/consent", data={"answer": "yes"}).location.endswith("/s/summer/p/1")


def test_youth_under_15_without_confirmation_are_told_kindly_and_nothing_is_kept(make_collection, client):
    make_collection(audience="youth", guardian_consent=True)
    client.get("/s/summer?lang=en")
    reply = client.post("/s/summer/consent", data={"age_band": "under_15"}, follow_redirects=True)
    assert "Thank you for wanting to answer!" in reply.text and "Nothing was saved" in reply.text
    assert client.get("/s/summer/p/1").status_code == 302
    with client.session_transaction() as session:
        assert "journey" not in session
    assert db.session.scalars(select(Response)).all() == []


def test_youth_under_15_with_confirmation_may_start(make_collection, client):
    make_collection(audience="youth", guardian_consent=True, guardians_confirmed=True)
    client.get("/s/summer?lang=en")
    client.post("/s/summer/consent", data={"age_band": "under_15"})
    assert client.post("/s/summer/consent", data={"answer": "yes"}).location.endswith("/s/summer/p/1")


def test_parents_are_not_asked_an_age_band(make_collection, client):
    make_collection(audience="parent")
    client.get("/s/summer?lang=en")
    page = client.get("/s/summer/consent").text
    assert "How old are you?" not in page and "Do you want to answer the questions?" in page


def test_a_childrens_collection_is_not_a_public_link(make_collection):
    from survey.fieldwork.operations import CollectionError
    collection = make_collection("kids", audience="child")
    assert collection.channel == "tablet" and not collection.offered_as_link
    with pytest.raises(CollectionError, match="cannot be a public link"):
        make_collection("kids-link", audience="child", channel="both")
