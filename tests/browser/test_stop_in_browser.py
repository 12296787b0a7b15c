"""A child presses "Stop and leave the survey" mid-way on a tablet, in Arabic: asked first, can go
back, and once stopped sees it said in Arabic with nothing kept."""
from __future__ import annotations

import os
from datetime import date

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from survey.extensions import db
from survey.auth.accounts import create_user
from survey.fieldwork.operations import confirm_guardian_consent, create_collection
from survey.i18n import ui_languages
from survey.models import Response

from factories import load_fixture_form


@pytest.fixture
def collection(live_app):
    with live_app.app_context():
        load_fixture_form("allkinds")
        slug = f"stop-{os.urandom(3).hex()}"
        collection = create_collection(slug, "allkinds", activity="Bästa sommaren 2026", wave="baseline",
                                       ui_languages=ui_languages(), guardian_consent=True, audience="child")
        # the coordinator, signed in, has confirmed that the guardians agreed (never the child's screen)
        adult, _password = create_user(f"adult-{slug}", "coordinator", actor_name="test")
        confirm_guardian_consent(collection, actor=adult)
        db.session.commit()
        return slug


def arabic(live_app, text: str) -> str:
    with live_app.test_request_context(), force_locale("ar"):
        translated = gettext(text)
    assert translated != text
    return translated


def test_a_child_stops_mid_way_in_arabic_and_nothing_is_kept(live_server, live_app, tablet, collection, db_session):
    page = tablet
    page.goto(f"{live_server}/s/{collection}?lang=ar")
    page.locator("button[value=yes]").click()
    page.locator("input[name=birth_year]").fill(str(date.today().year - 9))
    page.locator("button[value=next]").click()
    page.locator("#item-day_face .option").nth(2).click()

    page.locator("p.stop a").click()
    assert page.locator("h1").inner_text() == arabic(live_app, "Stop the survey?")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("link", name=arabic(live_app, "No, go back")).click()
    assert page.url.endswith(f"/s/{collection}/p/2")

    page.locator("p.stop a").click()
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name=arabic(live_app, "Yes, stop")).click()
    assert sent.value.status == 200
    assert page.locator("h1").inner_text() == arabic(live_app, "The survey is stopped")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"

    # the unfinished answers are gone: the questionnaire starts again from the language picker
    page.goto(f"{live_server}/s/{collection}/p/1")
    assert page.url.endswith(f"/s/{collection}")
    assert db_session.scalar(select(func.count(Response.id)).where(Response.collection.has(slug=collection))) == 0
