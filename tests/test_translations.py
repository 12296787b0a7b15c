"""The UI catalogues: complete, placeholders intact, and in step with the strings in the code."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "survey" / "i18n" / "catalogues"
LANGUAGES = sorted(p.name for p in CATALOGUES.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists())
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(lang: str):
    with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def test_the_five_respondent_languages_have_catalogues():
    assert {"sv", "ar", "so", "fa"} <= set(LANGUAGES)   # English is the source language


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_with_its_placeholders(lang):
    problems = []
    for message in catalogue(lang):
        if not message.id:
            continue
        if message.pluralizable:
            # every plural form may use only the plural's placeholders, and the last (the general
            # form) must use them all; a language's "one" may say the number in words
            plural = sorted(set(PLACEHOLDER.findall(message.id[1])))
            forms = message.string if isinstance(message.string, tuple) else ()
            if not forms or not all(forms) or message.fuzzy:
                problems.append(f"untranslated: {message.id!r}")
            elif (any(not set(PLACEHOLDER.findall(form)) <= set(plural) for form in forms)
                  or sorted(set(PLACEHOLDER.findall(forms[-1]))) != plural):
                problems.append(f"placeholders differ: {message.id!r} -> {message.string!r}")
        elif not message.string or message.fuzzy:
            problems.append(f"untranslated: {message.id!r}")
        elif sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string)):
            problems.append(f"placeholders differ: {message.id!r} -> {message.string!r}")
    assert problems == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_says_it_is_a_draft_until_reviewed(lang):
    # Babel keeps the Language-Team header and the leading comment through `make translations`
    team = catalogue(lang).language_team
    assert "awaiting native-speaker review" in team or team.startswith("Reviewed by ")


def test_catalogues_hold_every_string_in_the_code(tmp_path):
    """Fails when a new _() string was added without `make translations`."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        in_code = {m.id for m in read_po(handle) if m.id}
    for lang in LANGUAGES:
        missing = in_code - {m.id for m in catalogue(lang) if m.id}
        assert not missing, f"{lang}: run `make translations` and translate {sorted(missing)}"
