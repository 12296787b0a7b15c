"""The one place that knows a language: its name in its own script and its writing direction.

Read from forms/languages.yaml, so adding a language never touches code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML


ASCII_DIGITS = "0123456789"


@dataclass(frozen=True)
class Language:
    code: str
    name: str        # in its own script, e.g. العربية
    english: str
    direction: str   # "ltr" or "rtl"
    scripts: tuple[str, ...] = ("LATIN",)   # Unicode script names, e.g. ("ARABIC",)
    digits: str = ASCII_DIGITS               # 0 to 9 as this language writes them

    def localize_digits(self, text) -> str:
        """`text` with 0-9 written in this language's own digits (Persian ۰-۹, Arabic ٠-٩)."""
        text = str(text)
        if self.digits == ASCII_DIGITS:
            return text
        return text.translate(str.maketrans(ASCII_DIGITS, self.digits))

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


def load_languages(path: Path) -> dict[str, Language]:
    data = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8")) or {}
    languages = {}
    for code, spec in data.items():
        if spec.get("direction") not in ("ltr", "rtl"):
            raise ValueError(f"{path}: language {code!r} needs direction ltr or rtl")
        languages[code] = Language(code=code, name=spec["name"], english=spec["english"],
                                   direction=spec["direction"],
                                   scripts=tuple(s.upper() for s in spec.get("scripts", ["Latin"])),
                                   digits=str(spec.get("digits", ASCII_DIGITS)))
        if len(languages[code].digits) != 10:
            raise ValueError(f"{path}: language {code!r} needs ten digits, 0 to 9")
    return languages
