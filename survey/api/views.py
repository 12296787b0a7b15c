"""API views: read the request, call the domain, answer JSON. Messages follow the body's
language when it names one the UI has, else the browser's (see i18n.get_locale)."""
from __future__ import annotations

import logging
import traceback
from datetime import datetime, timezone

import orjson
from flask import Blueprint, current_app, g, jsonify, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from ..auth.permissions import Permission, requires
from ..clock import local_today
from ..extensions import commit_if_begun, db, retry_after
from ..fieldwork.models import Collection, CollectionState
from ..fieldwork.snapshots import collection_view as by_slug
from ..i18n import answer_messages, ui_languages
from ..i18n import kept_gettext as _   # the API's messages take no variables, and are sent often
from ..ratelimits import submission_limit
from ..responses.intake import Outcome, accept
from .body import BodyError, parse_json, read_limited
from .envelope import SubmissionError, parse_submission
from .openapi import openapi_document, submission_json_schema

bp = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)

# An error reply names this many variables at most (each name cut short), and counts them all:
# 10,000 unknown answers, or one unknown name of 200 KB, must not make a reply that large.
MAX_LISTED_ERRORS = 20
MAX_NAME_CHARS = 64


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
@submission_limit
def submit_response(slug):
    # the app and the request themselves, not Flask's proxies, on the API's busiest path
    config, this = current_app._get_current_object().config, request._get_current_object()
    if not this.is_json:
        return _error(415, "unsupported_media_type", _("Send the response as JSON (Content-Type: application/json)."))
    try:
        payload = parse_json(read_limited(this.stream, config.get("MAX_CONTENT_LENGTH")))
    except BodyError as problem:
        return _error(problem.status, problem.code, str(problem.message), field=problem.field)
    if isinstance(payload, dict) and isinstance(payload.get("language"), str) and payload["language"] in ui_languages():
        g.lang = payload["language"]
    collection = by_slug(slug)
    if collection is None:
        return _unknown_collection()
    now = datetime.now(timezone.utc)
    try:
        submission = parse_submission(payload, collection, now)
    except SubmissionError as problem:
        return _error(422, problem.code, str(problem.message), field=problem.field)
    result = accept(collection, submission, now, tz=config["TIMEZONE"], grace_days=config["SUBMISSION_GRACE_DAYS"])
    if result.outcome is Outcome.NOT_OPEN:
        return _not_open(result.state)
    if result.outcome is Outcome.INVALID:
        listed = {var if len(var) <= MAX_NAME_CHARS else var[:MAX_NAME_CHARS] + "…": error
                  for var, error in list(result.errors.items())[:MAX_LISTED_ERRORS]}
        return _error(422, "invalid_answers", _("Some answers could not be accepted. Nothing was stored."),
                      errors=answer_messages(listed), error_count=len(result.errors))
    commit_if_begun()   # a conflict's counter; the response itself was committed by the intake
    if result.outcome is Outcome.CONFLICT:
        return _error(409, "conflict", _("Different answers were already received under this client_id. "
                                         "Nothing was changed."))
    created = result.outcome is Outcome.STORED
    message = _("Thank you! Your answers are saved.") if created else _("These answers were already received.")
    return _receipt(client_id=submission.client_id, stored=created, message=message), 201 if created else 200


def _receipt(**fields):
    """The reply to a stored or repeated submission, as `jsonify` writes it (sorted keys, compact,
    UTF-8, a closing newline) but by orjson: Flask's provider built a JSON encoder for every reply
    (about 20 µs of a submission's 0.8-1 ms in one process, measured)."""
    return current_app.response_class(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE),
                                      mimetype="application/json")


@bp.get("/collections/<slug>/schema.json")
@requires(Permission.PUBLIC)
def collection_schema(slug):
    collection = by_slug(slug)
    if collection is None:
        return _unknown_collection()
    return jsonify(submission_json_schema(collection, url_for("api.collection_schema", slug=slug, _external=True)))


@bp.get("/openapi.json")
@requires(Permission.PUBLIC)
def openapi():
    today = local_today(current_app.config["TIMEZONE"])
    open_now = [c for c in db.session.scalars(select(Collection).order_by(Collection.slug))
                if c.state_on(today) is CollectionState.OPEN]
    return jsonify(openapi_document(open_now))


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
    body, status = _error(error.code or 500, error.name.lower().replace(" ", "_"),
                          messages.get(error.code, error.description or error.name))
    return body, status, retry_after(error) if status == 429 else {}


@bp.errorhandler(Exception)
def api_unexpected_error(error: Exception):
    """Any unexpected error under /api/ answers JSON. The log gets the traceback's frames and the
    error's type, never its message or the request's data, which may hold a respondent's answers."""
    db.session.rollback()
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unexpected %s in %s %s\n%s", type(error).__name__, request.method,
              request.url_rule.rule if request.url_rule else "?", frames)
    return _error(500, "internal_error", _("Something went wrong on the server. Please send again later; "
                                           "a response sent twice is stored once."))
