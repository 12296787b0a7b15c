"""The respondent's path through server-rendered pages, without JavaScript."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response


def stored() -> list[Response]:
    return db.session.scalars(select(Response)).all()


def html_tag(page) -> str:
    return re.search(r"<html[^>]*>", page.text).group(0)


def begin(client, slug="summer", lang="sv", consent=True):
    client.get(f"/s/{slug}?lang={lang}")
    if consent:
        return client.post(f"/s/{slug}/consent", data={"answer": "yes"})


def answer_first_pages(client, slug="summer"):
    """Pages 1 to 3 answered; the respondent is on the last page."""
    client.post(f"/s/{slug}/p/1", data={"action": "next", "gender": "2"})
    client.post(f"/s/{slug}/p/2", data={"action": "next", "day_face": "3", "activities": ["music"]})
    client.post(f"/s/{slug}/p/3", data={"action": "next", "come_back": "1"})


def answer_all(client, slug="summer"):
    answer_first_pages(client, slug)
    return client.post(f"/s/{slug}/p/4", data={"action": "next", "se_a": "4"})


def test_language_picker_shows_each_language_in_its_own_script(make_collection, client):
    make_collection()
    page = client.get("/s/summer")
    assert page.status_code == 200
    for name in ("Svenska", "English", "العربية", "Soomaali", "فارسی"):
        assert name in page.text
    assert 'lang="ar" dir="rtl"' in page.text and 'lang="fa" dir="rtl"' in page.text


@pytest.mark.parametrize("lang, direction", [("ar", "rtl"), ("fa", "rtl"), ("sv", "ltr"), ("so", "ltr"), ("en", "ltr")])
def test_every_page_sets_lang_and_dir_from_the_language(make_collection, client, lang, direction):
    make_collection()
    client.get(f"/s/summer?lang={lang}")
    assert html_tag(client.get("/s/summer/consent")) == f'<html lang="{lang}" dir="{direction}">'
    client.post("/s/summer/consent", data={"answer": "yes"})
    assert html_tag(client.get("/s/summer/p/1")) == f'<html lang="{lang}" dir="{direction}">'


def test_lang_in_the_link_skips_the_picker(make_collection, client):
    make_collection()
    reply = client.get("/s/summer?lang=ar")
    assert reply.status_code == 302 and reply.location.endswith("/s/summer/consent")


def test_consent_page_says_who_why_voluntary_anonymous_and_contact(make_collection, client):
    make_collection(audience="parent")
    client.get("/s/summer?lang=en")
    page = client.get("/s/summer/consent").text
    assert "<bdi>Rädda Barnen Region Syd (Kraftsamling Herrgården)</bdi>" in page  # isolated inside RTL text
    assert "voluntary" in page and "anonymous" in page and "stop at any time" in page
    assert "<bdi>enkat@example.org</bdi>" in page


def test_a_child_who_says_no_stops_and_nothing_is_stored(make_collection, client):
    make_collection(audience="child", guardian_consent=True, guardians_confirmed=True)
    client.get("/s/summer?lang=sv")
    reply = client.post("/s/summer/consent", data={"answer": "no"})
    assert "/declined" in reply.location
    assert client.get(reply.location).status_code == 200
    assert client.get("/s/summer/p/1").status_code == 302
    assert stored() == []


def test_whole_questionnaire_is_stored_once_with_language_and_channel(make_collection, client):
    make_collection()
    begin(client, lang="ar")
    done = answer_all(client)
    assert "/s/summer/thanks" in done.location
    thanks = client.get(done.location)
    assert html_tag(thanks) == '<html lang="ar" dir="rtl">'
    [response] = stored()
    assert response.language == "ar" and response.channel == "link"
    assert response.answers == {"gender": 2, "day_face": 3, "activities": ["music"], "come_back": 1, "se_a": 4}
    assert response.submitted_at.second == 0 and response.started_at.second == 0


def test_tablet_link_marks_the_channel(make_collection, client):
    make_collection()
    client.get("/s/summer?lang=sv&via=tablet")
    client.post("/s/summer/consent", data={"answer": "yes"})
    answer_all(client)
    assert stored()[0].channel == "tablet"


def test_validation_message_stands_next_to_the_item_and_keeps_what_was_typed(make_collection, client):
    make_collection()
    begin(client, lang="en")
    page = client.post("/s/summer/p/1", data={"action": "next", "birth_year": "soon", "gender": "1"})
    assert page.status_code == 200
    item = re.search(r'id="item-birth_year".*?</fieldset>', page.text, re.S).group(0)
    assert "Please write a number, for example 12." in item
    assert 'value="soon"' in item
    assert 'value="1"\n             checked' in page.text or re.search(r'value="1"\s+checked', page.text)


def test_required_item_blocks_the_next_page(make_collection, client):
    make_collection()
    begin(client, lang="en")
    client.post("/s/summer/p/1", data={"action": "next"})
    page = client.post("/s/summer/p/2", data={"action": "next"})
    assert "Please answer this question." in page.text
    assert client.get("/s/summer/p/3").location.endswith("/s/summer/p/4")  # page 3 is hidden until day_face


def test_back_keeps_answers(make_collection, client):
    make_collection()
    begin(client, lang="en")
    client.post("/s/summer/p/1", data={"action": "next", "gender": "3"})
    back = client.post("/s/summer/p/2", data={"action": "back", "day_face": "2"})
    assert back.location.endswith("/s/summer/p/1")
    assert re.search(r'value="3"\s+checked', client.get("/s/summer/p/1").text)
    assert re.search(r'value="2"\s+checked', client.get("/s/summer/p/2").text)


def test_skip_logic_hides_the_sport_question_on_the_server(make_collection, client):
    make_collection()
    begin(client, lang="en")
    client.post("/s/summer/p/1", data={"action": "next"})
    client.post("/s/summer/p/2", data={"action": "next", "day_face": "3", "activities": ["music"]})
    assert 'name="sport_kind"' not in client.get("/s/summer/p/3").text
    client.post("/s/summer/p/2", data={"action": "next", "day_face": "3", "activities": ["sport"]})
    assert 'name="sport_kind"' in client.get("/s/summer/p/3").text


def test_progress_bar_counts_the_shown_pages(make_collection, client):
    make_collection()
    begin(client, lang="en")
    assert '<progress max="3" value="1"' in client.get("/s/summer/p/1").text
    client.post("/s/summer/p/1", data={"action": "next"})
    client.post("/s/summer/p/2", data={"action": "next", "day_face": "1"})
    assert '<progress max="4" value="3"' in client.get("/s/summer/p/3").text


def test_sending_twice_stores_once(make_collection, client):
    make_collection()
    begin(client, lang="en")
    answer_first_pages(client)
    with client.session_transaction() as session:
        before_sending = dict(session["journey"])
    client.post("/s/summer/p/4", data={"action": "next", "se_a": "4"})
    with client.session_transaction() as session:   # a stale tab or the back button sends it again
        session["journey"] = before_sending
    again = client.post("/s/summer/p/4", data={"action": "next", "se_a": "4"})
    assert "again=1" in again.location
    assert "already received" in client.get(again.location).text
    assert len(stored()) == 1


def test_sending_the_last_page_leaves_no_cookie_on_a_shared_tablet(make_collection, client):
    make_collection(channel="tablet")
    begin(client, lang="en")
    answer_first_pages(client)
    assert client.get_cookie("session") is not None
    reply = client.post("/s/summer/p/4", data={"action": "next", "se_a": "4"})
    assert "/s/summer/thanks" in reply.location
    # the reply deletes the cookie: nothing of this child (not even a CSRF secret) stays on the tablet
    assert "session=;" in reply.headers["Set-Cookie"] and "Max-Age=0" in reply.headers["Set-Cookie"]
    assert client.get_cookie("session") is None
    assert "Your answers are saved" in client.get(reply.location).text
    assert len(stored()) == 1


def test_a_coordinator_trying_the_questionnaire_stays_signed_in_after_sending_it(make_collection, client, staff):
    make_collection(channel="tablet")
    staff.sign_in("coordinator")
    begin(client)
    answer_all(client)
    with client.session_transaction() as session:
        assert "journey" not in session and "_user_id" in session
    staff_page = client.get("/staff/", follow_redirects=True)
    assert staff_page.status_code == 200 and "/staff/login" not in staff_page.request.path
    assert len(stored()) == 1


def test_stopping_deletes_the_unfinished_answers(make_collection, client):
    make_collection()
    begin(client)
    client.post("/s/summer/p/1", data={"action": "next", "gender": "1"})
    assert client.get("/s/summer/stop").status_code == 200
    client.post("/s/summer/stop")
    with client.session_transaction() as session:
        assert "journey" not in session
    assert stored() == []


def stop_link(page) -> str:
    from pages import local, read_page
    (href,) = [h for h in read_page("http://localhost/", page.text).links if "/stop" in h]
    return local(href)


def test_stop_link_asks_first_and_leads_back_to_the_same_page(make_collection, client):
    make_collection()
    begin(client, lang="ar")
    client.post("/s/summer/p/1", data={"action": "next", "gender": "1"})
    asked = client.get(stop_link(client.get("/s/summer/p/2")))
    assert asked.status_code == 200 and html_tag(asked) == '<html lang="ar" dir="rtl">'
    from pages import read_page
    assert "http://localhost/s/summer/p/2" in read_page("http://localhost/", asked.text).links


def test_stopping_from_a_page_shows_the_stopped_page_in_the_childs_language_and_drops_the_answers(
        make_collection, client):
    make_collection()
    begin(client, lang="fa")
    client.post("/s/summer/p/1", data={"action": "next", "gender": "1", "birth_year": "2015"})
    link = stop_link(client.get("/s/summer/p/2"))
    stopped = client.post(link)                 # "Yes, stop", as the form on the stop page sends it
    assert stopped.status_code == 200 and html_tag(stopped) == '<html lang="fa" dir="rtl">'
    with client.session_transaction() as session:
        assert "journey" not in session
    assert client.get("/s/summer/p/1").location.endswith("/s/summer")
    assert stored() == []


def test_stopping_works_after_the_collection_closed_meanwhile(make_collection, client):
    collection = make_collection()
    begin(client, lang="en")
    link = stop_link(client.get("/s/summer/p/1"))
    collection.closes_on = date.today() - timedelta(days=1)
    collection.opens_on = date.today() - timedelta(days=9)
    db.session.commit()
    stopped = client.post(link)
    assert stopped.status_code == 200 and "The survey is stopped" in stopped.text
    with client.session_transaction() as session:
        assert "journey" not in session


def test_partial_answers_are_not_stored_before_sending(make_collection, client):
    make_collection()
    begin(client)
    client.post("/s/summer/p/1", data={"action": "next", "gender": "1"})
    client.post("/s/summer/p/2", data={"action": "next", "day_face": "3"})
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_long_arabic_answer_fits_in_the_session(make_collection, client):
    make_collection()
    begin(client, lang="ar")
    client.post("/s/summer/p/1", data={"action": "next"})
    client.post("/s/summer/p/2", data={"action": "next", "day_face": "3"})
    text = ("أريد ملعباً أكبر ومكاناً هادئاً للواجبات " * 30)[:1000]
    client.post("/s/summer/p/3", data={"action": "next", "come_back": "1", "wish": text})
    cookie = client.get_cookie("session")
    assert len(cookie.value) < 4000
    client.post("/s/summer/p/4", data={"action": "next"})
    assert stored()[0].answers["wish"] == text.strip()


@pytest.mark.parametrize("dates, status, words", [
    ({"closes_on": date.today() - timedelta(days=1), "opens_on": date.today() - timedelta(days=9)}, 410, "ended"),
    ({"opens_on": date.today() + timedelta(days=3)}, 409, "opens on"),
])
def test_closed_or_future_collection_gets_a_clear_page_in_the_language(make_collection, client, dates, status, words):
    make_collection(**dates)
    reply = client.get("/s/summer?lang=en")
    assert reply.status_code == status and words in reply.text
    arabic = client.get("/s/summer?lang=ar")
    assert html_tag(arabic) == '<html lang="ar" dir="rtl">'


def test_unknown_collection_gets_a_page_not_a_stack_trace(client):
    reply = client.get("/s/nothing-here?lang=en")
    assert reply.status_code == 404 and "There is no survey at this address" in reply.text


def test_nothing_identifying_is_stored(make_collection, client):
    make_collection()
    client.environ_base.update({"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "KidTablet/1.0"})
    begin(client)
    answer_all(client)
    row = db.session.execute(select(Response.__table__)).mappings().one()
    flat = " ".join(str(v) for v in row.values())
    assert "203.0.113.77" not in flat and "KidTablet" not in flat
    assert set(row.keys()) == {"id", "collection_id", "questionnaire_version_id", "client_id", "language",
                               "channel", "started_at", "submitted_at", "answers", "pending_tally"}


def test_next_child_on_a_shared_tablet_starts_with_nothing_filled_in(make_collection, client):
    make_collection(channel="tablet")
    begin(client, lang="ar")
    client.post("/s/summer/p/1", data={"action": "next", "gender": "1", "birth_year": "2016"})
    # the first child walks away; the next one taps a language on the picker
    client.get("/s/summer?lang=sv")
    client.post("/s/summer/consent", data={"answer": "yes"})
    page = client.get("/s/summer/p/1").text
    assert "2016" not in page and not re.search(r'value="1"\s+checked', page)


def test_unfinished_answers_expire_when_left_idle(make_collection, client, app):
    make_collection()
    begin(client, lang="en")
    client.post("/s/summer/p/1", data={"action": "next", "gender": "1"})
    with client.session_transaction() as session:
        journey = dict(session["journey"])
        journey["touched"] = "2020-01-01T00:00:00+00:00"
        session["journey"] = journey
    assert client.get("/s/summer/p/2").location.endswith("/s/summer")
    with client.session_transaction() as session:
        assert "journey" not in session


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_expired_form_page_speaks_the_respondents_language(make_collection, client):
    make_collection()
    client.get("/s/summer?lang=ar")
    reply = client.post("/s/summer/consent", data={"answer": "yes"})       # no CSRF token: as after a stale tab
    assert reply.status_code == 400
    assert html_tag(reply) == '<html lang="ar" dir="rtl">'
    with client.application.test_request_context():
        from flask_babel import force_locale, gettext
        with force_locale("ar"):
            expected = gettext("This page has expired")
    assert expected in reply.text and expected != "This page has expired"


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_an_answer_page_sent_without_its_token_is_refused_and_keeps_nothing(make_collection, client):
    # the page view leaves the token to CSRFProtect, which checks every POST before a view runs
    make_collection()
    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    consent = client.get("/s/summer?lang=en", follow_redirects=True)
    first = client.post("/s/summer/consent", data={"answer": "yes", "csrf_token": token.search(consent.text).group(1)},
                        follow_redirects=True)
    assert first.request.path == "/s/summer/p/1"
    refused = client.post("/s/summer/p/1", data={"action": "next", "gender": "2"})
    assert refused.status_code == 400
    with client.session_transaction() as session:
        assert "gender" not in session["journey"].get("answers", {})
    sent = client.post("/s/summer/p/1", data={"action": "next", "gender": "2",
                                              "csrf_token": token.search(first.text).group(1)})
    assert sent.status_code == 302 and sent.location.endswith("/s/summer/p/2")
    with client.session_transaction() as session:
        assert session["journey"]["answers"]["gender"] == 2


def test_an_error_page_mid_questionnaire_keeps_the_respondents_language(make_collection, client):
    make_collection()
    begin(client, lang="ar")
    lost = client.get("/s/summer/p/2/nothing-here", headers={"Accept-Language": "sv"})   # the browser says Swedish
    assert lost.status_code == 404 and html_tag(lost) == '<html lang="ar" dir="rtl">'


def test_the_language_of_a_page_comes_from_asking_the_journey(make_collection, client, monkeypatch):
    from survey.respond.journey import Journey
    make_collection()
    begin(client, lang="sv")
    # get_locale knows nothing of the journey's cookie: it asks the hint the respond feature registered
    monkeypatch.setattr(Journey, "language_in", staticmethod(lambda session: "fa"))
    assert html_tag(client.get("/s/summer/nothing-here")) == '<html lang="fa" dir="rtl">'


def test_answer_to_a_question_removed_meanwhile_is_dropped_not_a_crash(make_collection, client):
    make_collection()
    begin(client, lang="en")
    answer_first_pages(client)
    with client.session_transaction() as session:
        journey = dict(session["journey"])
        journey["answers"] = {**journey["answers"], "question_since_removed": 2}
        session["journey"] = journey
    done = client.post("/s/summer/p/4", data={"action": "next"})
    assert "/thanks" in done.location
    assert "question_since_removed" not in stored()[0].answers


def test_thanks_page_shows_even_when_the_collection_closed_meanwhile(make_collection, client):
    collection = make_collection()
    begin(client, lang="en")
    done = answer_all(client)
    collection.closes_on = date.today() - timedelta(days=1)
    collection.opens_on = date.today() - timedelta(days=9)
    db.session.commit()
    page = client.get(done.location)
    assert page.status_code == 200 and "Your answers are saved" in page.text


@pytest.mark.parametrize("already", [False, True])
def test_the_thanks_address_is_the_one_the_url_map_builds(app, already):
    from flask import url_for

    from survey.respond.views import thanks_url
    for root in ("", "/survey"):     # served at the root, or mounted under a path prefix
        with app.test_request_context("/s/summer/p/4", base_url=f"http://tablet.example{root}"):
            built = url_for("respond.thanks", slug="summer", lang="ar", again=1 if already else None)
            assert built.startswith(f"{root}/s/summer/thanks?")
            assert thanks_url("summer", "ar", already) == built     # the path built and kept
            assert thanks_url("summer", "ar", already) == built     # the kept path used
