"""API views: read the request, call the domain, answer JSON. Messages follow the body's
language when it names one the UI has, else the browser's (see i18n.get_locale)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..auth.permissions import Permission, requires
from ..clock import local_today
from ..extensions import db, limiter
from ..fieldwork.models import CollectionState
from ..fieldwork.snapshots import collection_view as by_slug
from ..i18n import answer_messages, ui_languages
from ..responses.intake import Outcome, accept
from .envelope import SubmissionError, parse_submission
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _error(status: int, code: str, message: str, **extra):
    return jsonify(error=code, message=message, **extra), status


def _unknown_collection():
    return _error(404, "unknown_collection", _("There is no survey at this address."))


def _not_open(current_state: str):
    return _error(410, current_state, _("This survey is not open now."))


@bp.get("/collections/<slug>")
@requires(Permission.PUBLIC)
def collection_detail(slug):
    collection = by_slug(slug)
    if collection is None:
        return _unknown_collection()
    current = collection.state_on(local_today(current_app.config["TIMEZONE"]))
    if current is not CollectionState.OPEN:
        return _not_open(current)
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
@requires(Permission.PUBLIC)
@limiter.limit(lambda: current_app.config["SUBMISSION_RATE_LIMIT"])
def submit_response(slug):
    payload = request.get_json(silent=True)
    if isinstance(payload, dict) and payload.get("language") in ui_languages():
        g.lang = payload["language"]
    collection = by_slug(slug)
    if collection is None:
        return _unknown_collection()
    now = datetime.now(timezone.utc)
    try:
        submission = parse_submission(payload, collection, now)
    except SubmissionError as problem:
        return _error(422, problem.code, str(problem.message), field=problem.field)
    result = accept(collection, submission, now, tz=current_app.config["TIMEZONE"],
                    grace_days=current_app.config["SUBMISSION_GRACE_DAYS"])
    if result.outcome is Outcome.NOT_OPEN:
        return _not_open(result.state)
    if result.outcome is Outcome.INVALID:
        return _error(422, "invalid_answers", _("Some answers could not be accepted. Nothing was stored."),
                      errors=answer_messages(result.errors))
    db.session.commit()
    if result.outcome is Outcome.CONFLICT:
        return _error(409, "conflict", _("Different answers were already received under this client_id. "
                                         "Nothing was changed."))
    created = result.outcome is Outcome.STORED
    message = _("Thank you! Your answers are saved.") if created else _("These answers were already received.")
    return jsonify(client_id=submission.client_id, stored=created, message=message), 201 if created else 200


@bp.get("/openapi.json")
@requires(Permission.PUBLIC)
def openapi():
    return jsonify(openapi_document())


@bp.errorhandler(HTTPException)
def api_http_error(error: HTTPException):
    messages = {
        400: _("The request could not be read."),
        401: _("Sign in, or send a valid API token (Authorization: Bearer ...)."),
        403: _("Your account may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        429: _("Too many requests. Please wait a minute and send again; nothing is lost."),
    }
    return _error(error.code or 500, error.name.lower().replace(" ", "_"),
                  messages.get(error.code, error.description or error.name))
