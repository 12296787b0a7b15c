"""Administrators manage accounts in the browser: add with a one-time password, change a role,
disable; each change ends the account's sessions and is audited."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey.audit.models import AuditRecord
from survey.auth.accounts import find_user
from survey.extensions import db


def audited(action: str) -> list[AuditRecord]:
    return list(db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)))


def test_an_admin_adds_a_coordinator_and_sees_the_one_time_password_once(client, staff):
    staff.sign_in("admin")
    reply = client.post("/staff/users/", data={"username": "amina", "role": "coordinator"})
    password = re.search(r'id="one-time-password">([^<]+)<', reply.text).group(1)
    user = find_user("amina")
    assert user.role == "coordinator" and user.must_change_password
    assert password not in user.password_hash and password not in client.get("/staff/users/").text
    assert audited("user.create")[-1].actor.startswith("admin-")


def test_the_new_coordinator_signs_in_with_it_and_must_choose_a_password(app, client, staff):
    staff.sign_in("admin")
    reply = client.post("/staff/users/", data={"username": "amina", "role": "coordinator"})
    password = re.search(r'id="one-time-password">([^<]+)<', reply.text).group(1)
    other = app.test_client()
    other.post("/staff/login", data={"username": "amina", "password": password})
    assert other.get("/staff/collections/").location.endswith("/staff/password")


def test_a_taken_user_name_is_refused_clearly(client, staff):
    staff.sign_in("admin")
    staff.create("amina")
    reply = client.post("/staff/users/", data={"username": "amina", "role": "partner"}, follow_redirects=True)
    assert "is taken" in reply.text and find_user("amina").role == "coordinator"


def test_changing_a_role_ends_the_accounts_sessions(app, client, staff):
    staff.sign_in("admin")
    staff.create("amina", "coordinator", "a-long-enough-passphrase")
    theirs = app.test_client()
    theirs.post("/staff/login", data={"username": "amina", "password": "a-long-enough-passphrase"})
    client.post(f"/staff/users/{find_user('amina').id}/role", data={"role": "partner"})
    assert find_user("amina").role == "partner"
    assert "/staff/login" in theirs.get("/staff/").location
    assert audited("user.role")[-1].detail == "coordinator -> partner"


def test_disabling_signs_the_account_out_and_keeps_it_out(app, client, staff):
    staff.sign_in("admin")
    staff.create("amina", "coordinator", "a-long-enough-passphrase")
    theirs = app.test_client()
    theirs.post("/staff/login", data={"username": "amina", "password": "a-long-enough-passphrase"})
    client.post(f"/staff/users/{find_user('amina').id}/disable")
    assert not find_user("amina").active
    assert "/staff/login" in theirs.get("/staff/").location
    again = theirs.post("/staff/login", data={"username": "amina", "password": "a-long-enough-passphrase"})
    assert again.status_code == 200 and audited("user.disable")


def test_an_admin_cannot_disable_themselves(client, staff):
    name = staff.sign_in("admin")
    client.post(f"/staff/users/{find_user(name).id}/disable")
    assert find_user(name).active


def test_a_coordinator_cannot_manage_accounts(client, staff):
    staff.sign_in("coordinator")
    assert client.get("/staff/users/").status_code == 403
    assert client.post("/staff/users/", data={"username": "x", "role": "admin"}).status_code == 403
