"""The results pages as staff and participants see them: figures pass the disclosure rule, hidden
cells say so, partners see only their collections, the yearly report compares with the baseline."""
from __future__ import annotations

import io
import unicodedata
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey.audit.models import AuditRecord
from survey.extensions import db


@pytest.fixture
def youth(load_form, make_collection):
    load_form("youth")
    return make_collection("unga", form="youth", audience="youth", activity="Ungdomsforum")


def cells(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_the_overview_counts_responses_by_language_and_hides_a_small_group(youth, submit, staff, client, youth_answers):
    for _ in range(7):
        submit("unga", answers=youth_answers(), language="sv")
    for _ in range(2):
        submit("unga", answers=youth_answers(), language="ar")
    staff.sign_in("coordinator")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"   # Swedish decimals: 4,5
    page = cells(client.get("/staff/results/").text)
    # 2 Arabic answers are hidden, and so is the Swedish 7 they could be worked out from (9 - 7)
    assert "<td>9</td>" in page
    assert "<td>7</td>" not in page and "<td>2</td>" not in page
    assert page.count('<span class="suppressed"') >= 4   # sv and ar, in the collection's row and in the totals


def test_a_partner_sees_only_the_collections_they_are_scoped_to(youth, make_collection, staff, client, runner):
    make_collection("sommar", activity="Bästa sommaren")
    staff.create("malmo", "partner")
    assert runner.invoke(args=["users", "scope", "malmo", "unga"]).exit_code == 0
    client.post("/staff/login", data={"username": "malmo", "password": "a-long-enough-passphrase"})
    page = client.get("/staff/results/").text
    assert "Ungdomsforum" in page and "Bästa sommaren" not in page
    assert client.get("/staff/results/c/sommar").status_code == 404
    assert client.get("/staff/results/c/unga").status_code == 200


def test_a_partner_without_a_scope_sees_no_collection(youth, staff, client):
    staff.sign_in("partner")
    assert "Ungdomsforum" not in client.get("/staff/results/").text


def test_scoping_a_partner_is_audited(youth, staff, runner):
    staff.create("malmo", "partner")
    runner.invoke(args=["users", "scope", "malmo", "unga"])
    entry = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "results.scope")).one()
    assert (entry.object_id, entry.detail) == ("malmo", "unga")


def test_scoping_to_an_unknown_collection_changes_nothing(youth, staff, runner):
    staff.create("malmo", "partner")
    result = runner.invoke(args=["users", "scope", "malmo", "unga", "nope"])
    assert result.exit_code != 0 and "no collection 'nope'" in result.output


def test_the_overview_shows_an_outcome_by_gender_with_its_interval(youth, submit, staff, client, youth_answers):
    for gender, safe in [(1, 4)] * 8 + [(1, 2)] * 2 + [(2, 3)] * 6 + [(2, 1)] * 4 + [(9, 4)] * 5:
        submit("unga", answers=youth_answers(gender=gender, safe=safe))
    staff.sign_in("researcher")
    page = cells(client.get("/staff/results/").text)
    # girls 8 of 10 safe: Wilson 49%–94%
    assert "80% (49%–94%) <span class=\"n\">n = 10</span>" in page
    assert "<svg" in page and 'class="chart"' in page


def test_the_overview_shows_event_feedback_mean_and_distribution(load_form, make_collection, submit, staff, client):
    load_form("event_feedback")
    make_collection("forum", form="event_feedback", audience="any", wave="event", activity="Dialogforum")
    for score in [4] * 6 + [5] * 5:
        submit("forum", answers={"met_expectations": score})
    staff.sign_in("coordinator")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"   # Swedish decimals: 4,5
    page = cells(client.get("/staff/results/").text)
    assert "Dialogforum" in page
    assert "<td>4,5</td><td>11</td>" in page   # (24 + 25) / 11 = 4.45, in Swedish, the staff pages' default
    # nobody chose 1-3: those empty cells are below the threshold too, so the whole distribution
    # is hidden (the mean and the total would otherwise give them back)
    assert "<td>6</td>" not in page


def test_the_yearly_report_compares_with_the_baseline_by_hand(youth, make_collection, store_on, staff, client,
                                                              youth_answers):
    baseline = make_collection("unga-2025", form="youth", audience="youth", activity="Forum 2025", wave="baseline")
    for safe in [4] * 10 + [1] * 10:             # 2025 baseline: 10 of 20 feel safe
        store_on(baseline, date(2025, 5, 1), youth_answers(gender=1, safe=safe))
    for safe in [4] * 15 + [2] * 5:              # 2026: 15 of 20
        store_on(youth, date(2026, 5, 1), youth_answers(gender=1, safe=safe))
    staff.sign_in("partner", username="city")
    from survey.results.scope import set_scope
    from survey.auth.accounts import find_user
    set_scope(find_user("city"), [baseline, youth], actor_name="test")
    db.session.commit()
    page = cells(client.get("/staff/results/report/2026?lang=en").text)
    # 0.75 - 0.50 = +25 points; Newcombe: 0.25 - sqrt((0.75-0.5313)² + (0.7008-0.5)²) = -0.047,
    # 0.25 + sqrt((0.8881-0.75)² + (0.5-0.2992)²) = 0.494
    assert "+25 (-5 … +49)" in page
    assert "20 in 1" in page
    assert "75% (53%–89%)" in page


def test_the_yearly_report_is_a_pdf_with_a_page_per_outcome(youth, store_on, staff, client, youth_answers):
    pypdf = pytest.importorskip("pypdf")
    for safe in [4] * 12 + [1] * 8:
        store_on(youth, date(2026, 5, 1), youth_answers(gender=1, safe=safe))
    staff.sign_in("admin")
    reply = client.get("/staff/results/report/2026.pdf?lang=en")
    assert reply.mimetype == "application/pdf"
    # NFKC: a font may set "ffi" as one ligature glyph, which the PDF's text then carries
    pages = [unicodedata.normalize("NFKC", page.extract_text())
             for page in pypdf.PdfReader(io.BytesIO(reply.data)).pages]
    assert "Results 2026" in pages[0]
    titles = [text.split("\n")[0] for text in pages]
    for outcome in ("Self-efficacy", "Participation and influence", "Sense of safety", "Meaningful leisure", "Method"):
        assert outcome in titles


# -- the results page for participants ------------------------------------------------------------

def close(collection):
    collection.closes_on = date.today() - timedelta(days=1)
    db.session.commit()


def test_the_results_page_does_not_exist_unless_switched_on(youth, client):
    close(youth)
    assert client.get("/s/unga/results").status_code == 404


def test_the_results_page_waits_until_the_collection_has_closed(youth, runner, client):
    runner.invoke(args=["results", "publish", "unga"])
    assert client.get("/s/unga/results").status_code == 409


def test_the_results_page_shows_shares_in_words_when_every_group_has_ten(youth, submit, runner, client, youth_answers):
    for gender, safe in [(1, 4)] * 8 + [(1, 1)] * 2 + [(2, 4)] * 6 + [(2, 1)] * 4 + [(3, 4)] * 10:
        submit("unga", answers=youth_answers(gender=gender, safe=safe))
    runner.invoke(args=["results", "publish", "unga"])
    close(youth)
    page = cells(client.get("/s/unga/results?lang=en").text)
    assert "30 people answered" in page
    assert "About 8 out of every 10 who answered feel safe at Vänskapshuset." in page
    assert "8 of 10" in page and "6 of 10" in page   # girls, boys


def test_the_results_page_shows_no_gender_groups_when_one_has_fewer_than_ten(youth, submit, runner, client, youth_answers):
    for gender in [1] * 12 + [2] * 9:
        submit("unga", answers=youth_answers(gender=gender, safe=4))
    runner.invoke(args=["results", "publish", "unga"])
    close(youth)
    page = cells(client.get("/s/unga/results?lang=en").text)
    assert "About 10 out of every 10" in page
    assert "apart only when at least 10 in every group answered" in page
    assert "<svg" not in page


def test_the_thank_you_page_links_the_results_page_when_switched_on(youth, runner, client):
    runner.invoke(args=["results", "publish", "unga"])
    page = client.get("/s/unga/thanks?lang=ar").text
    assert 'href="/s/unga/results?lang=ar"' in page


def test_the_method_page_gives_each_instruments_validity_from_its_wording(youth, store_on, staff, client, youth_answers):
    for safe in [4] * 6:
        store_on(youth, date(2026, 5, 1), youth_answers(gender=1, safe=safe))
    staff.sign_in("admin")
    page = cells(client.get("/staff/results/report/2026?lang=en").text)
    method = page[page.index("Instruments"):]
    assert "Published instrument, wording unchanged." in method          # the GSE
    assert "Written for this project; not validated." in method          # feeling safe at Vänskapshuset
