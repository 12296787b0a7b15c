"""Staff passwords: long, not common, never the one-time password kept; accounts from the CLI."""
from __future__ import annotations

import pytest

from survey.audit.models import AuditRecord
from survey.auth.accounts import authenticate, create_user, find_user
from survey.auth.passwords import PasswordProblem, common_passwords, password_problem
from survey.extensions import db


@pytest.fixture
def client(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def sign_in_with_one_time_password(client, username="anna"):
    _user, one_time = create_user(username)
    db.session.commit()
    client.post("/staff/login", data={"username": username, "password": one_time})
    return one_time


def test_the_common_password_list_holds_ten_thousand_entries():
    assert len(common_passwords()) == 10_000 and "qwerty123456" in common_passwords()


def test_a_password_shorter_than_twelve_characters_is_refused():
    assert password_problem("elevenchars") is PasswordProblem.TOO_SHORT


def test_a_common_password_is_refused_on_the_page(client, app):
    sign_in_with_one_time_password(client)
    reply = client.post("/staff/password", data={"password": "qwerty123456", "confirm": "qwerty123456"})
    assert "one of the most common" in reply.text
    assert find_user("anna").must_change_password


def test_the_one_time_password_cannot_be_kept(client, app):
    one_time = sign_in_with_one_time_password(client)
    reply = client.post("/staff/password", data={"password": one_time, "confirm": one_time})
    assert "not the one you signed in with" in reply.text
    assert find_user("anna").must_change_password


def test_cli_adds_a_user_with_a_password_from_stdin(runner, app):
    result = runner.invoke(args=["users", "add", "bo", "--role", "researcher", "--password-stdin"],
                           input="a-long-enough-passphrase\n")
    assert result.exit_code == 0, result.output
    user = authenticate("bo", "a-long-enough-passphrase")
    assert user is not None and user.role == "researcher" and not user.must_change_password


def test_cli_refuses_a_common_password_from_stdin(runner, app):
    result = runner.invoke(args=["users", "add", "bo", "--password-stdin"], input="qwerty123456\n")
    assert result.exit_code != 0 and "most common" in result.output
    assert find_user("bo") is None


def test_cli_lists_users_with_role_and_state(runner, app):
    create_user("anna", "partner")
    db.session.commit()
    runner.invoke(args=["users", "disable", "anna"])
    lines = runner.invoke(args=["users", "list"]).output.splitlines()
    assert any(line.split()[:3] == ["anna", "partner", "disabled"] for line in lines)


def test_cli_disable_and_role_change_are_audited_and_end_sessions(runner, app):
    user, _ = create_user("anna", "coordinator")
    db.session.commit()
    token = user.session_token
    runner.invoke(args=["users", "role", "anna", "researcher"])
    after_role = find_user("anna").session_token
    runner.invoke(args=["users", "disable", "anna"])
    user = find_user("anna")
    assert token != after_role != user.session_token
    assert user.role == "researcher" and not user.active
    actions = [r.action for r in AuditRecord.query.order_by(AuditRecord.id)]
    assert actions[-2:] == ["user.role", "user.disable"]
