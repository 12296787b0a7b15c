"""A respondent's unfinished answers, kept only in their own (signed) session cookie until they submit.

One journey at a time, and a new one every time someone starts from the language picker or a
poster link: a shared tablet never carries one child's answers into the next child's
questionnaire. A journey left idle expires, for the child who walked away mid-way.

On a parent's own phone (the link channel) the journey lives longer (`link_idle_minutes`), so
re-opening the link offers to continue where they left off; the answers stay in their own
cookie, never on the server, until they send them. Tablets never resume: every start is fresh.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, MutableMapping

KEY = "journey"
# What a respondent's session holds besides the journey: Flask-WTF's CSRF secret (its default key),
# Flask's permanent flag and Flask-Login's session-protection mark (`_fresh`, set for visitors who
# are not signed in). When nothing else is left (no staff sign-in in the same browser: that adds
# `_user_id`), an ended journey takes the whole cookie with it.
_RESPONDENT_ONLY = frozenset({KEY, "csrf_token", "_permanent", "_fresh"})


class Journey:
    def __init__(self, session: MutableMapping, slug: str, idle_minutes: int = 60,
                 link_idle_minutes: int | None = None):
        self._session = session
        data = session.get(KEY)
        self.data: dict | None = data if isinstance(data, dict) and data.get("slug") == slug else None
        if self.data and self.data.get("channel") == "link" and link_idle_minutes:
            idle_minutes = link_idle_minutes
        if self.data and _now() - datetime.fromisoformat(self.data.get("touched", "2000-01-01T00:00:00+00:00")) \
                > timedelta(minutes=idle_minutes):
            self.end()

    @staticmethod
    def language_in(session: MutableMapping) -> str | None:
        """The language of whatever journey the session holds, without opening it."""
        data = session.get(KEY)
        return data.get("lang") if isinstance(data, dict) else None

    @property
    def exists(self) -> bool:
        return self.data is not None

    def begin(self, slug: str, lang: str, version_id: int, channel: str) -> None:
        """Start afresh: whatever an earlier respondent left unfinished is dropped, never inherited."""
        self.data = {"slug": slug, "lang": lang, "version": version_id, "channel": channel,
                     "cid": uuid.uuid4().hex, "consent": False, "started": None, "answers": {}}
        # a phone keeps its cookie when the browser closes; a shared tablet's ends with the browser
        if hasattr(self._session, "permanent"):
            self._session.permanent = channel == "link"
        self._save()

    @property
    def resumable(self) -> bool:
        """Whether re-opening the link offers "continue where you left off" (phones only)."""
        return self.exists and self.data.get("channel") == "link" and bool(self.data.get("consent"))

    def set_age_band(self, band: str) -> None:
        self.data["age_band"] = band
        self._save()

    def visit(self, number: int) -> None:
        """Remember the page shown last, where "continue" leads back to."""
        if self.data.get("at") != number:
            self.data["at"] = number
            self._save()

    def consent(self) -> None:
        self.data["consent"] = True
        self.data["started"] = _now().replace(second=0, microsecond=0).isoformat()
        self._save()

    def set_answers(self, replaced_vars: list[str], answers: dict[str, Any]) -> None:
        for var in replaced_vars:
            self.data["answers"].pop(var, None)
        self.data["answers"].update(answers)
        self._save()

    def end(self) -> None:
        """Drop the journey. A session that held nothing but it (and the CSRF secret its pages
        needed) is emptied, so the browser is told to delete the cookie: a shared tablet keeps
        nothing of the child who just finished, and the last page's reply signs no new cookie
        (benchmarks/README.md: signing it was 4 % of that request's instructions)."""
        self._session.pop(KEY, None)
        if self._session.keys() <= _RESPONDENT_ONLY:
            self._session.clear()       # not permanent either: that flag would be one more key
        elif hasattr(self._session, "permanent"):
            self._session.permanent = False
        self.data = None

    @property
    def lang(self) -> str:
        return self.data["lang"]

    @property
    def answers(self) -> dict[str, Any]:
        return self.data["answers"]

    @property
    def started_at(self) -> datetime | None:
        return datetime.fromisoformat(self.data["started"]) if self.data.get("started") else None

    def __getitem__(self, key):
        return self.data[key]

    def _save(self) -> None:
        self.data["touched"] = _now().isoformat(timespec="seconds")
        self._session[KEY] = self.data
        if hasattr(self._session, "modified"):
            self._session.modified = True


def _now() -> datetime:
    return datetime.now(timezone.utc)
