"""A respondent's unfinished answers, kept only in their own (signed) session cookie until they submit.

One journey at a time: starting another survey on the same device replaces it, so a shared
tablet never carries one child's answers into the next child's questionnaire.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, MutableMapping

KEY = "journey"


class Journey:
    def __init__(self, session: MutableMapping, slug: str):
        self._session = session
        data = session.get(KEY)
        self.data: dict | None = data if isinstance(data, dict) and data.get("slug") == slug else None

    @property
    def exists(self) -> bool:
        return self.data is not None

    def begin(self, slug: str, lang: str, version_id: int, channel: str) -> None:
        """Start, or switch the language of a journey already under way for this survey."""
        if self.data and self.data["version"] == version_id:
            self.data["lang"] = lang
        else:
            self.data = {"slug": slug, "lang": lang, "version": version_id, "channel": channel,
                         "cid": uuid.uuid4().hex, "consent": False, "started": None, "answers": {}}
        self._save()

    def consent(self) -> None:
        self.data["consent"] = True
        self.data["started"] = datetime.now(timezone.utc).replace(second=0, microsecond=0).isoformat()
        self._save()

    def set_answers(self, replaced_vars: list[str], answers: dict[str, Any]) -> None:
        for var in replaced_vars:
            self.data["answers"].pop(var, None)
        self.data["answers"].update(answers)
        self._save()

    def end(self) -> None:
        self._session.pop(KEY, None)
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
        self._session[KEY] = self.data
        if hasattr(self._session, "modified"):
            self._session.modified = True
