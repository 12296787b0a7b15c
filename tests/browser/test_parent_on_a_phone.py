"""A parent on their own phone (360x640): Somali preselected from the browser, leaving at page 3 and
continuing after re-opening the link; Persian with its own digits, typed and shown."""
from __future__ import annotations

import uuid

import pytest

from survey.extensions import db

PHONE = {"width": 360, "height": 640}
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.fixture(scope="module")
def parents_evening(live_app):
    from survey.fieldwork.operations import create_collection
    from survey.i18n import languages, ui_languages
    from survey.paths import forms_dir
    from survey.questionnaires.loader import load_file
    from survey.questionnaires.versions import store_definition
    with live_app.app_context():
        store_definition(load_file(forms_dir() / "parent.yaml", languages()).definition)
        slug = f"parents-{uuid.uuid4().hex[:4]}"
        create_collection(slug, "parent", activity="Föräldrakväll", wave="event", ui_languages=ui_languages(),
                          actor_name="test")
        db.session.commit()
    return slug


def phone(browser, locale: str):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale=locale)
    return context


def test_a_somali_parent_leaves_at_page_3_and_continues_after_reopening_the_link(live_server, browser,
                                                                                  parents_evening):
    context = phone(browser, "so-SO")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/s/{parents_evening}")      # scanned from the poster
    assert page.locator("html").get_attribute("lang") == "so"
    assert page.locator(".language-switch a[lang=ar]").is_visible()
    page.locator("button[value=yes]").click()

    page.locator("input[name=birth_year]").fill("1986")
    page.locator("input[name=gender][value='1']").check(force=True)
    page.locator("button[value=next]").click()
    page.locator("input[name=has_children][value='1']").check(force=True)
    page.locator("button[value=next]").click()
    assert page.url.endswith("/p/3")
    page.close()                                         # the parent puts the phone away

    again = context.new_page()
    again.set_default_timeout(10_000)
    again.goto(f"{live_server}/s/{parents_evening}")     # and scans the poster again later
    assert again.locator("form[action$='/restart']").is_visible()
    again.locator(f"a[href='/s/{parents_evening}/p/3']").click()
    assert again.url.endswith("/p/3") and again.locator("html").get_attribute("lang") == "so"
    again.locator("button[value=back]").click()
    assert again.locator("input[name=has_children][value='1']").is_checked()
    again.locator("button[value=back]").click()
    assert again.locator("input[name=birth_year]").input_value() == "1986"
    context.close()


def test_a_persian_parent_sees_and_types_persian_digits(live_server, browser, parents_evening):
    context = phone(browser, "fa-IR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/s/{parents_evening}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("button[value=yes]").click()

    progress = page.locator(".progress-text").inner_text()
    assert progress.startswith("صفحه ۱ از ") and not any(c.isascii() and c.isdigit() for c in progress)
    page.locator("input[name=birth_year]").fill("1986".translate(PERSIAN))
    page.locator("input[name=gender][value='2']").check(force=True)
    page.locator("button[value=next]").click()
    assert page.url.endswith("/p/2")
    assert page.locator(".progress-text").inner_text().startswith("صفحه ۲ از ")

    page.locator("button[value=back]").click()
    page.locator("input[name=birth_year]").fill("1700".translate(PERSIAN))
    page.locator("button[value=next]").click()
    error = page.locator("#birth_year-error").inner_text()
    assert "۱۹" in error and not any(c.isascii() and c.isdigit() for c in error)
    context.close()
