"""Every link and button a respondent's pages render, followed in every language of the collection:
no 5xx, nothing that leads nowhere, and each page in the language the respondent chose."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.i18n import language
from survey.models import Response

from factories import PROJECT_FORMS, load_fixture_form
from pages import Crawler, Field


def valid_form_input(definition):
    """A valid typed answer for each text-like field of the questionnaire (choices are ticked by the crawler)."""
    def fill(field: Field) -> str | None:
        item = definition.items.get(field.name)
        if item is None:
            return None
        schema = item.answer_schema()
        if schema.get("type") in ("integer", "number"):
            return str(schema.get("minimum", 1))
        if schema.get("type") == "string":
            return "Hej hej"[:schema.get("maxLength", 7)]
        return None
    return fill


@pytest.fixture(params=["allkinds", "demo"])
def questionnaire(request, make_collection, staff):
    from survey.fieldwork.operations import confirm_guardian_consent
    if request.param == "demo":
        load_fixture_form("demo", PROJECT_FORMS)
    collection = make_collection(slug=f"walk-{request.param}", form=request.param, guardian_consent=True,
                                 audience="child")
    # a children's collection takes answers once a coordinator has confirmed the guardians' consent
    confirm_guardian_consent(collection, actor=staff.create("coordinator-walk", "coordinator"))
    db.session.commit()
    return collection


@pytest.fixture
def walk(app, client, questionnaire):
    crawler = Crawler(app, valid_form_input(questionnaire.version.parsed))
    crawler.crawl(client, f"/s/{questionnaire.slug}")
    return crawler


def ended(visits, lang, how):
    return [v for v in visits if v.lang == lang and v.status == 200 and how(v)]


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_every_link_and_button_leads_to_a_page_in_the_chosen_language(walk, client):
    broken = [f"{v.status} at {v.method} {v.final}, reached by {v.via}" for v in walk.visits if v.status != 200]
    assert broken == []
    wrong = [f"{v.page.lang}/{v.page.direction} at {v.final} (chose {v.lang}), reached by {v.via}"
             for v in walk.visits if v.lang and v.page
             and (v.page.lang, v.page.direction) != (v.lang, language(v.lang).direction)]
    assert wrong == []
    assert walk.resources
    for url in walk.resources:     # the stylesheet and script every page names
        assert client.get(urlsplit(url).path).status_code == 200, url


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_the_walk_reaches_thanks_declined_and_stopped_in_every_language(walk, questionnaire):
    for lang in questionnaire.languages:
        assert ended(walk.visits, lang, lambda v: urlsplit(v.final).path.endswith("/thanks")), lang
        assert ended(walk.visits, lang, lambda v: urlsplit(v.final).path.endswith("/declined")), lang
        assert ended(walk.visits, lang, lambda v: v.method == "POST" and urlsplit(v.final).path.endswith("/stop")), lang
    assert {r.language for r in db.session.scalars(select(Response))} == set(questionnaire.languages)
