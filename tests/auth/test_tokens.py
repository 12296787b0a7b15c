"""API tokens: made and revoked on the staff page and by `flask tokens`, stored hashed, shown once."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.audit.models import AuditRecord
from survey.auth.tokens import ApiToken
from survey.extensions import db

EXPORT = "/api/v1/collections/summer/export.csv"


@pytest.fixture(autouse=True)
def exports_dir(app, tmp_path):
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")


def tokens_page(client) -> str:
    home = client.get("/staff/", follow_redirects=True).text
    return re.search(r'<a href="([^"]+)">API tokens</a>', home).group(1)


def new_token(client, name="R script") -> tuple[str, str]:
    page = tokens_page(client)
    reply = client.post(page, data={"name": name})
    secret = re.search(r'value="(ksh_[^"]+)"', reply.text).group(1)
    return page, secret


def test_a_token_made_on_the_page_is_shown_once_and_stored_only_as_a_hash(client, staff):
    staff.sign_in("researcher")
    page, secret = new_token(client)
    (token,) = db.session.scalars(select(ApiToken))
    assert secret not in (token.token_hash, token.name) and len(token.token_hash) == 64
    assert secret not in client.get(page).text


def test_a_token_made_on_the_page_fetches_exports(client, staff, make_collection):
    make_collection("summer")
    staff.sign_in("researcher")
    _page, secret = new_token(client)
    client.post("/staff/logout")
    reply = client.get(EXPORT, headers={"Authorization": f"Bearer {secret}"})
    assert reply.status_code == 422   # known and allowed; refused only for having too few responses


def test_revoking_on_the_page_makes_the_token_401(client, staff, make_collection):
    make_collection("summer")
    staff.sign_in("researcher")
    page, secret = new_token(client)
    html = client.get(page).text
    revoke = re.search(r'<form method="post" action="([^"]+/revoke)"', html).group(1)
    client.post(revoke)
    client.post("/staff/logout")
    assert client.get(EXPORT, headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert [r.action for r in db.session.scalars(select(AuditRecord).where(AuditRecord.action.like("token.%")))] \
        == ["token.create", "token.revoke"]


def test_a_researcher_cannot_revoke_someone_elses_token(client, staff):
    staff.sign_in("researcher")
    new_token(client)
    (token,) = db.session.scalars(select(ApiToken))
    client.post("/staff/logout")
    staff.sign_in("researcher")
    assert client.post(f"/staff/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.active


def test_the_cli_creates_a_token_that_works_and_revokes_it(runner, staff, make_collection, client):
    make_collection("summer")
    staff.create("rita", "researcher")
    made = runner.invoke(args=["tokens", "create", "rita", "--name", "R"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(EXPORT, headers=headers).status_code == 422
    token_id = re.search(r"token (\d+)", made.output).group(1)
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 0
    assert client.get(EXPORT, headers=headers).status_code == 401


def test_the_cli_refuses_a_token_for_a_role_that_cannot_export(runner, staff):
    staff.create("cora", "coordinator")
    made = runner.invoke(args=["tokens", "create", "cora"])
    assert made.exit_code != 0 and "may not export data" in made.output


def test_the_cli_lists_tokens_without_their_secrets(runner, staff):
    staff.create("rita", "researcher")
    secret = runner.invoke(args=["tokens", "create", "rita", "--collection", "summer"]).output.strip().splitlines()[-1]
    listed = runner.invoke(args=["tokens", "list", "rita"]).output
    assert "summer" in listed and "active" in listed and secret not in listed
