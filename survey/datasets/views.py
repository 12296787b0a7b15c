"""Where researchers get datasets: the staff export page and the token-authenticated API route.

The page runs the export into a directory of its own under EXPORTS_DIR/web, shows the
anonymization report, and offers the file; such directories are deleted after EXPORT_KEEP_HOURS,
at the next export. The API answers the file itself and keeps nothing.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..audit.operations import record
from ..auth.access import current_token
from ..auth.permissions import Permission, requires
from ..clock import utcnow
from ..extensions import db
from ..fieldwork.models import Collection
from ..paths import exports_dir
from ..results.counts import responses_per_collection
from .anonymize import ExportRefused
from .forms import ExportForm
from .layout import ExportError
from .runs import FORMATS, MEDIA_TYPES, ExportRequest, run_export
from .source import SelectionError, UnknownCollection

bp = Blueprint("datasets", __name__, url_prefix="/staff/exports", template_folder="templates")
api_bp = Blueprint("datasets_api", __name__, url_prefix="/api/v1")
RUN_ID = re.compile(r"^[0-9a-f]{32}$")


# -- the staff page --------------------------------------------------------------------------------
def _collection_choices() -> list[tuple[str, str]]:
    counts = responses_per_collection()
    collections = db.session.scalars(select(Collection).order_by(Collection.slug))
    return [(c.slug, f"{c.slug}: {c.activity} ({c.version.questionnaire.form_id}, {c.wave}, "
                     + ngettext("%(num)d response", "%(num)d responses", counts.get(c.id, 0)) + ")")
            for c in collections]


def _runs_dir() -> Path:
    return exports_dir() / "web"


def _delete_old_runs() -> None:
    limit = time.time() - current_app.config["EXPORT_KEEP_HOURS"] * 3600
    for run in _runs_dir().glob("*"):
        if run.is_dir() and RUN_ID.match(run.name) and run.stat().st_mtime < limit:
            shutil.rmtree(run, ignore_errors=True)


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.EXPORT_DATA)
def export_page():
    form = ExportForm()
    form.collections.choices = _collection_choices()
    report = run = problem = None
    if form.validate_on_submit():
        _delete_old_runs()
        run = secrets.token_hex(16)
        directory = _runs_dir() / run
        directory.mkdir(parents=True)
        wanted = ExportRequest(tuple(form.collections.data), form.format.data, form.k.data, form.wave.data or None,
                               form.since.data, form.until.data, form.free_text.data)
        try:
            result = run_export(wanted, directory, actor=current_user)
        except ExportRefused as refusal:
            db.session.commit()   # the refusal is in the audit trail
            shutil.rmtree(directory, ignore_errors=True)
            problem, run = _("The export was refused: %(reason)s", reason=str(refusal)), None
        except (SelectionError, ExportError, ValueError) as error:
            db.session.rollback()
            shutil.rmtree(directory, ignore_errors=True)
            problem, run = str(error), None
        else:
            db.session.commit()
            (directory / "run.json").write_text(json.dumps(
                {"user_id": current_user.id, "file": result.paths[0].name, "rows": result.rows,
                 "created": utcnow().isoformat()}))
            report = result.report
    return render_template("datasets/export.html", form=form, report=report, run=run, problem=problem)


@bp.get("/<run>/download")
@requires(Permission.EXPORT_DATA)
def download(run):
    if not RUN_ID.match(run):
        abort(404)
    directory = _runs_dir() / run
    try:
        meta = json.loads((directory / "run.json").read_text())
    except (OSError, ValueError):
        abort(404)   # never made, or deleted after a day
    if meta["user_id"] != current_user.id:
        abort(404)   # someone else's export is not shown to exist
    path = directory / meta["file"]
    record("export.download", actor=current_user, object_type="export", object_id=run,
           detail=f"{meta['file']}, {meta['rows']} rows")
    db.session.commit()
    return send_file(path, as_attachment=True, download_name=path.name)


# -- the API ---------------------------------------------------------------------------------------
def _api_error(status: int, code: str, message: str):
    return jsonify(error=code, message=message), status


def _day(name: str) -> date | None:
    value = request.args.get(name)
    return date.fromisoformat(value) if value else None


@api_bp.get("/collections/<slug>/export.<format>")
@requires(Permission.EXPORT_DATA)
def export_collection(slug, format):
    """The anonymized dataset of one collection: ?k=5&since=YYYY-MM-DD&until=YYYY-MM-DD&free_text=1."""
    if format not in FORMATS:
        return _api_error(404, "unknown_format", _("Unknown format. Use one of: %(formats)s.",
                                                  formats=", ".join(FORMATS)))
    token = current_token()
    if token is not None and not token.allows(slug):
        return _api_error(403, "forbidden", _("This token may not export this collection."))
    try:
        wanted = ExportRequest((slug,), format, int(request.args.get("k", 5)), None, _day("since"), _day("until"),
                               request.args.get("free_text", "") in ("1", "true", "yes"))
    except ValueError:
        return _api_error(400, "bad_request", _("k must be a whole number and dates YYYY-MM-DD."))
    actor = current_user._get_current_object()
    with tempfile.TemporaryDirectory(dir=_api_tmp()) as directory:
        try:
            result = run_export(wanted, Path(directory), actor=actor)
        except ExportRefused as refusal:
            db.session.commit()
            return _api_error(422, "export_refused", str(refusal))
        except UnknownCollection:
            db.session.rollback()
            return _api_error(404, "unknown_collection", _("There is no survey at this address."))
        except SelectionError as error:
            db.session.rollback()
            return _api_error(422, "bad_selection", str(error))
        except (ExportError, ValueError) as error:
            db.session.rollback()
            return _api_error(422, "bad_request", str(error))
        if token is not None:
            token.last_used_at = utcnow()
        db.session.commit()
        path = result.paths[0]
        # opened before the directory goes: the open file stays readable while it is sent
        handle = path.open("rb")
    reply = send_file(handle, mimetype=MEDIA_TYPES[format], as_attachment=True, download_name=path.name)
    reply.headers["X-Export-Rows"] = str(result.rows)
    reply.headers["X-Export-K"] = str(result.report.k_reached)
    reply.headers["X-Export-Pseudonymized"] = "yes" if result.report.pseudonymized else "no"
    return reply


def _api_tmp() -> Path:
    directory = exports_dir() / "api"
    directory.mkdir(parents=True, exist_ok=True)
    return directory
