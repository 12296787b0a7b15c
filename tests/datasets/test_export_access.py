"""Who may take data out, by each path, and the audit record every export leaves."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.audit.models import AuditRecord
from survey.extensions import db

from .conftest import bearer

URL = "/api/v1/collections/summer/export.csv"


def audit(action: str) -> list[AuditRecord]:
    return list(db.session.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)))


# -- the API ---------------------------------------------------------------------------------------
def test_the_api_without_a_token_or_sign_in_is_401_json(answered, client):
    reply = client.get(URL)
    assert reply.status_code == 401 and reply.json["error"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer ksh_forged-token-0123456789", "Bearer ", "Basic dXNlcjpwYXNz", "ksh_x"])
def test_the_api_with_a_forged_or_malformed_token_is_401_json(answered, client, header):
    reply = client.get(URL, headers={"Authorization": header})
    assert reply.status_code == 401 and reply.is_json


def test_a_revoked_token_is_401(answered, client, token_for):
    from survey.auth.tokens import ApiToken, revoke_token
    user, secret = token_for("researcher")
    assert client.get(URL, headers=bearer(secret)).status_code == 200
    revoke_token(db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)), actor_name="test")
    db.session.commit()
    assert client.get(URL, headers=bearer(secret)).status_code == 401


def test_the_token_of_a_disabled_account_is_401(answered, client, token_for):
    user, secret = token_for("researcher")
    user.active = False
    db.session.commit()
    assert client.get(URL, headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("role, status", [("researcher", 200), ("admin", 200), ("coordinator", 403), ("partner", 403)])
def test_each_roles_token_gets_what_the_role_may(answered, client, token_for, role, status):
    _user, secret = token_for(role)
    reply = client.get(URL, headers=bearer(secret))
    assert reply.status_code == status
    if status == 403:
        assert reply.is_json and reply.json["error"] == "forbidden"


def test_a_forged_token_is_401_even_with_a_signed_in_cookie(answered, client, staff):
    staff.sign_in("researcher")
    assert client.get(URL).status_code == 200
    assert client.get(URL, headers=bearer("ksh_forged")).status_code == 401


def test_a_token_scoped_to_other_collections_is_403_here(answered, client, token_for):
    _user, secret = token_for("researcher", collections=["winter"])
    reply = client.get(URL, headers=bearer(secret))
    assert reply.status_code == 403 and reply.is_json


def test_a_token_scoped_to_this_collection_works(answered, client, token_for):
    _user, secret = token_for("researcher", collections=["summer"])
    assert client.get(URL, headers=bearer(secret)).status_code == 200


def test_an_unknown_format_or_collection_is_404_json(answered, client, token_for):
    _user, secret = token_for("researcher")
    assert client.get("/api/v1/collections/summer/export.xlsx", headers=bearer(secret)).status_code == 404
    reply = client.get("/api/v1/collections/nowhere/export.csv", headers=bearer(secret))
    assert reply.status_code == 404 and reply.json["error"] == "unknown_collection"


def test_a_refused_export_is_422_with_the_reason_and_recorded(make_collection, submit, client, token_for):
    make_collection("summer")
    submit("summer")
    _user, secret = token_for("researcher")
    reply = client.get(URL, headers=bearer(secret))
    assert reply.status_code == 422 and reply.json["error"] == "export_refused"
    assert len(audit("export.refused")) == 1


def test_an_api_export_writes_one_audit_record_with_who_what_format_k_and_rows(answered, client, token_for):
    user, secret = token_for("researcher")
    client.get(URL + "?k=4", headers=bearer(secret))
    records = audit("export.create")
    assert len(records) == 1
    assert records[0].actor == user.username and records[0].object_id == "allkinds"
    assert "collections summer; format csv; k 4; rows 12" in records[0].detail


# -- the command line ------------------------------------------------------------------------------
def test_a_cli_export_writes_an_audit_record(answered, runner, tmp_path):
    result = runner.invoke(args=["export", "summer", "--format", "sav", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    (entry,) = audit("export.create")
    assert entry.actor == "cli" and "format sav; k 5; rows 12" in entry.detail


def test_a_refusal_is_printed_plainly_with_a_failing_exit_code(answered, runner, tmp_path):
    result = runner.invoke(args=["export", "summer", "--k", "20", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code != 0 and "Export refused:" in result.output
    assert not list(tmp_path.iterdir())
    assert len(audit("export.refused")) == 1


def test_k_below_three_is_refused_before_anything_is_read(answered, runner, tmp_path):
    result = runner.invoke(args=["export", "summer", "--k", "2", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code != 0 and "never goes below k=3" in result.output


def test_collections_of_different_questionnaires_are_not_mixed(answered, make_collection, runner, tmp_path):
    from pathlib import Path

    from survey.i18n import languages
    from survey.questionnaires.loader import load_file
    from survey.questionnaires.versions import store_definition
    store_definition(load_file(Path(__file__).resolve().parents[2] / "forms" / "event_feedback.yaml",
                               languages()).definition)
    db.session.commit()
    make_collection("feedback", form="event_feedback")
    result = runner.invoke(args=["export", "summer", "feedback", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code != 0
    assert "different questionnaires: summer (allkinds), feedback (event_feedback)" in result.output


def test_a_pseudonymized_export_needs_an_admins_approval(answered, app, runner, staff, tmp_path):
    app.config["LINK_KEY_SECRET"] = "a-server-key-of-enough-length"
    staff.create("rita", "researcher")
    result = runner.invoke(args=["export", "summer", "--link-key-item", "sport_kind", "--approved-by", "rita",
                                 "--out", str(tmp_path), "--quiet"])
    assert result.exit_code != 0 and "not an active admin" in result.output
    assert not list(tmp_path.iterdir()) and not audit("export.pseudonymized_approved")


def test_an_approved_pseudonymized_export_is_recorded_and_says_so(answered, app, runner, staff, tmp_path):
    app.config["LINK_KEY_SECRET"] = "a-server-key-of-enough-length"
    staff.create("ada", "admin")
    result = runner.invoke(args=["export", "summer", "--format", "csv", "--link-key-item", "sport_kind",
                                 "--approved-by", "ada", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "PSEUDONYMIZED, NOT ANONYMOUS" in result.output
    (approval,) = audit("export.pseudonymized_approved")
    assert approval.object_id == "ada" and "sport_kind" in approval.detail
    (written,) = tmp_path.iterdir()
    assert written.name == "allkinds-pseudonymized.csv"
    assert b"a-server-key" not in written.read_bytes() and b"fotboll" not in written.read_bytes()
    assert "PSEUDONYMIZED" in audit("export.create")[0].detail


def test_a_pseudonymized_export_without_a_server_key_is_refused(answered, app, runner, staff, tmp_path):
    app.config["LINK_KEY_SECRET"] = ""
    staff.create("ada", "admin")
    result = runner.invoke(args=["export", "summer", "--link-key-item", "sport_kind", "--approved-by", "ada",
                                 "--out", str(tmp_path), "--quiet"])
    assert result.exit_code != 0 and "LINK_KEY_SECRET" in result.output


# -- the staff page --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["coordinator", "partner"])
def test_the_export_page_is_403_for_roles_without_export(client, staff, role):
    staff.sign_in(role)
    assert client.get("/staff/exports/").status_code == 403


def test_the_export_page_sends_anonymous_visitors_to_sign_in(client):
    assert "/staff/login" in client.get("/staff/exports/").location
