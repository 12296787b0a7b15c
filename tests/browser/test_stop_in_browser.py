"""A child presses "Stop and leave the survey" mid-way on a tablet, in Arabic: asked first, can go
back, and once stopped sees it said in Arabic with nothing kept."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from survey.models import Response

from factories import confirmed_children_collection


@pytest.fixture
def collection(live_app):
    return confirmed_children_collection(live_app, "stop")


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
