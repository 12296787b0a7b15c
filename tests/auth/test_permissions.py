"""Every route declares the permission it needs, and each role gets exactly what the matrix says."""
from __future__ import annotations

import pytest

from survey.auth.access import required_permission
from survey.auth.permissions import ROLE_PERMISSIONS, ROLES, Permission

ALL = "public"
SIGNED_IN = "signed in"

# endpoint -> who may use it: everyone, any signed-in staff member, or the roles listed.
# A new route fails test_every_route_is_in_the_matrix until it is added here.
MATRIX = {
    "static": ALL,
    "health.healthz": ALL,
    "respond.start": ALL, "respond.consent": ALL, "respond.page": ALL, "respond.thanks": ALL,
    "respond.stop": ALL, "respond.declined": ALL, "respond.restart": ALL,
    "api.collection_detail": ALL, "api.submit_response": ALL, "api.openapi": ALL,
    "api.collection_schema": ALL,
    "auth.login": ALL,
    "auth.home": SIGNED_IN, "auth.logout": SIGNED_IN, "auth.change_password": SIGNED_IN,
    "fieldwork.collections": {"admin", "coordinator", "researcher"},
    "fieldwork.detail": {"admin", "coordinator", "researcher"},
    "fieldwork.poster": {"admin", "coordinator", "researcher"},
    "fieldwork.qr_svg": {"admin", "coordinator", "researcher"},
    "fieldwork.qr_png": {"admin", "coordinator", "researcher"},
    "fieldwork.preview": {"admin", "coordinator", "researcher"},
    "fieldwork.create": {"admin", "coordinator"},
    "fieldwork.open_": {"admin", "coordinator"},
    "fieldwork.close": {"admin", "coordinator"},
    "fieldwork.dates": {"admin", "coordinator"},
    "auth.users": {"admin"}, "auth.add_user": {"admin"}, "auth.set_role": {"admin"}, "auth.disable": {"admin"},
    # a tablet is a kiosk by its own cookie, not by a staff role; starting one is a coordinator's act
    "kiosk.start": {"admin", "coordinator"},
    "kiosk.open_": ALL, "kiosk.picker": ALL, "kiosk.questionnaire": ALL, "kiosk.manifest": ALL,
    "kiosk.worker": ALL, "kiosk.end": ALL, "kiosk.asset": ALL, "kiosk.audio": ALL,
    "results.overview": {"admin", "coordinator", "researcher", "partner"},
    "results.collection": {"admin", "coordinator", "researcher", "partner"},
    "results.report": {"admin", "coordinator", "researcher", "partner"},
    "results.report_pdf": {"admin", "coordinator", "researcher", "partner"},
    "participants.public_results": ALL,
    "datasets.export_page": {"admin", "researcher"}, "datasets.download": {"admin", "researcher"},
    "datasets_api.export_collection": {"admin", "researcher"},
    "auth.tokens": {"admin", "researcher"}, "auth.revoke": {"admin", "researcher"},
}


def routes(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_every_route_declares_a_permission(app):
    missing = [rule.endpoint for rule in routes(app) if required_permission(app, rule.endpoint) is None]
    assert not missing, f"routes without @requires(...): {missing}"


def test_every_route_is_in_the_matrix(app):
    assert {rule.endpoint for rule in routes(app)} == set(MATRIX)


def test_declared_permissions_agree_with_the_matrix(app):
    for rule in routes(app):
        permission = required_permission(app, rule.endpoint)
        expected = MATRIX[rule.endpoint]
        if expected == ALL:
            assert permission is Permission.PUBLIC, rule.endpoint
        elif expected == SIGNED_IN:
            assert permission is Permission.SIGNED_IN, rule.endpoint
        else:
            assert {role for role in ROLES if permission in ROLE_PERMISSIONS[role]} == expected, rule.endpoint


def test_a_route_without_a_declaration_is_refused_not_open(app, client):
    app.add_url_rule("/staff/undeclared", "undeclared", lambda: "secret")
    assert client.get("/staff/undeclared").status_code == 403


def url_for_rule(rule, slug: str) -> str:
    values = {"slug": slug, "number": 1, "filename": "survey.css", "user_id": 1, "token": "no-such-token",
              "lang": "sv", "form_id": "allkinds", "year": 2026, "format": "csv", "run": "0" * 32, "token_id": 1}
    return rule.build({k: values[k] for k in rule.arguments})[1]


@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_authorization_matrix(app, client, staff, make_collection, who):
    make_collection("summer")
    if who != "anonymous":
        staff.sign_in(who)
    for rule in routes(app):
        if rule.endpoint == "auth.logout":
            continue  # signing out ends this session; checked on its own below
        method = "GET" if "GET" in rule.methods else "POST"
        reply = client.open(url_for_rule(rule, "summer"), method=method)
        expected = MATRIX[rule.endpoint]
        allowed = expected == ALL or (who != "anonymous" and (expected == SIGNED_IN or who in expected))
        where = f"{who} {method} {rule.rule} -> {reply.status_code} {reply.location or ''}"
        if allowed:
            assert reply.status_code not in (401, 403) and "/staff/login" not in (reply.location or ""), where
        elif who == "anonymous":
            assert reply.status_code == 401 if rule.rule.startswith("/api/") else \
                "/staff/login" in (reply.location or ""), where
        else:
            assert reply.status_code == 403, where


def test_signing_out_needs_a_sign_in(client):
    assert "/staff/login" in client.post("/staff/logout").location
