"""A child fills the questionnaire on a tablet in a real browser, in Arabic and in Swedish."""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from survey.i18n import answer_message
from survey.models import Response
from survey.questionnaires.errors import AnswerError

from factories import confirmed_children_collection

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def collection(live_app):
    return confirmed_children_collection(live_app, "summer")


def keep_screenshot(page, name: str, tmp_path: Path) -> None:
    """Always taken; copied into docs/ when UPDATE_SCREENSHOTS=1 (make screenshots)."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOTS / name)


def expected_message(live_app, code: str, lang: str) -> str:
    with live_app.test_request_context(), force_locale(lang):
        return answer_message(AnswerError(code))


def test_child_answers_in_arabic_on_a_tablet(live_server, live_app, tablet, collection, db_session, tmp_path):
    page = tablet
    page.goto(f"{live_server}/s/{collection}")
    keep_screenshot(page, "language-picker-tablet.png", tmp_path)
    page.get_by_role("link", name="العربية").click()

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    keep_screenshot(page, "consent-ar-tablet.png", tmp_path)
    # the child's own yes or no, and nothing else: the guardians' agreement was confirmed by an adult
    assert page.locator("input[name=guardians]").count() == 0
    page.locator("button[value=yes]").click()

    # page 1: year of birth typed with Arabic-Indic digits, gender chosen by tapping its label
    assert page.locator("html").get_attribute("dir") == "rtl"
    year = str(date.today().year - 9).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    page.locator("input[name=birth_year]").fill(year)
    page.get_by_text("بنت", exact=True).click()
    page.locator("button[value=next]").click()

    # page 2: the smiley is required; the message comes in Arabic next to the item
    page.locator("button[value=next]").click()
    error = page.locator("#item-day_face .error")
    assert error.inner_text() == expected_message(live_app, "required", "ar")
    assert error.inner_text() != "Please answer this question."
    page.locator("#item-day_face .option").nth(3).click()
    page.locator("#item-can_solve .option").nth(2).click()
    page.get_by_text("رياضة", exact=True).click()
    keep_screenshot(page, "questionnaire-ar-tablet.png", tmp_path)
    page.locator("button[value=next]").click()

    # page 3: shown because the smiley was answered; the sport question because sport was ticked
    assert page.locator("input[name=sport_kind]").is_visible()
    page.locator("input[name=visits]").fill("3")
    page.locator("input[name=sport_kind]").fill("كرة القدم")
    page.get_by_text("نعم", exact=True).click()
    page.locator("button[value=next]").click()
    page.locator("#item-se_a .option").nth(3).click()
    page.locator("button[value=next]").click()

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() != ""
    stored = db_session.scalars(select(Response).where(Response.language == "ar")).all()
    assert len(stored) == 1
    answers = stored[0].answers
    assert answers["birth_year"] == date.today().year - 9
    assert answers["gender"] == 1 and answers["day_face"] == 4 and answers["activities"] == ["sport"]
    assert answers["sport_kind"] == "كرة القدم" and answers["come_back"] == 1

    # the tablet keeps nothing of this child (not even a cookie), and the next child starts afresh
    assert [cookie for cookie in page.context.cookies() if cookie["name"] == "session"] == []
    page.locator("a.big-button").click()
    page.get_by_role("link", name="Svenska").click()
    page.locator("button[value=yes]").click()
    assert page.locator("input[name=birth_year]").input_value() == ""
    assert page.locator("input[name=gender]:checked").count() == 0


def test_swedish_page_reads_left_to_right(live_server, tablet, collection, tmp_path):
    page = tablet
    page.goto(f"{live_server}/s/{collection}?lang=sv")
    page.locator("button[value=yes]").click()
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.locator("input[name=birth_year]").fill(str(date.today().year - 9))
    page.locator("button[value=next]").click()
    page.locator("#item-day_face .option").nth(2).click()
    page.locator("#item-can_solve .option").nth(3).click()
    keep_screenshot(page, "questionnaire-sv-tablet.png", tmp_path)
    assert page.locator("progress").get_attribute("value") == "2"
