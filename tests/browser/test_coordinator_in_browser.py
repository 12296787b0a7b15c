"""The coordinator's evening in a real browser: sign in, create a collection for tonight, open it,
print its poster and see its link and QR code; an admin adds a coordinator; a partner cannot
create a collection. The poster's QR code, rendered to PNG, decodes back to the collection's link."""
from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

import pytest

from survey.extensions import db

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "a-long-enough-passphrase"
DESKTOP = {"width": 1280, "height": 900}


def keep(path: Path, name: str) -> None:
    """Screenshots are always taken; copied into docs/ when UPDATE_SCREENSHOTS=1."""
    assert path.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / name)


@pytest.fixture(scope="module")
def library(live_app):
    """The real questionnaires of forms/, as `flask forms load` puts them in."""
    from survey.i18n import languages
    from survey.paths import forms_dir
    from survey.questionnaires.loader import load_directory
    from survey.questionnaires.versions import store_definition
    with live_app.app_context():
        for result in load_directory(forms_dir(), languages()):
            store_definition(result.definition)
        db.session.commit()


def account(live_app, role: str) -> str:
    from survey.auth.accounts import create_user, set_password
    name = f"{role}-{uuid.uuid4().hex[:6]}"
    with live_app.app_context():
        user, _one_time = create_user(name, role, actor_name="test")
        set_password(user, PASSWORD)
        db.session.commit()
    return name


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/staff/login")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()


def test_a_coordinator_creates_opens_and_prints_tonights_collection(live_server, live_app, library, desktop,
                                                                      tmp_path):
    page = desktop
    sign_in(page, live_server, account(live_app, "coordinator"))
    page.locator("a[href$='/staff/collections/new']").click()

    page.locator("select[name=form_id]").select_option("youth")
    page.locator("input[name=activity]").fill(f"Eidfest {uuid.uuid4().hex[:4]}")
    page.locator("input[name=languages][value=en]").uncheck()
    page.locator("form.staff-form button[type=submit]").click()

    assert "/staff/collections/" in page.url
    # a youth collection asks the coordinator, in their own language, for the guardians' confirmation
    page.locator("input[name=guardians]").check()
    page.locator("form[action$='/open'] button").click()
    assert page.locator(".state-open").count() == 1
    assert page.locator("input[name=guardians]").count() == 0

    link = page.locator(".public-link a").get_attribute("href")
    assert re.fullmatch(rf"{live_server}/s/eidfest-[0-9a-f]{{4}}-\d{{4}}-\d\d-\d\d", link)
    qr = page.locator("img.qr-preview")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(tmp_path / "collection-page.png"), full_page=True)
    keep(tmp_path / "collection-page.png", "collection-page.png")

    page.locator("a[href$='/poster']").first.click()
    assert page.locator(".invitations li").count() == 4
    assert [li.get_attribute("dir") for li in page.locator(".invitations li").all()] == ["ltr", "rtl", "ltr", "rtl"]
    assert page.locator(".short-link").inner_text() == link
    page.emulate_media(media="print")
    assert page.locator("nav.no-print").is_hidden()
    shot = tmp_path / "poster.png"
    page.locator("article.poster").screenshot(path=str(shot))
    assert decoded(shot) == link


def decoded(png: Path) -> str:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    found = zxingcpp.read_barcodes(Image.open(png))
    assert len(found) == 1, found
    return found[0].text


def test_the_committed_poster_in_four_languages_decodes_to_the_collections_link(live_server, live_app, library,
                                                                               browser, tmp_path):
    """Renders docs/screenshots/poster-sv-ar-so-fa.png (A4 at 96 dpi) and reads its QR code back."""
    from survey.fieldwork.operations import create_collection
    from survey.i18n import ui_languages
    with live_app.app_context():
        slug = f"foraldrakvall-{uuid.uuid4().hex[:2]}"
        create_collection(slug, "parent", activity="Föräldrakväll i Vänskapshuset", wave="event",
                          languages=["sv", "ar", "so", "fa"], ui_languages=ui_languages(), actor_name="test")
        db.session.commit()
    context = browser.new_context(viewport={"width": 794, "height": 1123}, locale="sv-SE")
    page = context.new_page()
    sign_in(page, live_server, account(live_app, "coordinator"))
    live_app.config["PUBLIC_URL"] = "https://enkat.example.org"   # where phones reach the server
    try:
        page.goto(f"{live_server}/staff/collections/{slug}/poster")
    finally:
        live_app.config["PUBLIC_URL"] = ""
    page.emulate_media(media="print")
    shot = tmp_path / "poster-sv-ar-so-fa.png"
    page.screenshot(path=str(shot), full_page=True)
    context.close()
    assert decoded(shot) == f"https://enkat.example.org/s/{slug}"
    keep(shot, "poster-sv-ar-so-fa.png")


def test_the_preview_shows_persian_beside_swedish_with_drafts_marked(live_server, live_app, library, desktop,
                                                                    tmp_path):
    from survey.fieldwork.operations import create_collection
    from survey.i18n import ui_languages
    with live_app.app_context():
        slug = f"preview-{uuid.uuid4().hex[:4]}"
        create_collection(slug, "parent", activity="Föräldrakväll", wave="event", ui_languages=ui_languages(),
                          actor_name="test")
        db.session.commit()
    page = desktop
    sign_in(page, live_server, account(live_app, "coordinator"))
    page.goto(f"{live_server}/staff/collections/{slug}/")
    page.locator("a[href$='/preview']").click()
    page.locator("select[name=lang]").select_option("fa")
    page.locator("form.inline button").click()
    assert page.locator("td[lang=fa][dir=rtl]").count() > 40
    assert page.locator("td[lang=fa] .mark.draft").count() > 0
    page.screenshot(path=str(tmp_path / "preview-fa.png"))
    keep(tmp_path / "preview-fa.png", "preview-fa.png")


def test_an_admin_adds_a_coordinator_who_signs_in_with_the_one_time_password(live_server, live_app, desktop,
                                                                              browser):
    page = desktop
    sign_in(page, live_server, account(live_app, "admin"))
    page.locator("a[href$='/staff/users/']").first.click()
    name = f"amina-{uuid.uuid4().hex[:4]}"
    page.locator("input[name=username]").fill(name)
    page.locator("select[name=role]").first.select_option("coordinator")
    page.locator("form[action$='/staff/users/'] button").click()
    one_time = page.locator("#one-time-password").inner_text()
    assert len(one_time) >= 12

    context = browser.new_context(viewport=DESKTOP)
    theirs = context.new_page()
    sign_in(theirs, live_server, name, one_time)
    assert theirs.url.endswith("/staff/password")
    context.close()


def test_a_partner_cannot_create_a_collection(live_server, live_app, desktop):
    page = desktop
    sign_in(page, live_server, account(live_app, "partner"))
    assert page.locator("a[href$='/staff/collections/new']").count() == 0
    reply = page.goto(f"{live_server}/staff/collections/new")
    assert reply.status == 403
