"""Reading a JSON submission's envelope (client id, language, channel, times) into the intake's Submission;
the answers themselves are checked by the intake."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from flask_babel import lazy_gettext as _l

from ..fieldwork.models import Collection
from ..responses.intake import Submission, answered_version

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# RFC 3339 (what the OpenAPI description's date-time means) lets "t", "z" and a leap second "60" in
_LEAP_SECOND = re.compile(r"(T\d\d:\d\d:)60")


class SubmissionError(ValueError):
    def __init__(self, code: str, message, field: str | None = None):
        super().__init__(code)
        self.code, self.message, self.field = code, message, field


EARLIEST_PLAUSIBLE_YEAR = 2020


def _time(payload: dict, key: str, now: datetime) -> datetime | None:
    """A client's timestamp, or None when its clock is clearly wrong.

    A tablet whose clock reset to 1970 (or jumped years ahead) still has a real response in its
    queue: refusing it would lose it, so an implausible time counts as unknown instead. The year
    is checked before any time-zone arithmetic, which overflows at the calendar's edges.
    """
    raw = payload.get(key)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(_iso(raw)) if isinstance(raw, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise SubmissionError("invalid_time", _l("Times must be written as ISO 8601, e.g. 2026-06-20T14:05:00+02:00."), key)
    if not EARLIEST_PLAUSIBLE_YEAR <= moment.year <= now.year + 1:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment if moment <= now + timedelta(days=1) else None


def _iso(raw: str) -> str:
    """An RFC 3339 time as Python reads it: upper-case separators, a leap second as :59."""
    if raw.endswith(("z", "Z")):
        raw = raw[:-1] + "+00:00"
    if len(raw) > 10 and raw[10] == "t":
        raw = raw[:10] + "T" + raw[11:]
    return _LEAP_SECOND.sub(r"\g<1>59", raw)


def parse_submission(payload: Any, collection: Collection, now: datetime) -> Submission:
    if not isinstance(payload, dict):
        raise SubmissionError("not_json_object", _l("The request must be a JSON object."))
    client_id = payload.get("client_id")
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise SubmissionError("invalid_client_id",
                              _l("client_id must be 8 to 64 letters, digits, - or _ (a UUID is best)."), "client_id")
    language = payload.get("language")
    if language not in collection.languages:
        raise SubmissionError("wrong_language", _l("This survey is not offered in this language."), "language")
    channel = payload.get("channel", collection.response_channels[-1])
    if channel not in collection.response_channels:
        raise SubmissionError("wrong_channel", _l("This survey is not collected through this channel."), "channel")
    answers = payload.get("answers")
    if not isinstance(answers, dict):
        raise SubmissionError("invalid_answers_object", _l("answers must be an object of variable names and values."), "answers")
    started_at = _time(payload, "started_at", now)
    submitted_at = _time(payload, "submitted_at", now) or now
    if started_at and started_at > submitted_at:
        started_at = None   # one of the two clocks is wrong: the answers count, the start is unknown
    version = payload.get("questionnaire_version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)
                                or answered_version(collection, version) is None):
        raise SubmissionError(
            "unknown_questionnaire_version",
            _l("questionnaire_version must be the number of a version of this survey's questionnaire."),
            "questionnaire_version")
    return Submission(client_id, language, channel, answers, started_at, submitted_at, version)
