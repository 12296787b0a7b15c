"""Every response carries the safety headers; static files are cached under hashed names; pages are compressed."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def demo(make_collection):
    return make_collection("summer")


def test_respondent_pages_carry_a_strict_content_security_policy(client, demo):
    csp = client.get("/s/summer").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert "unsafe-inline" not in csp


def test_pages_are_neither_sniffed_nor_sending_a_referrer(client, demo):
    headers = client.get("/s/summer").headers
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


def test_answer_pages_are_never_stored_by_a_browser_or_proxy(client, demo):
    client.get("/s/summer?lang=sv")
    consent = client.post("/s/summer/consent", data={"answer": "yes"})
    page = client.get(consent.location)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"


def test_staff_pages_are_never_stored(client, staff):
    staff.sign_in("coordinator")
    assert client.get("/staff/collections/").headers["Cache-Control"] == "no-store"


def test_a_submission_receipt_carries_the_headers_too(submit, demo):
    reply = submit()
    assert reply.status_code == 201
    assert reply.headers["Cache-Control"] == "no-store" and reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]


def test_a_header_a_view_sets_is_kept_once_but_cache_control_is_always_no_store(app, client):
    from survey.auth.permissions import Permission, requires

    @app.get("/test-own-headers")
    @requires(Permission.PUBLIC)
    def own_headers():
        return "x", 200, {"Cache-Control": "max-age=60", "X-Frame-Options": "SAMEORIGIN"}

    reply = client.get("/test-own-headers")
    assert reply.headers.getlist("Cache-Control") == ["no-store"]
    assert reply.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert reply.headers.getlist("Referrer-Policy") == ["no-referrer"]


def test_hsts_only_over_tls(client, demo):
    assert "Strict-Transport-Security" not in client.get("/s/summer").headers
    secure = client.get("/s/summer", base_url="https://survey.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("app", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_hsts_behind_a_trusted_proxy_follows_the_scheme_it_forwards(client, demo):
    assert "Strict-Transport-Security" not in client.get("/s/summer").headers
    forwarded = client.get("/s/summer", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_forwarded_scheme_from_an_untrusted_client_brings_no_hsts(client, demo):
    assert "Strict-Transport-Security" not in client.get("/s/summer", headers={"X-Forwarded-Proto": "https"}).headers


def test_an_api_405_names_the_allowed_methods(client, demo):
    reply = client.delete("/api/v1/collections/summer/responses")
    assert reply.status_code == 405 and "POST" in reply.headers["Allow"]


def test_a_page_405_names_the_allowed_methods(client, demo):
    reply = client.delete("/s/summer")
    assert reply.status_code == 405 and "GET" in reply.headers["Allow"]


def test_static_files_are_linked_by_content_hash_and_cached_for_a_year(client, demo):
    page = client.get("/s/summer").text
    css = re.search(r'href="(/static/survey\.[0-9a-f]{12}\.css)"', page).group(1)
    reply = client.get(css)
    assert reply.status_code == 200 and b"box-sizing" in reply.data
    assert reply.cache_control.max_age == 365 * 24 * 3600 and reply.cache_control.immutable


def test_pages_are_served_gzip_compressed(client, demo):
    reply = client.get("/s/summer", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(reply.data)


def test_templates_hold_no_inline_style_or_script():
    """The policy forbids inline style and script; a template that used them would break silently."""
    offenders = []
    for template in (ROOT / "survey").rglob("*.html"):
        text = template.read_text()
        if re.search(r"\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=", text):
            offenders.append(template.relative_to(ROOT).as_posix())
    assert offenders == []


def test_right_to_left_rules_select_the_html_element_that_carries_dir():
    css = (ROOT / "survey" / "static" / "survey.css").read_text()
    assert "body[dir" not in css
    assert 'html[dir="rtl"]' in css
