"""Staff sign-in: argon2 hashes, a one-time password that must be changed, and `demo setup`."""
from __future__ import annotations

import re

import pytest

from survey.extensions import db
from survey.models import StaffUser
from survey.auth.accounts import authenticate, create_user


@pytest.fixture
def client(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"   # staff pages follow the browser's language
    return client


def test_demo_setup_creates_the_demo_collection_and_prints_the_admin_password(runner, app):
    runner.invoke(args=["forms", "load"])
    result = runner.invoke(args=["demo", "setup"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5000/s/demo" in result.output
    password = re.search(r"one-time password: (\S+)", result.output).group(1)
    assert authenticate("admin", password) is not None
    again = runner.invoke(args=["demo", "setup"])
    assert "one-time password" not in again.output and "reset-password" in again.output


def test_passwords_are_stored_as_argon2_hashes(app):
    user, password = create_user("anna")
    db.session.commit()
    assert user.password_hash.startswith("$argon2")
    assert password not in user.password_hash
    assert authenticate("anna", "wrong") is None and authenticate("nobody", password) is None


def test_first_sign_in_requires_a_new_password(client, app):
    _user, password = create_user("anna")
    db.session.commit()
    reply = client.post("/staff/login", data={"username": "anna", "password": password})
    assert reply.location.endswith("/staff/")
    assert client.get("/staff/").location.endswith("/staff/password")
    short = client.post("/staff/password", data={"password": "short", "confirm": "short"})
    assert "At least 12 characters." in short.text
    client.post("/staff/password", data={"password": "a-long-passphrase", "confirm": "a-long-passphrase"})
    assert client.get("/staff/", follow_redirects=True).status_code == 200
    assert StaffUser.query.filter_by(username="anna").one().must_change_password is False


def test_overview_needs_sign_in(client, app):
    assert "/staff/login" in client.get("/staff/").location


def test_wrong_password_is_refused(client, app):
    create_user("anna")
    db.session.commit()
    reply = client.post("/staff/login", data={"username": "anna", "password": "guess"})
    assert reply.status_code == 200 and "Wrong user name or password." in reply.text
