"""A researcher exports a dataset in a real browser: sign in, follow the page's own links, read the
anonymization report, download the file."""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest

from survey.extensions import db
from survey.fieldwork.operations import create_collection
from survey.i18n import ui_languages

from datasets.conftest import varied_answers
from factories import load_fixture_form

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def answered_collection(live_app, tmp_path):
    """A collection with 12 responses posted to the API, and a researcher; EXPORTS_DIR in tmp_path."""
    from survey.auth.accounts import create_user, set_password
    previous = live_app.config["EXPORTS_DIR"]
    live_app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    slug = f"sommar-{os.urandom(3).hex()}"
    with live_app.app_context():
        from survey.questionnaires.versions import latest_version
        if latest_version("allkinds") is None:
            load_fixture_form("allkinds")
        create_collection(slug, "allkinds", activity="Bästa sommaren 2026", wave="baseline",
                          ui_languages=ui_languages(), guardian_consent=False)
        username = f"forskare-{uuid.uuid4().hex[:4]}"
        user, _ = create_user(username, "researcher", actor_name="test")
        set_password(user, "a-long-enough-passphrase")
        db.session.commit()
    api = live_app.test_client()
    for answers in varied_answers(12):
        reply = api.post(f"/api/v1/collections/{slug}/responses",
                         json={"client_id": uuid.uuid4().hex, "language": "sv", "channel": "tablet", "answers": answers})
        assert reply.status_code == 201, reply.json
    yield slug, username
    live_app.config["EXPORTS_DIR"] = previous


def test_researcher_exports_and_downloads_with_the_report_shown(live_server, browser, answered_collection, tmp_path):
    slug, username = answered_collection
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server}/staff/login")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill("a-long-enough-passphrase")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Export data").click()

        page.get_by_label(slug, exact=False).check()
        page.locator("select[name=format]").select_option("csv")
        page.get_by_role("button", name="Prepare the export").click()

        report = page.locator(".export-report")
        assert "Anonymized by k-anonymity with k=5" in report.inner_text()
        assert "5 / 12" in report.inner_text()
        shot = tmp_path / "export-page-report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, SCREENSHOTS / shot.name)

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the file").click()
        saved = tmp_path / download_info.value.suggested_filename
        download_info.value.save_as(saved)
        frame = pd.read_csv(saved)
        assert len(frame) == 12 and sorted(frame["visits"]) == sorted(a["visits"] for a in varied_answers(12))
    finally:
        context.close()
