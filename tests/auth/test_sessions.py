"""Staff sessions end when they should: a copied cookie is worth nothing after logout, a new
password, disabling or a role change; an idle session expires; sign-in starts a fresh session."""
from __future__ import annotations

import re

import pytest

from survey.auth.access import LAST_SEEN
from survey.auth.accounts import change_role, disable_user, find_user
from survey.clock import epoch_seconds
from survey.extensions import db

from pseudo import pseudo_translate

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def client(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A second browser that got hold of a copy of the cookie."""
    thief = app.test_client()
    thief.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    thief.set_cookie("session", cookie)
    return thief.get("/staff/collections/")


def test_a_replayed_cookie_after_logout_gets_the_sign_in_page(client, app, staff):
    staff.sign_in("coordinator")
    copied = session_cookie(client)
    assert replay(app, copied).status_code == 200   # the copy works while the session lives
    client.post("/staff/logout")
    reply = replay(app, copied)
    assert reply.status_code == 302 and "/staff/login" in reply.location


def test_a_replayed_cookie_after_a_password_change_gets_the_sign_in_page(client, app, staff):
    staff.sign_in("coordinator")
    copied = session_cookie(client)
    client.post("/staff/password", data={"password": "another-long-passphrase", "confirm": "another-long-passphrase"})
    assert "/staff/login" in replay(app, copied).location
    assert client.get("/staff/collections/").status_code == 200   # the session that changed it goes on


def test_disabling_a_user_ends_their_sessions(client, app, staff):
    name = staff.sign_in("coordinator")
    copied = session_cookie(client)
    disable_user(find_user(name), actor_name="test")
    db.session.commit()
    assert "/staff/login" in replay(app, copied).location
    assert "/staff/login" in client.get("/staff/collections/").location


def test_a_role_change_ends_the_sessions_of_that_user(client, app, staff):
    name = staff.sign_in("admin")
    copied = session_cookie(client)
    change_role(find_user(name), "partner", actor_name="test")
    db.session.commit()
    assert "/staff/login" in replay(app, copied).location


def test_a_staff_session_expires_after_the_idle_time(client, app, staff):
    staff.sign_in("coordinator")
    with client.session_transaction() as session:
        session[LAST_SEEN] = epoch_seconds() - int(app.config["STAFF_IDLE_HOURS"] * 3600) - 60
    reply = client.get("/staff/collections/")
    assert reply.status_code == 302 and "/staff/login" in reply.location


def test_each_staff_request_refreshes_the_idle_clock(client, app, staff):
    staff.sign_in("coordinator")
    with client.session_transaction() as session:
        session[LAST_SEEN] = epoch_seconds() - int(app.config["STAFF_IDLE_HOURS"] * 3600) + 60
    assert client.get("/staff/collections/").status_code == 200
    with client.session_transaction() as session:
        assert epoch_seconds() - session[LAST_SEEN] < 60


def test_sign_in_sets_no_remember_me_cookie(client, staff):
    staff.sign_in("coordinator")
    assert client.get_cookie("remember_token") is None


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_the_csrf_token_rotates_at_sign_in(client, app, staff):
    staff.create("anna", "coordinator", PASSWORD)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/staff/login").text).group(1)
    with client.session_transaction() as session:
        before = session["csrf_token"]
    client.post("/staff/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        assert session.get("csrf_token") != before
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 400


def test_the_please_sign_in_message_is_translated(client, app, monkeypatch):
    pseudo_translate(monkeypatch)
    reply = client.get("/staff/collections/", follow_redirects=True)
    assert "⟦Please sign in to see this page.⟧" in reply.text
