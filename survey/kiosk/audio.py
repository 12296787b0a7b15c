"""Recorded read-aloud audio in forms/audio/, for languages the tablets have no voice for.

The naming rule (docs/offline.md): forms/audio/<form id>/<language>/<name>.<ogg|mp3>, where <name>
is an item's variable (its label) or <choice list>.<choice value> (a choice's label); e.g.
forms/audio/child/so/age.ogg and forms/audio/child/so/yes_no.1.ogg. Ogg Vorbis is preferred; MP3
is taken when there is no Ogg file (older iPads play only MP3).
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import url_for

from ..paths import forms_dir

EXTENSIONS = ("ogg", "mp3")
MIME = {"ogg": "audio/ogg", "mp3": "audio/mpeg"}
SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def audio_dir() -> Path:
    return forms_dir() / "audio"


def recording(form_id: str, lang: str, name: str) -> Path | None:
    """The recorded file for one label, or None."""
    if not all(SAFE.match(part) and not part.startswith(".") for part in (form_id, lang, name)):
        return None
    folder = audio_dir() / form_id / lang
    for extension in EXTENSIONS:
        path = folder / f"{name}.{extension}"
        if path.is_file():
            return path
    return None


def recording_url(definition, lang: str, name: str) -> str | None:
    """The URL of a label's recording, for the widget templates (None when there is none)."""
    path = recording(definition.id, lang, name)
    if path is None:
        return None
    return url_for("kiosk.audio", form_id=definition.id, lang=lang, filename=path.name)


def recordings(definition, lang: str) -> list[str]:
    """Every recording URL of one questionnaire in one language, for the kiosk's offline cache."""
    names = [item.var for page in definition.pages for item in page.items]
    names += [f"{name}.{choice.value}" for name, choice_list in definition.choice_lists.items()
              for choice in choice_list.choices]
    return [url for url in (recording_url(definition, lang, name) for name in names) if url]
