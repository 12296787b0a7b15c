"""Results in a real browser: a young person opens the results page in Arabic on a phone, and a
partner sees small groups marked as hidden."""
from __future__ import annotations

import os
import random
import shutil
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app

from survey.extensions import db
from survey.fieldwork.operations import create_collection
from survey.i18n import languages, ui_languages
from survey.questionnaires.answers import check_answers
from survey.questionnaires.loader import load_file
from survey.questionnaires.versions import latest_version, store_definition
from survey.responses.intake import Submission, store_once
from survey.results.publishing import set_published
from survey.results.scope import set_scope
from survey.results.synthetic import synthetic_answers
from survey.results.tallies import catch_up

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 360, "height": 640}


def keep_screenshot(page, name: str, tmp_path: Path) -> None:
    """Always taken; copied into docs/ when UPDATE_SCREENSHOTS=1."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOTS / name)


def youth_collection(slug: str, activity: str, genders: list[int], safe_share: float, closed: bool):
    """A youth collection with synthetic answers stored and counted (dates in its own past)."""
    if latest_version("youth") is None:
        store_definition(load_file(ROOT / "forms" / "youth.yaml", languages()).definition)
    yesterday = date.today() - timedelta(days=1)
    collection = create_collection(slug, "youth", activity=activity, wave="follow-up", ui_languages=ui_languages(),
                                   opens_on=yesterday - timedelta(days=30), closes_on=yesterday if closed else None,
                                   guardian_consent=False)
    rng = random.Random(slug)
    definition = collection.version.parsed
    for index, gender in enumerate(genders):
        answers = synthetic_answers(definition, rng)
        answers.update(gender=gender, safe_meeting_place=4 if index % 10 < safe_share * 10 else 1)
        answers = check_answers(definition, answers).answers
        moment = datetime.combine(yesterday, datetime.min.time()).replace(hour=12)
        submission = Submission(uuid.uuid4().hex, "ar", "tablet", answers, None, moment)
        store_once(collection, collection.version, submission, answers, moment)
    while catch_up(current_app.config["TIMEZONE"]):
        pass
    db.session.commit()
    return collection


def test_a_young_person_reads_the_results_in_arabic_on_a_phone(live_server, live_app, browser, tmp_path):
    with live_app.app_context():
        slug = f"unga-{os.urandom(3).hex()}"
        collection = youth_collection(slug, "Ungdomsforum", [1] * 14 + [2] * 12 + [3] * 10, 0.7, closed=True)
        set_published(collection, True, actor_name="test")
        db.session.commit()
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        # the way a respondent gets there: the link on the thank-you page, in their language
        page.goto(f"{live_server}/s/{slug}/thanks?lang=ar")
        page.locator(f"a[href^='/s/{slug}/results']").click()
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("html").get_attribute("lang") == "ar"
        # the indicator's own sentence for participants, in Arabic
        assert page.get_by_text("يشعرون بالأمان في Vänskapshuset").first.is_visible()
        # a chart with a bar per group, its labels the questionnaire's own Arabic words
        chart = page.locator("svg.chart").first
        assert chart.is_visible()
        girls = chart.locator("text", has_text="فتاة")
        assert girls.count() == 1
        # right to left: the group's name stands to the right of its bar
        label_x = float(girls.get_attribute("x"))
        bar_x = float(chart.locator("rect.chart-bar").first.get_attribute("x"))
        assert label_x > bar_x
        # nothing wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        keep_screenshot(page, "results-public-ar-phone.png", tmp_path)
    finally:
        context.close()


def test_a_partner_sees_small_groups_marked_as_hidden(live_server, live_app, browser, tmp_path):
    username = f"partner-{os.urandom(3).hex()}"
    with live_app.app_context():
        from survey.auth.accounts import create_user, set_password
        slug = f"tjejgrupp-{os.urandom(3).hex()}"
        small = youth_collection(slug, "Tjejgrupp", [1] * 11 + [2] * 2 + [9] * 1, 0.6, closed=False)
        user, _ = create_user(username, "partner", actor_name="test")
        set_password(user, "a-long-enough-passphrase")
        set_scope(user, [small], actor_name="test")
        db.session.commit()
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/staff/login")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill("a-long-enough-passphrase")
        page.locator("button[type=submit]").click()
        # a partner lands on the results and sees only the collection they are scoped to
        page.get_by_role("link", name="Tjejgrupp").click()
        assert page.locator("h1").inner_text() == "Tjejgrupp"
        hidden = page.locator(".suppressed")
        assert hidden.count() >= 3
        assert all(hidden.nth(i).is_visible() for i in range(hidden.count()))
        # 2 boys and 1 not stated: hidden in the table, and the chart says so in place of their bars
        assert page.locator("svg.chart .chart-hidden-text").count() >= 2
        assert page.locator("svg.chart rect.chart-bar.boys").count() == 0
        keep_screenshot(page, "results-partner-hidden-cells.png", tmp_path)
    finally:
        context.close()
