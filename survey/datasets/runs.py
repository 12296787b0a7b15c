"""One export, by any path (command line, staff page, API): select, export, and write the audit record.

The audit record is added in the caller's transaction; the command or view commits it. A refusal is
recorded too, so the trail shows who tried to take which data out, not only who succeeded.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from flask import current_app

from ..audit.operations import record
from ..auth.models import StaffUser
from ..auth.permissions import Permission
from ..extensions import db
from ..i18n import languages as app_languages
from .anonymize import ExportRefused
from .pipeline import ExportOptions, ExportResult, LinkKey, export
from .source import ResponseSource, SelectionError, select_collections, utc_bounds

# the names researchers type (CLI, URL) -> the pipeline's format names
FORMATS = {"csv": "csv", "excel-csv": "excel_csv", "sav": "sav", "dta": "dta", "parquet": "parquet", "zip": "zip"}
MEDIA_TYPES = {"csv": "text/csv", "excel-csv": "text/csv", "sav": "application/x-spss-sav",
               "dta": "application/x-stata-dta", "parquet": "application/vnd.apache.parquet", "zip": "application/zip"}


@dataclass(frozen=True)
class ExportRequest:
    slugs: tuple[str, ...]
    format: str = "zip"
    k: int = 5
    wave: str | None = None
    since: date | None = None
    until: date | None = None
    free_text: bool = False
    link: LinkKey | None = None

    def options(self) -> ExportOptions:
        return ExportOptions(k=self.k, free_text=self.free_text, link=self.link)

    def describe(self, rows: int | None = None) -> str:
        parts = [f"collections {','.join(self.slugs)}", f"format {self.format}", f"k {self.k}"]
        if rows is not None:
            parts.append(f"rows {rows}")
        if self.wave:
            parts.append(f"wave {self.wave}")
        if self.since or self.until:
            parts.append(f"dates {self.since or '-'}..{self.until or '-'}")
        parts.append("free text" if self.free_text else "no free text")
        if self.link:
            parts.append(f"PSEUDONYMIZED (link key from {self.link.code_item})")
        return "; ".join(parts)


def run_export(request: ExportRequest, out: Path, *, actor: StaffUser | None = None, actor_name: str | None = None,
               progress: Callable | None = None) -> ExportResult:
    """Export and record it. Raises SelectionError, ExportRefused (recorded) or ValueError (bad options)."""
    if request.format not in FORMATS:
        raise SelectionError(f"Unknown format '{request.format}'; use one of {', '.join(FORMATS)}.")
    options = request.options()   # ValueError for k below the floor
    collections = select_collections(list(request.slugs), request.wave)
    start, end = utc_bounds(request.since, request.until, current_app.config["TIMEZONE"])
    source = ResponseSource(collections, start, end)
    form_id = source.form_id
    try:
        definitions = source.definitions()
        if not definitions:
            raise ExportRefused("There are no responses in this selection, so there is nothing to export.")
        result = export(source.chunks, definitions, options, out, FORMATS[request.format],
                        languages=app_languages(), progress=progress)
    except ExportRefused as refusal:
        record("export.refused", actor=actor, actor_name=actor_name, object_type="questionnaire", object_id=form_id,
               detail=f"{request.describe()}; {refusal}")
        raise
    record("export.create", actor=actor, actor_name=actor_name, object_type="questionnaire", object_id=form_id,
           detail=request.describe(result.rows))
    return result


def approved_link_key(code_item: str, approver_name: str, slugs: list[str], *, actor=None,
                      actor_name: str | None = None) -> LinkKey:
    """A link key for a pseudonymized export, once an admin's approval is checked and recorded."""
    from ..auth.accounts import find_user
    approver = find_user(approver_name) if approver_name else None
    if approver is None or not approver.active or not approver.can(Permission.APPROVE_PSEUDONYMIZED):
        raise SelectionError(f"'{approver_name}' is not an active admin: a pseudonymized export needs an admin's approval.")
    secret = current_app.config.get("LINK_KEY_SECRET") or ""
    if len(secret.encode()) < 16:
        raise SelectionError("LINK_KEY_SECRET is not set (at least 16 characters): link keys need a server key.")
    link = LinkKey(secret.encode(), code_item)
    record("export.pseudonymized_approved", actor=actor, actor_name=actor_name, obj=approver,
           detail=f"approved by {approver.username}: link key from {code_item} for {','.join(slugs)}")
    db.session.flush()
    return link
