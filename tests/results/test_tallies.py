"""Running aggregates: a submission stores its response only; the catch-up run by whoever reads the
tallies counts every stored response exactly once; a journey begun is an anonymous daily total."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect, select

from survey.extensions import db
from survey.responses.models import Response
from survey.results.models import IndicatorTally, JourneyStart, ResponseMix, ResponseTally
from survey.results.tallies import catch_up


@pytest.fixture
def youth(load_form, make_collection):
    load_form("youth")
    return make_collection("unga", form="youth", audience="youth")


def counted(batch: int = 500) -> int:
    """What reading the results does first: count what arrived, then commit."""
    total = 0
    while n := catch_up("Europe/Stockholm", batch):
        total += n
    db.session.commit()
    return total


def tallies():
    return sorted((t.indicator, t.gender, t.n, t.total) for t in db.session.scalars(select(IndicatorTally)))


def test_a_stored_response_is_counted_by_day_language_and_channel(youth, submit, youth_answers):
    assert submit("unga", answers=youth_answers(), language="ar", channel="tablet").status_code == 201
    counted()
    [mix] = db.session.scalars(select(ResponseMix)).all()
    assert (mix.language, mix.channel, mix.responses) == ("ar", "tablet", 1)
    [daily] = db.session.scalars(select(ResponseTally)).all()
    assert daily.responses == 1


def test_a_stored_response_adds_its_value_to_each_indicator_of_its_questionnaire(youth, submit, youth_answers):
    submit("unga", answers=youth_answers(gender=2, safe=3, leisure_meaningful=1))
    counted()
    by_indicator = {t.indicator: (t.gender, t.n, t.total) for t in db.session.scalars(select(IndicatorTally))}
    assert by_indicator["youth_safety"] == ("2", 1, 1.0)          # 3 is in the top two of 1..4
    assert by_indicator["youth_leisure"] == ("2", 1, 0.0)         # 1 is not
    assert set(by_indicator) >= {"youth_self_efficacy", "youth_participation"}


def test_a_repeated_submission_is_counted_once(youth, submit, youth_answers):
    answers = youth_answers()
    submit("unga", answers=answers, client_id="c" * 32)
    counted()
    submit("unga", answers=answers, client_id="c" * 32)
    counted()
    assert db.session.scalar(select(ResponseTally.responses)) == 1
    assert {n for _i, _g, n, _t in tallies()} == {1}


def test_beginning_a_journey_counts_an_anonymous_daily_total(youth, client):
    client.get("/s/unga?lang=sv")
    client.get("/s/unga?lang=en")
    [row] = db.session.scalars(select(JourneyStart)).all()
    assert row.started == 2
    # nothing about who: the table holds the collection, the day and the count, nothing else
    assert {c["name"] for c in inspect(db.engine).get_columns("journey_start")} == {"collection_id", "day", "started"}


def test_rebuilding_gives_the_tallies_counting_at_intake_gave(youth, submit, youth_answers, runner):
    for gender, safe in ((1, 4), (2, 1), (1, 9), (9, 3)):
        submit("unga", answers=youth_answers(gender=gender, safe=safe))
    counted()
    before = tallies()
    result = runner.invoke(args=["results", "rebuild"])
    assert "from 4 responses" in result.output
    assert tallies() == before
    assert counted() == 0                      # nothing is pending after a rebuild


def test_a_submission_stores_its_response_and_leaves_the_counting_to_the_catch_up(youth, submit, youth_answers):
    assert submit("unga", answers=youth_answers()).status_code == 201
    assert db.session.scalar(select(Response.pending_tally)) is True
    assert db.session.scalars(select(ResponseTally)).all() == []
    assert counted() == 1
    assert db.session.scalar(select(Response.pending_tally)) is False
    assert db.session.scalar(select(ResponseTally.responses)) == 1


def test_catching_up_in_small_batches_counts_each_response_exactly_once(youth, submit, youth_answers):
    for gender in (1, 2, 1, 2, 1, 9, 1):
        submit("unga", answers=youth_answers(gender=gender))
    assert counted(batch=3) == 7
    assert counted() == 0
    assert db.session.scalar(select(ResponseTally.responses)) == 7
    assert sum(n for indicator, _g, n, _t in tallies() if indicator == "youth_safety") == 7


def test_a_catch_up_that_fails_leaves_its_responses_waiting(youth, submit, youth_answers):
    submit("unga", answers=youth_answers())
    catch_up("Europe/Stockholm")
    db.session.rollback()                       # e.g. the page failed before its commit
    assert db.session.scalars(select(ResponseTally)).all() == []
    assert counted() == 1
    assert db.session.scalar(select(ResponseTally.responses)) == 1


def test_a_response_on_a_past_day_counts_in_that_year(youth, store_on, youth_answers):
    store_on(youth, date(2025, 5, 2), youth_answers())
    assert {t.year for t in db.session.scalars(select(IndicatorTally))} == {2025}
