"""The researcher's export page, followed through the links and forms it renders."""
from __future__ import annotations

import io
import os
import re
import time

import pandas as pd
from sqlalchemy import select

from survey.audit.models import AuditRecord
from survey.extensions import db


def link(html: str, text: str) -> str:
    match = re.search(r'<a[^>]*href="([^"]+)"[^>]*>\s*' + re.escape(text), html)
    assert match, f"no link {text!r}"
    return match.group(1)


def export_page(client) -> str:
    home = client.get("/staff/", follow_redirects=True).text
    return link(home, "Export data")


def test_a_researcher_sees_the_report_before_downloading(answered, client, staff):
    staff.sign_in("researcher")
    page = export_page(client)
    reply = client.post(page, data={"collections": ["summer"], "format": "csv", "k": "5", "wave": ""})
    assert reply.status_code == 200
    assert "Anonymization report" in reply.text and "Anonymized by k-anonymity with k=5" in reply.text
    download = client.get(link(reply.text, "Download the file"))
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert len(pd.read_csv(io.BytesIO(download.data))) == 12


def test_each_page_export_and_download_is_in_the_audit_trail(answered, client, staff):
    who = staff.sign_in("researcher")
    reply = client.post(export_page(client), data={"collections": ["summer"], "format": "sav", "k": "5"})
    client.get(link(reply.text, "Download the file"))
    actions = [(r.action, r.actor) for r in db.session.scalars(select(AuditRecord).where(
        AuditRecord.action.like("export.%")).order_by(AuditRecord.id))]
    assert actions == [("export.create", who), ("export.download", who)]


def test_a_refusal_is_shown_plainly_and_nothing_is_offered(answered, client, staff):
    staff.sign_in("researcher")
    reply = client.post(export_page(client), data={"collections": ["summer"], "format": "csv", "k": "50"})
    assert "The export was refused" in reply.text and "Download the file" not in reply.text


def test_nothing_chosen_gets_a_clear_message(answered, client, staff):
    staff.sign_in("researcher")
    reply = client.post(export_page(client), data={"format": "csv", "k": "5"})
    assert "Choose at least one collection." in reply.text


def test_another_researchers_export_is_not_found(answered, client, staff, app):
    staff.sign_in("researcher")
    reply = client.post(export_page(client), data={"collections": ["summer"], "format": "csv", "k": "5"})
    download = link(reply.text, "Download the file")
    client.post("/staff/logout")
    staff.sign_in("researcher")
    assert client.get(download).status_code == 404


def test_exports_older_than_a_day_are_deleted_at_the_next_export(answered, client, staff, app):
    staff.sign_in("researcher")
    page = export_page(client)
    first = link(client.post(page, data={"collections": ["summer"], "format": "csv", "k": "5"}).text, "Download the file")
    run_dir = app.config["EXPORTS_DIR"] + "/web/" + first.split("/")[-2]
    day_ago = time.time() - 25 * 3600
    os.utime(run_dir, (day_ago, day_ago))
    client.post(page, data={"collections": ["summer"], "format": "csv", "k": "5"})
    assert not os.path.exists(run_dir) and client.get(first).status_code == 404


def test_the_collection_choices_count_responses_in_singular_and_plural(answered, make_collection, submit, client, staff):
    from .conftest import varied_answers
    make_collection("winter")
    assert submit("winter", answers=varied_answers(1)[0]).status_code == 201
    staff.sign_in("researcher")
    page = client.get(export_page(client)).text
    assert "12 responses)" in page
    assert "1 response)" in page and "1 responses" not in page
