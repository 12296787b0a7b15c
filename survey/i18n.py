"""Babel wiring: which UI languages exist, which one a request uses, and answer errors in words.

A UI language exists when forms/languages.yaml describes it and a catalogue is under
survey/translations/<code>/ (English is the source language and needs none).
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app, g, request, session
from flask_babel import lazy_gettext

from .languages import Language, load_languages
from .questionnaires.errors import AnswerError

SOURCE_LANGUAGE = "en"


def init_app(app) -> None:
    languages = load_languages(Path(app.config["FORMS_DIR"]) / "languages.yaml")
    catalogues = Path(app.root_path) / "translations"
    app.extensions["survey_languages"] = languages
    app.extensions["survey_ui_languages"] = [
        code for code in languages
        if code == SOURCE_LANGUAGE or (catalogues / code / "LC_MESSAGES" / "messages.po").exists()
    ]

    @app.context_processor
    def language_context():
        lang = get_locale()
        return {"current_language": language(lang), "ui_languages": ui_languages()}


def languages() -> dict[str, Language]:
    return current_app.extensions["survey_languages"]


def ui_languages() -> list[str]:
    return current_app.extensions["survey_ui_languages"]


def language(code: str) -> Language:
    return languages().get(code) or Language(code, code, code, "ltr")


def get_locale() -> str:
    """The language chosen for this request, else the respondent's journey (so an error page
    mid-questionnaire keeps their language), else the browser's, else Swedish."""
    chosen = g.get("lang")
    if chosen in ui_languages():
        return chosen
    if request:
        journey = session.get("journey")
        if isinstance(journey, dict) and journey.get("lang") in ui_languages():
            return journey["lang"]
        best = request.accept_languages.best_match(ui_languages())
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# Kept as lazy strings so `pybabel extract` finds them and each request renders its own language.
_MESSAGES = {
    "required": lazy_gettext("Please answer this question."),
    "wrong_type": lazy_gettext("This answer does not fit this question."),
    "not_a_number": lazy_gettext("Please write a number, for example 12."),
    "not_an_integer": lazy_gettext("Please write a whole number."),
    "range": lazy_gettext("Please write a number from %(min)s to %(max)s."),
    "too_small": lazy_gettext("Please write a number of at least %(min)s."),
    "too_large": lazy_gettext("Please write a number of at most %(max)s."),
    "unknown_choice": lazy_gettext("Please choose one of the answers shown."),
    "too_long": lazy_gettext("Please write at most %(max_length)s characters."),
    "unknown_variable": lazy_gettext("This question is not part of the questionnaire."),
    "not_answerable": lazy_gettext("This is information only and takes no answer."),
    "year_out_of_range": lazy_gettext("Please write a year from %(min)s to %(max)s."),
}


def answer_message(error: AnswerError) -> str:
    code = error.code
    params = error.params
    if code in ("too_small", "too_large") and params.get("min") is not None and params.get("max") is not None:
        code = "range"
    return str(_MESSAGES.get(code, _MESSAGES["wrong_type"])) % params


def answer_messages(errors: dict[str, AnswerError]) -> dict[str, list[dict]]:
    """Errors per variable, each with its stable code and a message in the request's language."""
    return {var: [{"code": e.code, "message": answer_message(e), **({"params": e.params} if e.params else {})}]
            for var, e in errors.items()}
