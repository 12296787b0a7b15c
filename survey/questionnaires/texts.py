"""Every translatable text of a questionnaire document, under a key that survives reordering.

Keys name things by their ids, never by position (`items.gender.label`, not `pages[0].items[2]`),
so a spreadsheet exported before someone moved a question still imports into the right place.
Each text also names its *owner*: the part of the questionnaire whose `translation_status`
covers it (the questionnaire itself for title, intro, page titles and scale labels; the item for
its label and hint; the choice list for its answer labels).

The functions take a parsed document (a plain dict, or ruamel's round-trip mapping) and hand
back the document's own text mappings, so changing `Text.texts` changes the document. Each text
and owner also carries its position in the file (`path`), which the loader turns into a line
number: `forms check` and the translation workflow walk the questionnaire the same way.
"""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

from .items import ITEM_TYPES

QUESTIONNAIRE = "questionnaire"
MISSING = "missing"
STATUSES = ("published", "draft", "reviewed")

@dataclass(eq=False)
class Text:
    key: str                       # e.g. "items.gender.label"
    context: str                   # what it is, in words a translator understands
    owner: str                     # whose translation_status applies, e.g. "items.gender"
    texts: MutableMapping          # the document's own {language: text} mapping
    path: tuple = ()               # where it stands in the file, e.g. ("pages", 0, "items", 2, "label")

    def get(self, lang: str) -> str:
        value = self.texts.get(lang)
        return str(value).strip() if value is not None else ""


def translatable_texts(document: Mapping) -> list[Text]:
    """All texts in the order a respondent meets them, then the answer lists and scale labels."""
    texts: list[Text] = []
    for key, what in (("title", "Title of the questionnaire"),
                      ("intro", "Introduction on the first page (who asks, why, that answering is voluntary)")):
        if key in document:
            texts.append(Text(key, what, QUESTIONNAIRE, document[key], (key,)))

    users = _choice_list_users(document)
    for p, page in enumerate(document["pages"]):
        if "title" in page:
            texts.append(Text(f"pages.{page['id']}.title", f"Heading of the page '{page['id']}'",
                              QUESTIONNAIRE, page["title"], ("pages", p, "title")))
        for i, item in enumerate(page["items"]):
            var = item["var"]
            kind = ITEM_TYPES[item["type"]].translator_note if item["type"] in ITEM_TYPES else item["type"]
            owner = f"items.{var}"
            texts.append(Text(f"{owner}.label", f"Item {var} on page '{page['id']}': {kind}",
                              owner, item["label"], ("pages", p, "items", i, "label")))
            if "hint" in item:
                texts.append(Text(f"{owner}.hint", f"Help text shown under item {var}", owner, item["hint"],
                                  ("pages", p, "items", i, "hint")))

    for name, spec in document.get("choice_lists", {}).items():
        used_by = ", ".join(users.get(name, [])) or "no item yet"
        for c, choice in enumerate(spec["choices"]):
            face = f", shown with a {choice['face'].replace('_', ' ')} face" if choice.get("face") else ""
            texts.append(Text(f"choice_lists.{name}.{choice['value']}",
                              f"Answer (code {choice['value']}) in the list '{name}'{face}; used by {used_by}",
                              f"choice_lists.{name}", choice["label"], ("choice_lists", name, "choices", c, "label")))

    for s, scale in enumerate(document.get("scales", [])):
        texts.append(Text(f"scales.{scale['id']}.label",
                          f"Name of the scale '{scale['id']}' (shown in reports, not to respondents)",
                          QUESTIONNAIRE, scale["label"], ("scales", s, "label")))
    return texts


def owners(document: Mapping) -> dict[str, MutableMapping]:
    """Each owner key with the document node that carries its translation_status."""
    return {key: node for key, (node, _path) in owners_with_paths(document).items()}


def owners_with_paths(document: Mapping) -> dict[str, tuple[MutableMapping, tuple]]:
    """Each owner key with its node and where that node stands in the file."""
    found: dict[str, tuple[MutableMapping, tuple]] = {QUESTIONNAIRE: (document, ())}
    for name, spec in document.get("choice_lists", {}).items():
        found[f"choice_lists.{name}"] = (spec, ("choice_lists", name))
    for p, page in enumerate(document["pages"]):
        for i, item in enumerate(page["items"]):
            found[f"items.{item['var']}"] = (item, ("pages", p, "items", i))
    return found


def status(document_owners: Mapping[str, Mapping], text: Text, lang: str) -> str:
    """`missing` when the text has no version in `lang`, else its owner's status for `lang`.

    A text that exists without a recorded status counts as a draft: it was never checked.
    """
    if not text.get(lang):
        return MISSING
    return document_owners[text.owner].get("translation_status", {}).get(lang, "draft")


def status_counts(document: Mapping, lang: str) -> tuple[dict[str, int], int]:
    """How many of the document's texts are in each status (or missing) in `lang`, and how many texts there are."""
    texts = translatable_texts(document)
    document_owners = owners(document)
    counts: dict[str, int] = {}
    for text in texts:
        state = status(document_owners, text, lang)
        counts[state] = counts.get(state, 0) + 1
    return counts, len(texts)


def _choice_list_users(document: Mapping) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for page in document["pages"]:
        for item in page["items"]:
            if item.get("choices"):
                users.setdefault(item["choices"], []).append(item["var"])
    return users
