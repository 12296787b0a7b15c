"""API views: read the request, call the domain, answer JSON."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, jsonify, request
from flask_babel import force_locale, gettext as _
from werkzeug.exceptions import HTTPException

from ..extensions import limiter
from ..fieldwork.operations import accepts_queued, by_slug, local_date, local_today, state
from ..i18n import answer_messages, ui_languages
from ..questionnaires.answers import check_answers
from ..responses import store_response
from . import bp
from .openapi import openapi_document
from .submission import SubmissionError, parse_submission


def _error(status: int, code: str, message: str, **extra):
    return jsonify(error=code, message=message, **extra), status


def _request_language(payload_language: str | None = None) -> str:
    if payload_language in ui_languages():
        return payload_language
    return request.accept_languages.best_match(ui_languages()) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _collection_or_error(slug: str, lang: str):
    collection = by_slug(slug)
    with force_locale(lang):
        if collection is None:
            return None, _error(404, "unknown_collection", _("There is no survey at this address."))
    return collection, None


@bp.get("/collections/<slug>")
def collection_detail(slug):
    lang = _request_language()
    collection, error = _collection_or_error(slug, lang)
    if error:
        return error
    current = state(collection, local_today(current_app.config["TIMEZONE"]))
    if current != "open":
        with force_locale(lang):
            return _error(410, current, _("This survey is not open now."))
    return jsonify(
        slug=collection.slug, activity=collection.activity, wave=collection.wave,
        audience=collection.audience, channel=collection.channel, languages=collection.languages,
        opens_on=collection.opens_on.isoformat() if collection.opens_on else None,
        closes_on=collection.closes_on.isoformat() if collection.closes_on else None,
        guardian_consent=collection.guardian_consent,
        questionnaire_version=collection.version.number,
        questionnaire=collection.version.parsed.describe(),
    )


@bp.post("/collections/<slug>/responses")
@limiter.limit(lambda: current_app.config["SUBMISSION_RATE_LIMIT"])
def submit_response(slug):
    payload = request.get_json(silent=True)
    lang = _request_language(payload.get("language") if isinstance(payload, dict) else None)
    collection, error = _collection_or_error(slug, lang)
    if error:
        return error
    with force_locale(lang):
        try:
            submission = parse_submission(payload, collection)
        except SubmissionError as problem:
            return _error(422, problem.code, str(problem.message), field=problem.field)
    now = datetime.now(timezone.utc)
    today = local_today(current_app.config["TIMEZONE"])
    answered_on = local_date(submission.submitted_at, current_app.config["TIMEZONE"])
    if not accepts_queued(collection, min(answered_on, today), today, current_app.config["SUBMISSION_GRACE_DAYS"]):
        with force_locale(lang):
            return _error(410, state(collection, today), _("This survey is not open now."))
    checked = check_answers(collection.version.parsed, submission.answers)
    if not checked.ok:
        with force_locale(lang):
            message = _("Some answers could not be accepted. Nothing was stored.")
        return _error(422, "invalid_answers", message, errors=answer_messages(checked.errors, lang))
    response, created = store_response(
        collection, client_id=submission.client_id, language=submission.language,
        channel=submission.channel, answers=checked.answers,
        started_at=submission.started_at, submitted_at=min(submission.submitted_at, now))
    with force_locale(lang):
        message = _("Thank you! Your answers are saved.") if created else _("These answers were already received.")
    return jsonify(client_id=response.client_id, stored=created, message=message), 201 if created else 200


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.errorhandler(HTTPException)
def api_http_error(error: HTTPException):
    with force_locale(_request_language()):
        messages = {
            413: _("The request is too large."),
            429: _("Too many requests. Please wait a minute and send again; nothing is lost."),
            404: _("Not found."),
            405: _("This method is not allowed here."),
            400: _("The request could not be read."),
        }
    return _error(error.code or 500, error.name.lower().replace(" ", "_"),
                  messages.get(error.code, error.description or error.name))
