"""The kiosk's pages: the whole questionnaire per language with the online widgets, what the worker
caches, leaving with the PIN, recorded audio by its naming rule."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Kiosk

PIN = "4711"   # as in conftest.start_kiosk_here


class Sections(HTMLParser):
    """The kiosk page's steps, items and their data- attributes."""

    def __init__(self):
        super().__init__()
        self.steps, self.items, self.html = [], [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html = attrs
        if tag == "section" and "data-step" in attrs:
            self.steps.append(attrs)
        if "data-checks" in attrs:
            self.items.append(attrs)


def kiosk_page(client, lang="sv"):
    parser = Sections()
    reply = client.get(f"/kiosk/summer/v1/{lang}")
    assert reply.status_code == 200
    parser.feed(reply.text)
    return reply, parser


def test_every_page_of_the_questionnaire_is_a_hidden_section(client, start_kiosk_here):
    _picker, collection = start_kiosk_here()
    _reply, page = kiosk_page(client)
    pages = [s for s in page.steps if s["data-step"] == "page"]
    assert len(pages) == len(collection.version.parsed.pages)
    assert all("hidden" in s for s in pages)
    assert [s["data-step"] for s in page.steps if s["data-step"] != "page"] == ["consent", "thanks", "declined", "stopped"]


def test_conditions_and_checks_are_data_taken_from_the_questionnaire(client, start_kiosk_here):
    start_kiosk_here()
    _reply, page = kiosk_page(client)
    items = {item["data-var"]: item for item in page.items}
    assert json.loads(items["sport_kind"]["data-show-if"]) == {"var": "activities", "includes": "sport"}
    assert json.loads(items["visits"]["data-checks"]) == {
        "required": False, "answerable": True, "list": False, "min": 0, "max": 7, "integer": True, "number": True}
    assert json.loads(items["day_face"]["data-checks"])["choices"] == [1, 2, 3, 4]
    assert json.loads(items["birth_year"]["data-checks"])["year"] is True


def test_the_arabic_kiosk_page_is_right_to_left(client, start_kiosk_here):
    start_kiosk_here()
    _reply, page = kiosk_page(client, "ar")
    assert (page.html["lang"], page.html["dir"]) == ("ar", "rtl")


def test_the_smiley_scale_is_a_radio_group_named_by_its_question(client, start_kiosk_here):
    start_kiosk_here()
    reply, _page = kiosk_page(client)
    assert 'role="radiogroup" aria-labelledby="day_face-label" aria-required="true"' in reply.text


def test_kiosk_pages_carry_no_inline_script_or_style(client, start_kiosk_here):
    picker, _collection = start_kiosk_here()
    for text in (client.get(picker).text, kiosk_page(client)[0].text):
        assert not re.search(r"<script(?![^>]*\bsrc=)", text)
        assert "<style" not in text and " style=" not in text and "onclick" not in text


def test_the_manifest_lists_every_language_and_asset_and_only_the_pins_digest(client, start_kiosk_here):
    start_kiosk_here()
    reply = client.get("/kiosk/summer/manifest.json")
    assert reply.headers["Cache-Control"] == "no-store"
    manifest = reply.json
    for lang in ("sv", "en", "ar", "so", "fa"):
        assert f"/kiosk/summer/v1/{lang}" in manifest["urls"]
    assert any(url.startswith("/kiosk-assets/kiosk.js?v=") for url in manifest["urls"])
    assert set(manifest["pin"]) == {"salt", "rounds", "digest"}
    # the digest and salt are hex and may contain the PIN's digits by chance: look everywhere else
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["pin"]["digest"])
    assert re.fullmatch(r"[0-9a-f]{32}", manifest["pin"]["salt"])
    assert PIN not in json.dumps({key: value for key, value in manifest.items() if key != "pin"})
    for url in manifest["urls"]:
        assert client.get(url).status_code == 200, url


def test_the_worker_is_served_from_the_kiosks_own_path(client, start_kiosk_here):
    start_kiosk_here()
    reply = client.get("/kiosk/summer/sw.js?v=1")
    assert reply.status_code == 200 and "javascript" in reply.content_type


def test_leaving_kiosk_mode_needs_the_pin(client, start_kiosk_here):
    start_kiosk_here()
    assert client.post("/kiosk/summer/end", json={"pin": "0000"}).status_code == 422
    assert client.get("/kiosk/summer/").status_code == 200
    reply = client.post("/kiosk/summer/end", json={"pin": PIN})
    assert reply.status_code == 200
    assert db.session.scalar(select(Kiosk)).ended_at is not None
    assert client.get("/kiosk/summer/").status_code == 302


@pytest.fixture
def somali_recording(app, tmp_path):
    folder = tmp_path / "forms" / "audio" / "allkinds" / "so"
    folder.mkdir(parents=True)
    (folder / "birth_year.ogg").write_bytes(b"OggS synthetic")
    (folder / "gender.9.mp3").write_bytes(b"ID3 synthetic")
    languages = app.config["FORMS_DIR"] + "/languages.yaml"
    (tmp_path / "forms" / "languages.yaml").write_text(open(languages, encoding="utf-8").read(), encoding="utf-8")
    app.config["FORMS_DIR"] = str(tmp_path / "forms")
    return folder


def test_recorded_audio_follows_the_naming_rule_and_is_cached_for_offline(client, start_kiosk_here, somali_recording):
    start_kiosk_here()
    reply, _page = kiosk_page(client, "so")
    assert 'data-audio="/audio/allkinds/so/birth_year.ogg"' in reply.text
    assert 'data-audio="/audio/allkinds/so/gender.9.mp3"' in reply.text
    assert reply.text.count("data-audio=") == 2          # nothing for labels without a recording
    urls = client.get("/kiosk/summer/manifest.json").json["urls"]
    assert {"/audio/allkinds/so/birth_year.ogg", "/audio/allkinds/so/gender.9.mp3"} <= set(urls)
    audio = client.get("/audio/allkinds/so/birth_year.ogg")
    assert audio.status_code == 200 and audio.content_type == "audio/ogg"


def test_no_audio_is_served_outside_the_audio_folder(client, somali_recording):
    assert client.get("/audio/allkinds/so/..%2F..%2Flanguages.yaml").status_code == 404
    assert client.get("/audio/allkinds/so/birth_year.wav").status_code == 404
