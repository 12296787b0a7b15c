"""Collections from the browser (without JavaScript): create, open, close, dates, link, QR code,
poster and preview; each change is audited and each page is refused to roles without the right."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey.audit.models import AuditRecord
from survey.clock import local_today
from survey.extensions import db
from survey.fieldwork.operations import by_slug

from factories import load_fixture_form


def today() -> date:
    """Today where the activities are (the app's default time zone), as the pages see it: at 23:30
    UTC it is already tomorrow in Malmö."""
    return local_today("Europe/Stockholm")


def actions(name: str) -> list[str]:
    return [r.action for r in db.session.scalars(select(AuditRecord).where(AuditRecord.action.like(name)))]


@pytest.fixture
def coordinator(staff):
    return staff.sign_in("coordinator")


def new_collection(client, **fields):
    data = {"form_id": "allkinds", "activity": "Eid party", "wave": "event", "audience": "",
            "opens_on": today().isoformat(), "closes_on": today().isoformat(),
            "languages": ["sv", "ar", "so", "fa"], "channel": "", "slug": ""}
    data.update(fields)
    return client.post("/staff/collections/new", data=data)


def test_the_form_proposes_tonight_and_every_language(app, client, coordinator):
    load_fixture_form("allkinds")
    page = client.get("/staff/collections/new").text
    assert page.count(f'value="{today().isoformat()}"') == 2
    checked = re.findall(r'<input checked id="languages-\d+" name="languages" type="checkbox" value="(\w+)"', page)
    assert checked == ["sv", "en", "ar", "so", "fa"]


def test_a_coordinator_creates_a_collection_for_tonight(app, client, coordinator):
    load_fixture_form("allkinds")
    reply = new_collection(client)
    collection = by_slug(f"eid-party-{today().isoformat()}")
    assert collection is not None and reply.location.endswith(f"/staff/collections/{collection.slug}/")
    assert collection.languages == ["sv", "ar", "so", "fa"] and collection.channel == "both"
    assert actions("collection.create") == ["collection.create"]


def test_a_closing_date_in_the_past_is_warned_about_and_not_created_unconfirmed(app, client, coordinator):
    load_fixture_form("allkinds")
    yesterday = (today() - timedelta(days=1)).isoformat()
    reply = new_collection(client, opens_on=yesterday, closes_on=yesterday)
    assert reply.status_code == 200 and "The closing date is in the past" in reply.text
    assert actions("collection.create") == []
    new_collection(client, opens_on=yesterday, closes_on=yesterday, past_ok="y")
    assert actions("collection.create") == ["collection.create"]


def test_a_childrens_collection_cannot_be_opened_without_the_confirmation(client, coordinator, make_collection):
    make_collection("kids", audience="child", guardian_consent=True,
                    opens_on=today() + timedelta(days=3))
    page = client.get("/staff/collections/kids/").text
    assert "I confirm that the guardians" in page and "Open now" in page
    client.post("/staff/collections/kids/open")
    assert not by_slug("kids").guardians_confirmed and by_slug("kids").opens_on > today()
    client.post("/staff/collections/kids/open", data={"guardians": "y"})
    kids = by_slug("kids")
    assert kids.guardians_confirmed and kids.opens_on == today()
    assert actions("collection.%") == ["collection.create", "collection.confirm_guardians", "collection.open"]


def test_close_now_turns_new_respondents_away_at_once(client, coordinator, make_collection):
    make_collection("tonight", opens_on=today(), closes_on=today() + timedelta(days=7))
    client.post("/staff/collections/tonight/close")
    assert by_slug("tonight").closes_on == today()
    assert client.get("/s/tonight?lang=sv").status_code == 410
    assert "collection.close" in actions("collection.%")


def test_a_tablets_queue_answered_before_closing_still_arrives(client, coordinator, make_collection, submit):
    make_collection("tonight", opens_on=today(), closes_on=today() + timedelta(days=7))
    client.post("/staff/collections/tonight/close")
    assert submit("tonight").status_code == 201


def test_open_now_reopens_a_collection_closed_by_hand(client, coordinator, make_collection):
    make_collection("tonight")
    client.post("/staff/collections/tonight/close")
    client.post("/staff/collections/tonight/open")
    assert client.get("/s/tonight?lang=sv").status_code == 302


def test_dates_are_changed_and_audited(client, coordinator, make_collection):
    make_collection("tonight")
    client.post("/staff/collections/tonight/dates", data={"opens_on": "2026-06-15", "closes_on": "2026-08-14"})
    assert (by_slug("tonight").opens_on, by_slug("tonight").closes_on) == (date(2026, 6, 15), date(2026, 8, 14))
    assert "collection.dates" in actions("collection.%")


def test_the_collection_page_shows_the_link_and_the_qr_code(client, coordinator, make_collection):
    make_collection("tonight", languages=["sv", "ar", "so", "fa"])
    page = client.get("/staff/collections/tonight/").text
    assert "http://localhost/s/tonight" in page and "/staff/collections/tonight/qr.svg" in page


def test_the_link_uses_the_public_url_when_configured(app, client, coordinator, make_collection):
    app.config["PUBLIC_URL"] = "https://enkat.example.org"
    make_collection("tonight")
    assert "https://enkat.example.org/s/tonight" in client.get("/staff/collections/tonight/").text


def test_the_qr_code_png_decodes_to_the_link(client, coordinator, make_collection):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    make_collection("tonight")
    image = Image.open(io.BytesIO(client.get("/staff/collections/tonight/qr.png").data))
    assert [b.text for b in zxingcpp.read_barcodes(image)] == ["http://localhost/s/tonight"]


def test_the_poster_has_one_invitation_per_language_in_its_own_direction(client, coordinator, make_collection):
    make_collection("tonight", languages=["sv", "ar", "so", "fa"])
    poster = client.get("/staff/collections/tonight/poster").text
    lines = re.findall(r'<li lang="(\w+)" dir="(\w+)">', poster)
    assert lines == [("sv", "ltr"), ("ar", "rtl"), ("so", "ltr"), ("fa", "rtl")]
    assert "<svg" in poster and "http://localhost/s/tonight</bdi>" in poster
    assert "@page" in client.get("/static/poster.css").text


def test_a_poster_for_one_language_preselects_it(client, coordinator, make_collection):
    make_collection("tonight", languages=["sv", "ar", "so", "fa"])
    poster = client.get("/staff/collections/tonight/poster?lang=so").text
    assert re.findall(r'<li lang="(\w+)"', poster) == ["so"]
    assert "http://localhost/s/tonight?lang=so</bdi>" in poster


def test_a_childrens_collection_has_no_poster_or_qr_code(client, coordinator, make_collection):
    make_collection("kids", audience="child")
    assert client.get("/staff/collections/kids/poster").status_code == 404
    assert client.get("/staff/collections/kids/qr.png").status_code == 404
    assert "no public link" in client.get("/staff/collections/kids/").text


def test_the_preview_shows_swedish_beside_the_language_and_marks_drafts(client, coordinator, make_collection):
    make_collection("tonight")
    page = client.get("/staff/collections/tonight/preview?lang=ar").text
    assert '<td lang="ar" dir="rtl">' in page and '<td lang="sv" dir="ltr">' in page
    assert 'class="mark draft"' in page or 'class="mark missing"' in page


def test_a_partner_cannot_create_a_collection(app, client, staff):
    staff.sign_in("partner")
    assert client.get("/staff/collections/new").status_code == 403
    assert new_collection(client).status_code == 403


def test_a_researcher_sees_collections_but_cannot_open_them(client, staff, make_collection):
    staff.sign_in("researcher")
    make_collection("tonight")
    page = client.get("/staff/collections/tonight/").text
    assert "Open now" not in page and "Close now" not in page
    assert client.post("/staff/collections/tonight/close").status_code == 403
