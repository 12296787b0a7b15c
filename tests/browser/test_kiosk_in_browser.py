"""A shared tablet as a kiosk, in a real browser: one respondent after another with nothing left
behind, the inactivity reset, a whole offline run with a durable queue, accessibility checks."""
from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from survey import create_app
from survey.auth.accounts import create_user
from survey.clock import utcnow
from survey.extensions import db
from survey.fieldwork.operations import create_collection
from survey.i18n import ui_languages
from survey.kiosk.operations import start_kiosk
from survey.models import Response

from factories import load_fixture_form
from kiosk_helpers import CHROMIUM, TABLET, answer_one_respondent, keep_screenshot, serious_violations, visible

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "kiosk" / "condition_vectors.json"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The live server's app, with a short thank-you screen so that tests move on quickly."""
    url = f"sqlite:///{tmp_path_factory.mktemp('kiosk') / 'survey.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SURVEY_CONTACT": "enkat@example.org",
                      "KIOSK_THANKS_SECONDS": 1})

    @app.after_request
    def strict_content_security_policy(response):
        # as strict as the policy the hardening branch adds: the kiosk must run under it unchanged
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "media-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'")
        return response
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        load_fixture_form("allkinds")
        create_user("kim", "coordinator", actor_name="test")
        db.session.commit()
    return app


@pytest.fixture
def kiosk(live_app, live_server):
    """kiosk(idle_seconds=90, form="allkinds") -> (one-time link, slug): a kiosk for a fresh collection."""
    def make(idle_seconds: int = 90, form: str = "allkinds"):
        with live_app.app_context():
            slug = f"festival-{os.urandom(3).hex()}"
            collection = create_collection(slug, form, activity="Eid-fest 2026", wave="event",
                                           ui_languages=ui_languages(), guardian_consent=False, audience="youth")
            from survey.models import StaffUser
            kim = db.session.scalar(select(StaffUser).where(StaffUser.username == "kim"))
            made, token = start_kiosk(collection, "4711", idle_seconds=90, guardians_confirmed=False, actor=kim,
                                      now=utcnow(), on_this_device=False)
            made.idle_seconds = idle_seconds   # shorter than a coordinator may choose, for the test's sake
            db.session.commit()
        return f"{live_server}/kiosk/open/{token}", slug
    return make


def stored(live_app, slug):
    with live_app.app_context():
        from survey.models import Collection
        rows = db.session.execute(select(Response.client_id, Response.answers).join(Collection)
                                  .where(Collection.slug == slug)).all()
        db.session.remove()
        return rows


def open_kiosk(page, link):
    page.goto(link)
    page.locator(".kiosk-root[data-offline=ready]").wait_for(timeout=20_000)


def wait_until_all_sent(page) -> None:
    """The queue indicator says 0 (it says nothing until the outbox has been counted)."""
    page.wait_for_function("() => document.querySelector('[data-queue]').dataset.count === '0'", timeout=30_000)


def traces_of(page, text: str) -> dict:
    """Everywhere a respondent's words could stay behind in the browser."""
    return page.evaluate("""async (text) => {
      const fields = [...document.querySelectorAll('input, textarea')];
      const cached = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          const body = await (await cache.match(request)).text();
          if (body.includes(text)) cached.push(request.url);
        }
      }
      return {
        filled: fields.filter(f => (f.type === 'radio' || f.type === 'checkbox') ? f.checked : f.value !== '').length,
        in_page: document.documentElement.innerHTML.includes(text),
        local: localStorage.length, session: sessionStorage.length, cookies: document.cookie,
        cached: cached, history: history.length,
      };
    }""", text)


def test_the_kiosk_runs_under_a_strict_content_security_policy(tablet, kiosk):
    page = tablet
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    link, _slug = kiosk()
    open_kiosk(page, link)
    answer_one_respondent(page, wish="Mer tid", thanks_seconds=1)
    page.locator("[data-kiosk=picker][data-ready]").wait_for()
    page.locator("[data-action=staff]").click()
    page.locator("#kiosk-pin").fill("4711")
    page.locator("[data-pin-form] button[type=submit]").click()
    page.locator("[data-panel-status]:not([hidden])").wait_for()
    assert refused == []


def test_three_respondents_in_a_row_see_nothing_of_the_one_before(tablet, kiosk, live_app, tmp_path):
    page = tablet
    link, slug = kiosk()
    open_kiosk(page, link)
    history = page.evaluate("history.length")
    wishes = ["Fler fotbollsplaner", "Längre öppettider", "Mer musik"]
    for number, wish in enumerate(wishes):
        if number:
            # the next respondent starts where the one before left: nothing of theirs anywhere
            page.get_by_role("link", name="Svenska").click()
            visible(page, "[data-action=start]").click()
            left = traces_of(page, wishes[number - 1])
            assert left == {"filled": 0, "in_page": False, "local": 0, "session": 0, "cookies": "",
                            "cached": [], "history": history}, left
            # Back and Forward lead away from the kiosk and to a fresh page, never to an earlier respondent
            page.go_back()
            assert wishes[number - 1] not in page.content()
            page.go_forward()
            page.locator(".kiosk-root").wait_for()
            assert traces_of(page, wishes[number - 1])["filled"] == 0
            visible(page, "[data-action=decline]").click()
            visible(page, "[data-action=restart]").click()
            page.locator("[data-kiosk=picker][data-ready]").wait_for()
        answer_one_respondent(page, wish=wish, face=number, thanks_seconds=3 if number == 0 else None)
        if number == 0:
            keep_screenshot(page, "kiosk-thanks-tablet.png", tmp_path)
        page.locator("[data-kiosk=picker][data-ready]").wait_for()   # back to the picker by itself
        assert page.evaluate("history.length") == history
    wait_until_all_sent(page)
    rows = stored(live_app, slug)
    assert sorted(answers["wish"] for _id, answers in rows) == sorted(wishes)


def test_an_idle_respondent_is_warned_then_dropped(tablet, kiosk, live_app):
    page = tablet
    link, slug = kiosk(idle_seconds=4)
    open_kiosk(page, link)
    page.get_by_role("link", name="Svenska").click()
    visible(page, "[data-action=start]").click()
    visible(page, "input[name=birth_year]").fill("2010")
    page.locator("dialog.still-there[open]").wait_for(timeout=6_000)   # "Are you still there?"
    assert "/v1/sv" in page.url                                           # a warning first, not yet a reset
    page.locator("[data-kiosk=picker][data-ready]").wait_for(timeout=6_000)
    page.get_by_role("link", name="Svenska").click()
    visible(page, "[data-action=start]").click()
    assert visible(page, "input[name=birth_year]").input_value() == ""
    assert stored(live_app, slug) == []


def test_offline_run_queues_five_and_each_arrives_exactly_once(tablet, kiosk, live_app, tmp_path):
    page = tablet
    context = page.context
    link, slug = kiosk()
    open_kiosk(page, link)

    # The Wi-Fi drops: the page goes offline and every request the worker would make fails too.
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort())
    for number in range(5):
        answer_one_respondent(page, wish=f"Önskan nummer {number + 1}", face=number % 4)
        page.locator("[data-kiosk=picker][data-ready]").wait_for()
    queue = page.locator("[data-queue]")
    assert queue.get_attribute("data-count") == "5"
    keep_screenshot(page, "kiosk-queue-tablet.png", tmp_path)

    page.reload()   # offline: the worker serves the kiosk, the outbox is still there
    page.locator("[data-kiosk=picker][data-ready]").wait_for()
    page.wait_for_function("() => document.querySelector('[data-queue]').dataset.count === '5'")
    assert stored(live_app, slug) == []

    # The network returns; the first send reaches the server, which stores it, but the answer is lost.
    statuses: dict[str, list[int]] = {}

    def cut_the_first_reply(route):
        client_id = json.loads(route.request.post_data)["client_id"]
        reply = route.fetch()
        statuses.setdefault(client_id, []).append(reply.status)
        if len(statuses) == 1 and len(statuses[client_id]) == 1:
            route.abort()
        else:
            route.fulfill(response=reply)

    context.unroute("**/*")
    context.route("**/api/v1/collections/*/responses", cut_the_first_reply)
    context.set_offline(False)
    wait_until_all_sent(page)

    rows = stored(live_app, slug)
    assert len(rows) == 5 and len({client_id for client_id, _answers in rows}) == 5
    assert sorted(a["wish"] for _id, a in rows) == [f"Önskan nummer {n}" for n in range(1, 6)]
    cut = next(iter(statuses))
    assert statuses[cut] == [201, 200]           # stored once, acknowledged on the re-send
    assert all(codes == [201] for client_id, codes in statuses.items() if client_id != cut)


def outbox_counts(page) -> dict:
    return page.evaluate("() => Outbox.counts()")


def questionnaire_of_its_own(live_app) -> str:
    """A copy of allkinds under a new id, so that publishing a version of it touches no other test."""
    from survey.questionnaires.definition import Definition
    from survey.questionnaires.versions import latest_version, store_definition
    form_id = f"allkinds{os.urandom(3).hex()}"
    with live_app.app_context():
        data = copy.deepcopy(latest_version("allkinds").parsed.data)
        data["id"] = form_id
        store_definition(Definition(data))
        db.session.commit()
        db.session.remove()
    return form_id


def publish_version_2(live_app, slug):
    """A new questionnaire version (the `wish` question becomes required), and the collection moves to it.
    Version 1 has an answer already (from earlier in the event), so the change is a new version."""
    from survey.models import Collection
    from survey.questionnaires.definition import Definition
    from survey.questionnaires.versions import store_definition
    with live_app.app_context():
        collection = db.session.scalar(select(Collection).where(Collection.slug == slug))
        db.session.add(Response(collection=collection, version=collection.version, client_id=f"earlier-{slug}",
                                language="sv", channel="tablet", answers={}, submitted_at=utcnow()))
        data = copy.deepcopy(collection.version.parsed.data)
        data["version"] = "2"
        for page in data["pages"]:
            for item in page["items"]:
                if item["var"] == "wish":
                    item["required"] = True
        version = store_definition(Definition(data)).version
        collection.version = version
        db.session.commit()
        number = version.number
        db.session.remove()
    return number


def test_a_version_published_mid_respondent_keeps_their_answers_and_switches_between_respondents(
        tablet, kiosk, live_app):
    page = tablet
    link, slug = kiosk(form=questionnaire_of_its_own(live_app))
    open_kiosk(page, link)
    page.locator(".kiosk-root[data-ready]").wait_for()
    page.get_by_role("link", name="Svenska").click()
    visible(page, "[data-action=start]").click()
    new_number = publish_version_2(live_app, slug)          # while the respondent is answering

    visible(page, "[data-action=next]").click()
    visible(page, "#item-day_face .option").nth(1).click()
    visible(page, "[data-action=next]").click()
    visible(page, "#item-come_back .option").first.click()  # no wish: fine in the version they answer
    visible(page, "[data-action=next]").click()
    visible(page, "[data-action=next]").click()
    page.locator("section[data-step=thanks]:not([hidden])").wait_for()

    # back at the picker, the kiosk caches the new version completely, then switches to it
    page.wait_for_function(f"() => document.querySelector('a[data-replace]')?.href.includes('/v{new_number}/')",
                           timeout=20_000)
    page.locator(".kiosk-root[data-offline=ready]").wait_for(timeout=20_000)
    wait_until_all_sent(page)
    with live_app.app_context():
        from survey.models import Collection
        rows = db.session.execute(select(Response.questionnaire_version_id, Response.answers).join(Collection)
                                  .where(Collection.slug == slug, Response.client_id != f"earlier-{slug}")).all()
        collection = db.session.scalar(select(Collection).where(Collection.slug == slug))
        first_version = collection.version.questionnaire.versions[0].id
        db.session.remove()
    assert len(rows) == 1 and rows[0][0] == first_version and "wish" not in rows[0][1]

    page.context.set_offline(True)                         # the new version works offline too
    page.context.route("**/*", lambda route: route.abort())
    page.reload()
    page.locator(".kiosk-root[data-ready]").wait_for()
    page.get_by_role("link", name="Svenska").click()
    visible(page, "[data-action=start]").click()
    assert f"/v{new_number}/sv" in page.url


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_server_failure_keeps_the_response_queued(tablet, kiosk, status):
    page = tablet
    link, _slug = kiosk()
    open_kiosk(page, link)
    tries = []

    def fail(route):
        tries.append(status)
        route.fulfill(status=status, json={"error": "x", "message": "x"}, headers={"Retry-After": "1"})

    page.context.route("**/api/v1/collections/*/responses", fail)
    answer_one_respondent(page)
    page.locator("[data-kiosk=picker][data-ready]").wait_for()
    deadline = time.monotonic() + 15
    while len(tries) < 3 and time.monotonic() < deadline:   # sent, and tried again later
        page.wait_for_timeout(200)
    assert len(tries) >= 3
    assert outbox_counts(page) == {"queued": 1, "held": 0}


@pytest.mark.parametrize("status", [409, 410, 422])
def test_a_refusal_is_kept_aside_for_the_coordinator_never_dropped(tablet, kiosk, status):
    page = tablet
    link, _slug = kiosk()
    open_kiosk(page, link)
    page.context.route("**/api/v1/collections/*/responses",
                       lambda route: route.fulfill(status=status, json={"error": "refused", "message": "x"}))
    answer_one_respondent(page)
    page.locator("[data-kiosk=picker][data-ready]").wait_for()
    page.wait_for_function("async () => (await Outbox.counts()).held === 1")
    assert outbox_counts(page) == {"queued": 0, "held": 1}
    page.locator("[data-action=staff]").click()
    page.locator("#kiosk-pin").fill("4711")
    page.locator("[data-pin-form] button[type=submit]").click()
    page.wait_for_function("() => document.querySelector('[data-fact=held]').textContent === '1'")


def test_a_queued_response_survives_closing_the_browser(browser, kiosk, live_app, live_server, tmp_path):
    link, slug = kiosk()
    profile = tmp_path / "tablet-profile"

    def launch():
        context = browser.browser_type.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, viewport=TABLET, has_touch=True, is_mobile=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        context.set_default_timeout(10_000)
        return context, (context.pages[0] if context.pages else context.new_page())

    context, page = launch()
    open_kiosk(page, link)
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort())
    answer_one_respondent(page, wish="Kvar efter omstart")
    page.locator("[data-kiosk=picker][data-ready]").wait_for()
    assert page.locator("[data-queue]").get_attribute("data-count") == "1"
    context.close()                                        # the tablet is switched off, still offline
    assert stored(live_app, slug) == []

    context, page = launch()                               # switched on again, with Wi-Fi
    page.goto(f"{live_server}/kiosk/{slug}/")
    wait_until_all_sent(page)
    assert [answers["wish"] for _id, answers in stored(live_app, slug)] == ["Kvar efter omstart"]
    context.close()


def test_the_staff_panel_behind_the_pin_shows_storage_and_queue(tablet, kiosk):
    page = tablet
    link, _slug = kiosk()
    open_kiosk(page, link)
    page.locator("[data-action=staff]").click()
    page.locator("#kiosk-pin").fill("0000")
    page.locator("[data-pin-form] button[type=submit]").click()
    page.locator("[data-pin-error]:not([hidden])").wait_for()
    page.locator("#kiosk-pin").fill("4711")
    page.locator("[data-pin-form] button[type=submit]").click()
    page.locator("[data-panel-status]:not([hidden])").wait_for()
    page.wait_for_function("() => document.querySelector('[data-fact=persisted]').dataset.value")
    assert page.locator("[data-fact=queued]").inner_text() == "0"
    assert page.locator("[data-fact=offline]").inner_text() != ""


def open_staff_panel(page):
    page.locator("[data-action=staff]").click()
    page.locator("#kiosk-pin").fill("4711")
    page.locator("[data-pin-form] button[type=submit]").click()
    page.locator("[data-panel-status]:not([hidden])").wait_for()


def test_leaving_kiosk_mode_with_the_pin_removes_the_worker_and_its_cache(tablet, kiosk):
    page = tablet
    link, slug = kiosk()
    open_kiosk(page, link)
    open_staff_panel(page)
    page.locator("[data-action=leave]").click()
    page.wait_for_url("**/staff/login")
    left = page.evaluate("""async () => ({
      workers: (await navigator.serviceWorker.getRegistrations()).length,
      caches: (await caches.keys()).filter(name => name.startsWith('kiosk ')).length})""")
    assert left == {"workers": 0, "caches": 0}
    page.goto(link.split("/kiosk/open/")[0] + f"/kiosk/{slug}/")
    assert f"/s/{slug}" in page.url                          # no kiosk any more: the ordinary survey


def test_kiosk_mode_is_not_left_while_answers_wait_to_be_sent(tablet, kiosk):
    page = tablet
    link, _slug = kiosk()
    open_kiosk(page, link)
    page.context.route("**/api/v1/collections/*/responses", lambda route: route.abort())
    answer_one_respondent(page)
    page.locator("[data-kiosk=picker][data-ready]").wait_for()
    open_staff_panel(page)
    page.locator("[data-action=leave]").click()
    page.locator("[data-leave-error]:not([hidden])").wait_for()
    assert "/kiosk/" in page.url and page.evaluate("() => Outbox.counts()") == {"queued": 1, "held": 0}


def test_a_full_tablet_keeps_the_respondent_on_screen_and_says_so(tablet, kiosk):
    page = tablet
    link, _slug = kiosk()
    open_kiosk(page, link)
    page.add_init_script("""IDBObjectStore.prototype.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };""")
    page.reload()
    page.locator("[data-kiosk=picker][data-ready]").wait_for()
    page.get_by_role("link", name="Svenska").click()
    visible(page, "[data-action=start]").click()
    visible(page, "[data-action=next]").click()
    visible(page, "#item-day_face .option").nth(1).click()
    visible(page, "[data-action=next]").click()
    visible(page, "#item-come_back .option").first.click()
    visible(page, "[data-action=next]").click()
    visible(page, "[data-action=next]").click()                     # Send
    page.locator("[data-save-error]:not([hidden])").wait_for()
    assert page.locator("section[data-step=thanks]").is_hidden()
    assert visible(page, "#item-se_a").count() == 1                 # still on the last page, answers kept


def test_the_larger_text_switch_enlarges_the_text_for_this_respondent_only(tablet, kiosk):
    page = tablet
    link, _slug = kiosk()
    open_kiosk(page, link)
    page.get_by_role("link", name="Svenska").click()
    switch = page.locator("[data-action=larger-text]")
    before = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    switch.click()
    after = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after > before and switch.get_attribute("aria-pressed") == "true"
    visible(page, "[data-action=decline]").click()
    visible(page, "[data-action=restart]").click()
    page.locator("[data-kiosk=picker][data-ready]").wait_for()
    page.get_by_role("link", name="Svenska").click()
    assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") == before


def test_recorded_somali_audio_is_offered_and_plays_offline(tablet, kiosk, live_app):
    from survey.i18n import languages
    from survey.paths import forms_dir
    from survey.questionnaires.loader import load_file
    from survey.questionnaires.versions import store_definition
    with live_app.app_context():
        store_definition(load_file(forms_dir() / "demo.yaml", languages()).definition)   # forms/audio/demo/so/
        db.session.commit()
    page = tablet
    link, _slug = kiosk(form="demo")
    open_kiosk(page, link)
    page.context.set_offline(True)
    page.context.route("**/*", lambda route: route.abort())
    page.get_by_role("link", name="Soomaali").click()
    visible(page, "[data-action=start]").click()
    visible(page, "[data-action=next]").click()
    speakers = visible(page, "#item-day_face button.speak")
    assert speakers.count() == 5                             # the question and its four faces
    assert all(speakers.nth(i).is_visible() for i in range(5))
    speakers.first.click()
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some(e => e.name.includes('/audio/demo/so/day_face.ogg'))")
    # Swedish has no recording here and headless Chromium no voice: no button at all
    assert page.evaluate("() => speechSynthesis.getVoices().length") == 0
    assert visible(page, "#item-can_solve button.speak:visible").count() == 0


def test_condition_vectors_give_the_same_results_in_the_browser(tablet):
    page = tablet
    page.set_content("<html><body></body></html>")
    page.add_script_tag(path=str(ROOT / "survey" / "kiosk" / "static" / "conditions.js"))
    vectors = json.loads(VECTORS.read_text())["vectors"]
    results = page.evaluate("(vectors) => vectors.map(v => Conditions.evaluate(v.condition, v.answers))", vectors)
    wrong = [v["why"] for v, got in zip(vectors, results) if got is not v["expected"]]
    assert not wrong


@pytest.fixture
def axe_tablet(browser):
    context = browser.new_context(viewport=TABLET, device_scale_factor=1, has_touch=True, is_mobile=True,
                                  bypass_csp=True)   # axe is injected as a script of the test's own
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_no_serious_accessibility_problems_on_the_kiosks_screens(axe_tablet, kiosk):
    page = axe_tablet
    link, _slug = kiosk()
    open_kiosk(page, link)
    problems = {"picker": serious_violations(page)}
    for name in ("Svenska", "العربية"):
        page.locator("[data-kiosk=picker][data-ready]").wait_for()
        page.get_by_role("link", name=name).click()
        visible(page, "[data-action=start]").click()
        visible(page, "[data-action=next]").click()
        problems[f"questionnaire {name}"] = serious_violations(page)
        page.goto(link.split("/kiosk/open/")[0] + f"/kiosk/{_slug}/")
    answer_one_respondent(page, thanks_seconds=60)
    problems["thanks"] = serious_violations(page)
    assert problems == {key: [] for key in problems}, problems
