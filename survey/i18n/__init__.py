"""Babel wiring: which UI languages exist, which one a request uses, and answer errors in words.

A UI language exists when forms/languages.yaml describes it and a catalogue is under
survey/i18n/catalogues/<code>/ (English is the source language and needs none).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel import Locale
from flask import current_app, g, request
from flask_babel import force_locale, gettext, lazy_gettext

from ..extensions import babel
from ..paths import forms_dir
from ..questionnaires.errors import AnswerError
from .languages import Language, load_languages

SOURCE_LANGUAGE = "en"


CATALOGUES = Path(__file__).resolve().parent / "catalogues"


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(CATALOGUES))
    babel.init_app(app, locale_selector=_babel_locale)
    with app.app_context():
        languages = load_languages(forms_dir() / "languages.yaml")
    app.extensions["survey_locale_hints"] = []
    app.extensions["survey_kept_texts"] = {}
    app.extensions["survey_languages"] = languages
    app.extensions["survey_ui_languages"] = [
        code for code in languages
        if code == SOURCE_LANGUAGE or (CATALOGUES / code / "LC_MESSAGES" / "messages.po").exists()
    ]

    app.add_template_filter(localized_digits, "digits")

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


def localized_digits(value, lang: str | None = None) -> str:
    """A number (or text) with the digits of the request's language, for page counts, ranges and
    progress shown to respondents: `{{ total|digits }}`. Input accepts both digit sets."""
    return language(lang or get_locale()).localize_digits(value)


def add_locale_hint(app, hint: Callable[[], str | None]) -> None:
    """Let a feature say which language a request is in (the respondent's journey does)."""
    app.extensions["survey_locale_hints"].append(hint)


def get_locale() -> str:
    """The language chosen for this request, else a feature's hint (the respondent's journey, so an
    error page mid-questionnaire keeps their language), else the browser's, else Swedish."""
    chosen = g.get("lang")
    if chosen in ui_languages():
        return chosen
    if request:
        for hint in current_app.extensions["survey_locale_hints"]:
            hinted = hint()
            if hinted in ui_languages():
                return hinted
        best = request.accept_languages.best_match(ui_languages())
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def kept_gettext(message: str, **variables) -> str:
    """Flask-Babel's `gettext` into the request's language, with each message's translation kept
    per language once looked up.

    For the submission replies, sent thousands of times a minute at an event: `gettext` finds the
    request's catalogue anew on every call, through several look-ups in `g` (about 20 µs a call,
    measured; a kept one costs the locale's choice and a dict look-up). A message is a literal in
    the code, so what is kept is bounded by the messages times the languages."""
    code = get_locale()
    kept = current_app.extensions["survey_kept_texts"]
    text = kept.get((code, message))
    if text is None:
        with force_locale(code):
            text = kept[(code, message)] = gettext(message)
    return text % variables if variables else text


def _babel_locale() -> Locale:
    return _parsed_locale(get_locale())


@lru_cache(maxsize=64)
def _parsed_locale(code: str) -> Locale:
    # Flask-Babel parses the selector's answer on every request unless it is a Locale already
    return Locale.parse(code)


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
    params = {key: localized_digits(value) if isinstance(value, (int, float)) else value
              for key, value in params.items()}
    return str(_MESSAGES.get(code, _MESSAGES["wrong_type"])) % params


def answer_messages(errors: dict[str, AnswerError]) -> dict[str, list[dict]]:
    """Errors per variable, each with its stable code and a message in the request's language."""
    return {var: [{"code": e.code, "message": answer_message(e), **({"params": e.params} if e.params else {})}]
            for var, e in errors.items()}
