"""Parents on their own phones: the browser's language preselected with a visible switch, continue
or start again on re-opening the link (never on a tablet), digits of the respondent's language."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from survey.extensions import db
from survey.models import Response


def begin_on_a_phone(client, slug="summer", accept="so,en;q=0.5"):
    client.get(f"/s/{slug}", headers={"Accept-Language": accept})
    return client.post(f"/s/{slug}/consent", data={"answer": "yes"})


def test_the_phones_language_is_preselected(make_collection, client):
    make_collection(languages=["sv", "en", "ar", "so", "fa"])
    reply = client.get("/s/summer", headers={"Accept-Language": "so-SO,so;q=0.9,en;q=0.5"})
    assert reply.location.endswith("/s/summer/consent")
    page = client.get("/s/summer/consent")
    assert '<html lang="so" dir="ltr">' in page.text


def test_the_consent_page_has_a_visible_switch_to_every_other_language(make_collection, client):
    make_collection(languages=["sv", "en", "ar", "so", "fa"])
    client.get("/s/summer", headers={"Accept-Language": "so"})
    page = client.get("/s/summer/consent").text
    for code, name in (("sv", "Svenska"), ("ar", "العربية"), ("fa", "فارسی")):
        assert f'href="/s/summer?lang={code}" lang="{code}"' in page and name in page


def test_a_language_not_offered_gets_the_picker(make_collection, client):
    make_collection(languages=["sv", "en"])
    reply = client.get("/s/summer", headers={"Accept-Language": "ti"})
    assert reply.status_code == 200 and "/s/summer?lang=sv" in reply.text


def test_tablets_always_get_the_picker(make_collection, client):
    make_collection(channel="tablet")
    reply = client.get("/s/summer", headers={"Accept-Language": "so"})
    assert reply.status_code == 200 and "/s/summer?lang=so" in reply.text


def test_reopening_the_link_offers_to_continue_where_one_left_off(make_collection, client):
    make_collection()
    begin_on_a_phone(client)
    client.post("/s/summer/p/1", data={"action": "next", "gender": "2"})
    client.get("/s/summer/p/2")
    page = client.get("/s/summer", headers={"Accept-Language": "so"}).text
    assert 'href="/s/summer/p/2"' in page and 'action="/s/summer/restart"' in page


def test_a_poster_link_for_one_language_offers_to_continue_too(make_collection, client):
    make_collection()
    begin_on_a_phone(client)
    assert "restart" in client.get("/s/summer?lang=so").text


def test_start_again_drops_the_unfinished_answers(make_collection, client):
    make_collection()
    begin_on_a_phone(client)
    client.post("/s/summer/p/1", data={"action": "next", "gender": "2"})
    client.post("/s/summer/restart")
    with client.session_transaction() as session:
        assert "journey" not in session
    assert db.session.scalars(select(Response)).all() == []


def test_the_phones_journey_outlives_the_browser_session(make_collection, client):
    make_collection()
    reply = client.get("/s/summer", headers={"Accept-Language": "so"})
    assert "Expires=" in reply.headers["Set-Cookie"]


def test_a_tablets_journey_ends_with_the_browser(make_collection, client):
    make_collection(channel="tablet")
    reply = client.get("/s/summer?lang=sv")
    assert "Expires=" not in reply.headers["Set-Cookie"]


def test_a_tablet_never_offers_to_continue(make_collection, client):
    make_collection(channel="tablet")
    client.get("/s/summer?lang=sv")
    client.post("/s/summer/consent", data={"answer": "yes"})
    client.post("/s/summer/p/1", data={"action": "next", "gender": "2"})
    assert "restart" not in client.get("/s/summer").text


def test_the_progress_text_uses_persian_digits(make_collection, client):
    make_collection()
    client.get("/s/summer?lang=fa")
    client.post("/s/summer/consent", data={"answer": "yes"})
    text = client.get("/s/summer/p/1").text.split('class="progress-text"')[1][:40]
    assert text.startswith(">صفحه ۱ از ۳<")


def test_the_progress_text_uses_arabic_digits(make_collection, client):
    make_collection()
    client.get("/s/summer?lang=ar")
    client.post("/s/summer/consent", data={"answer": "yes"})
    text = client.get("/s/summer/p/1").text.split('class="progress-text"')[1][:80]
    assert "١" in text and "1" not in text


def test_a_range_message_uses_the_respondents_digits(make_collection, client):
    make_collection()
    client.get("/s/summer?lang=fa")
    client.post("/s/summer/consent", data={"answer": "yes"})
    page = client.post("/s/summer/p/1", data={"action": "next", "gender": "1", "birth_year": "1700"}).text
    year = str(date.today().year - 6)  # the youngest allowed age in the fixture is 6
    assert year.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in page


def test_a_year_of_birth_in_persian_or_arabic_digits_is_read(make_collection, client):
    make_collection()
    year = date.today().year - 10
    for digits in ("۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"):
        client.get("/s/summer?lang=sv&via=tablet")
        client.post("/s/summer/consent", data={"answer": "yes"})
        reply = client.post("/s/summer/p/1", data={"action": "next", "gender": "1",
                                                   "birth_year": str(year).translate(str.maketrans("0123456789", digits))})
        assert reply.location.endswith("/s/summer/p/2"), digits
        client.post("/s/summer/restart")
