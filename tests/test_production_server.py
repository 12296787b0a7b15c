"""The server started as the README says for production: safe by default, with a real gunicorn."""
from __future__ import annotations

import signal
import socket
import time

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from survey import create_app
from survey.auth.accounts import create_user, set_password
from survey.clock import epoch_seconds
from survey.config import DEV_SECRET
from survey.extensions import db

from gunicorn_server import STRONG_SECRET, Gunicorn, end_orphans, free_port, production_environment


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A migrated SQLite database with one admin account, made the way `flask db upgrade` would."""
    url = f"sqlite:///{tmp_path_factory.mktemp('production') / 'survey.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        admin, _ = create_user("admin", "admin", actor_name="test")
        set_password(admin, "a-long-enough-passphrase", actor_name="test")
        db.session.commit()
        session_id = admin.get_id()
        db.engine.dispose()
    return url, session_id


@pytest.fixture
def server(database, tmp_path):
    url, _ = database
    started = Gunicorn(production_environment(url, free_port()), tmp_path / "error.log")
    assert started.wait_until_serving(), started.log()
    yield started
    started.stop()


def forged_session(secret: str, session_id: str) -> str:
    """A staff session cookie signed as Flask signs one, with `secret`."""
    signer = Flask("forger")
    signer.secret_key = secret
    payload = {"_user_id": session_id, "_fresh": True, "staff_seen": epoch_seconds()}
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(payload)


def test_a_cookie_forged_with_the_old_development_secret_does_not_open_staff_pages(server, database):
    _, session_id = database
    forged = server.request("GET", "/staff/collections/", {"Cookie": f"session={forged_session(DEV_SECRET, session_id)}"})
    assert forged.status == 302 and "/staff/login" in forged.getheader("Location")
    # the same cookie signed with the server's real secret does open them: the forgery itself was sound
    genuine = server.request("GET", "/staff/collections/", {"Cookie": f"session={forged_session(STRONG_SECRET, session_id)}"})
    assert genuine.status == 200


def test_starting_without_a_secret_key_refuses(database, tmp_path):
    url, _ = database
    env = production_environment(url, free_port(), SECRET_KEY=None)
    env.pop("SECRET_KEY", None)
    refused = Gunicorn(env, tmp_path / "error.log")
    try:
        refused.process.wait(timeout=30)
    finally:
        refused.stop()
    assert refused.process.returncode != 0
    assert "Refusing to start in production without a SECRET_KEY" in refused.log()


def test_a_malformed_request_leaves_no_client_address_in_the_error_log(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        sock.recv(4096)
    time.sleep(0.5)
    log = server.log()
    assert "Invalid request from ip=" in log
    assert "127.0.0.1" not in log.replace(f"http://127.0.0.1:{server.port}", "")


def test_after_the_master_is_killed_a_restart_binds_at_once(database, tmp_path):
    url, _ = database
    port = free_port()
    first = Gunicorn(production_environment(url, port), tmp_path / "first.log")
    assert first.wait_until_serving(), first.log()
    orphans = first.worker_pids()
    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    second = Gunicorn(production_environment(url, port), tmp_path / "second.log")
    try:
        assert second.wait_until_listening(seconds=10), second.log()
        assert "Connection in use" not in second.log()
        end_orphans(orphans)
        assert second.wait_until_serving(seconds=10), second.log()
    finally:
        second.stop()
        end_orphans(orphans)
