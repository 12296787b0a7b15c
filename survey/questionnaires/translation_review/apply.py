"""Writing a checked review back into forms/<id>.yaml: new texts, statuses and the review log.

The file is edited round-trip (ruamel.yaml), so its comments, key order and quoting stay as the
author wrote them. Statuses follow one rule, because an owner (the questionnaire, an item, a
choice list) has one status per language for all of its texts:

- the owner becomes `reviewed` when *every* one of its texts is vouched for: marked reviewed in
  this sheet, or already reviewed before and left unchanged (a published translation confirmed
  without change stays `published`: a review does not change where the wording came from);
- otherwise, when one of its texts was changed, it becomes `draft` (a changed text nobody vouched
  for is a draft, whatever it was before);
- otherwise it keeps its status.

After writing, the file is loaded again as `forms check` would; if it no longer passes, the
original is put back and nothing has changed.
"""
from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from ..loader import Problem, load_file
from ..yaml_files import quoted_if_ambiguous, writer
from .spreadsheet import Review
from ..texts import owners, translatable_texts



class ApplyRefused(Exception):
    """The edited questionnaire would not pass `forms check`; the file was left as it was."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass
class Applied:
    form_id: str
    language: str
    reviewer: str
    date: str
    changed: list[str] = field(default_factory=list)         # keys whose text changed
    reviewed: list[str] = field(default_factory=list)        # keys newly vouched for
    statuses: dict[str, str] = field(default_factory=dict)   # owner -> its new status, where it changed
    language_added: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.changed or self.reviewed or self.statuses or self.language_added)


def apply_review(path: Path, review: Review, reviewer: str, known_languages: Iterable[str],
                 file_name: str, today: date | None = None) -> Applied:
    """Write `review` into the questionnaire file at `path`; nothing is written when nothing changed."""
    path = Path(path)
    reviewer = reviewer.strip()
    if not reviewer:
        raise ValueError("the reviewer's name is required")
    yaml = writer()
    original = path.read_text(encoding="utf-8")
    document = yaml.load(original)
    lang = review.language
    applied = Applied(review.form_id, lang, reviewer, (today or date.today()).isoformat())

    texts = {text.key: text for text in translatable_texts(document)}
    document_owners = owners(document)
    current_status = {owner: node.get("translation_status", {}).get(lang) for owner, node in document_owners.items()}
    marked = {d.key for d in review.decisions if d.reviewed}
    for decision in review.decisions:
        text = texts[decision.key]
        if decision.new_text is not None:
            _set_text(text.texts, lang, decision.new_text)
            applied.changed.append(decision.key)
        if decision.reviewed and (decision.new_text is not None or current_status[text.owner] != "reviewed"):
            applied.reviewed.append(decision.key)

    if lang not in document["languages"]:
        document["languages"].append(lang)
        applied.language_added = True
    keys_of: dict[str, list[str]] = {}
    for text in texts.values():
        keys_of.setdefault(text.owner, []).append(text.key)
    changed = set(applied.changed)
    for owner, keys in keys_of.items():
        before = current_status[owner]
        if all(key in marked or (before == "reviewed" and key not in changed) for key in keys):
            after = "published" if before == "published" and not changed & set(keys) else "reviewed"
        elif changed & set(keys) or before is None:
            after = "draft"
        else:
            after = before
        if after != before:
            _status_map(document_owners[owner])[lang] = after
            applied.statuses[owner] = after

    if not applied.anything:
        return applied
    _review_log(document).append(_flow_map({
        "language": lang, "reviewer": reviewer, "date": applied.date,
        "texts": len(applied.reviewed), "file": file_name}))

    out = io.StringIO()
    yaml.dump(document, out)
    _write(path, out.getvalue())
    result = load_file(path, known_languages)
    if result.problems:
        _write(path, original)
        raise ApplyRefused(result.problems)
    return applied


def _set_text(texts: CommentedMap, lang: str, value: str) -> None:
    # Pages show a text as one paragraph, so line breaks typed in a spreadsheet cell carry nothing.
    value = " ".join(value.split())
    old = texts.get(lang)
    texts[lang] = type(old)(value) if isinstance(old, (FoldedScalarString, LiteralScalarString)) \
        else quoted_if_ambiguous(value)


def _status_map(owner: CommentedMap) -> CommentedMap:
    if "translation_status" not in owner:
        owner["translation_status"] = _flow_map({})
    return owner["translation_status"]


def _review_log(document: CommentedMap) -> CommentedSeq:
    if "translation_reviews" not in document:
        # Beside the other translation keys, so a reader finds the log where the statuses are.
        anchor = "translation_note" if "translation_note" in document else "translation_status"
        position = list(document).index(anchor) + 1 if anchor in document else len(document)
        document.insert(position, "translation_reviews", CommentedSeq())
    return document["translation_reviews"]


def _flow_map(values: dict) -> CommentedMap:
    node = CommentedMap(values)
    node.fa.set_flow_style()
    return node


def _write(path: Path, content: str) -> None:
    """Replace the file in one step, so a crash never leaves half a questionnaire."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise

