"""A questionnaire definition in memory: pages, items, choice lists and scales, read from a plain dict.

The dict is what a file in forms/ holds (and what the database keeps per frozen version), so a
definition can always be rebuilt exactly from what a response points to.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from .items import Choice, ChoiceList, Item, build_item

FALLBACK_LANGUAGES = ("en", "sv")


@dataclass(frozen=True)
class Page:
    id: str
    title: dict[str, str]
    show_if: dict | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Scale:
    id: str
    label: dict[str, str]
    outcome: str
    items: tuple[str, ...]
    reverse: frozenset[str]
    score: str  # "mean" or "sum"
    min_answered: int
    range: tuple[float, float]
    source: str | None = None
    note: str | None = None


class Definition:
    def __init__(self, data: dict):
        self.data = data
        self.id: str = data["id"]
        self.version: str = str(data["version"])
        self.title: dict[str, str] = data["title"]
        self.intro: dict[str, str] = data.get("intro", {})
        self.audience: str = data["audience"]
        self.languages: list[str] = list(data["languages"])
        self.sources: dict[str, dict] = data.get("sources", {})
        self.choice_lists: dict[str, ChoiceList] = {
            name: ChoiceList(
                name=name,
                choices=tuple(Choice(value=c["value"], label=c["label"], face=c.get("face"),
                                     missing=c.get("missing", False)) for c in spec["choices"]),
                translation_status=spec.get("translation_status", {}),
                translation_note=spec.get("translation_note", {}),
            )
            for name, spec in data.get("choice_lists", {}).items()
        }
        self.pages: tuple[Page, ...] = tuple(
            Page(id=p["id"], title=p.get("title", {}), show_if=p.get("show_if"),
                 items=tuple(build_item(i, self.choice_lists) for i in p["items"]))
            for p in data["pages"]
        )
        self.scales: tuple[Scale, ...] = tuple(
            Scale(id=s["id"], label=s["label"], outcome=s["outcome"], items=tuple(s["items"]),
                  reverse=frozenset(s.get("reverse", ())), score=s["score"],
                  min_answered=s["min_answered"], range=tuple(s["range"]),
                  source=s.get("source"), note=s.get("note"))
            for s in data.get("scales", ())
        )

    @cached_property
    def items(self) -> dict[str, Item]:
        """Every item by variable name, in questionnaire order."""
        return {item.var: item for page in self.pages for item in page.items}

    @cached_property
    def content_hash(self) -> str:
        return content_hash(self.data)

    def text(self, texts: dict[str, str] | None, lang: str) -> str:
        """A text in `lang`; a definition passed by `forms check` has every language it offers."""
        if not texts:
            return ""
        for code in (lang, *FALLBACK_LANGUAGES):
            if texts.get(code):
                return texts[code]
        return next(iter(texts.values()))

    @cached_property
    def _page_indexes(self) -> dict[str, int]:
        return {item.var: index for index, page in enumerate(self.pages) for item in page.items}

    def page_of(self, var: str) -> int:
        """The index of the page that asks `var` (KeyError for a variable it does not have)."""
        return self._page_indexes[var]

    def describe(self) -> dict:
        """The whole definition as JSON for the API and offline clients (computed year ranges included)."""
        return {
            "id": self.id, "version": self.version, "title": self.title, "intro": self.intro,
            "audience": self.audience, "languages": self.languages, "sources": self.sources,
            "choice_lists": {
                name: {"choices": [{"value": c.value, "label": c.label,
                                    **({"face": c.face} if c.face else {}),
                                    **({"missing": True} if c.missing else {})}
                                   for c in cl.choices],
                       "translation_status": cl.translation_status}
                for name, cl in self.choice_lists.items()
            },
            "pages": [{"id": p.id, "title": p.title, "show_if": p.show_if,
                       "items": [i.describe() for i in p.items]} for p in self.pages],
            "scales": [dict(s) for s in self.data.get("scales", ())],
        }


def content_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
