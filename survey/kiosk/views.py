"""Kiosk views: starting a kiosk (staff), the kiosk's own pages, its offline manifest and worker,
recorded audio. Thin: the pages are rendered from the questionnaire; the rules live in operations."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import (Blueprint, abort, current_app, g, jsonify, make_response, redirect, render_template,
                   request, send_from_directory, url_for)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..auth.permissions import Permission, requires
from ..clock import utcnow
from ..extensions import db
from ..fieldwork.operations import by_slug
from ..i18n import answer_message, language
from . import audio
from .checks import item_checks, message_templates
from .device import forget, remember, this_kiosk
from .forms import StartKioskForm
from .operations import KioskError, end_kiosk, open_link, start_kiosk

bp = Blueprint("kiosk", __name__, template_folder="templates")
ASSETS = Path(__file__).resolve().parent / "static"
# Everything a kiosk page loads besides the pages themselves (all served from the tablet's cache offline).
KIOSK_ASSETS = ("kiosk.js", "conditions.js", "outbox.js", "kiosk.css")


@bp.route("/staff/collections/<slug>/kiosk", methods=["GET", "POST"])
@requires(Permission.MANAGE_COLLECTIONS)
def start(slug):
    collection = by_slug(slug) or abort(404)
    form = StartKioskForm(idle_seconds=current_app.config["KIOSK_IDLE_SECONDS"])
    error = None
    if form.validate_on_submit():
        if collection.guardian_consent and not form.guardians.data:
            error = _("Confirm that the guardians of the children who answer have agreed.")
        else:
            try:
                kiosk, _token = start_kiosk(collection, form.pin.data, idle_seconds=form.idle_seconds.data,
                                            guardians_confirmed=form.guardians.data, actor=current_user,
                                            now=utcnow(), on_this_device=True)
            except KioskError as problem:
                error = str(problem)
            else:
                db.session.commit()
                # The tablet goes to children now: the coordinator is signed out of it, the kiosk is not.
                logout_user()
                return remember(redirect(url_for("kiosk.picker", slug=slug)), kiosk)
    return render_template("kiosk/start.html", collection=collection, form=form, error=error)


@bp.get("/kiosk/open/<token>")
@requires(Permission.PUBLIC)
def open_(token):
    kiosk = open_link(token, utcnow())
    if kiosk is None:
        return make_response(render_template("respond/notice.html", title=_("This kiosk link cannot be used"),
                                             message=_("The link was used already or is too old. Ask the "
                                                       "coordinator for a new one.")), 404)
    db.session.commit()
    return remember(redirect(url_for("kiosk.picker", slug=kiosk.collection.slug)), kiosk)


def _kiosk(slug):
    """The kiosk this tablet runs for `slug`; anyone else gets the ordinary survey."""
    kiosk = this_kiosk(slug)
    if kiosk is None:
        abort(redirect(url_for("respond.start", slug=slug)))
    return kiosk


@bp.get("/kiosk/<slug>/")
@requires(Permission.PUBLIC)
def picker(slug):
    kiosk = _kiosk(slug)
    collection = kiosk.collection
    return _no_store(render_template(
        "kiosk/picker.html", collection=collection, kiosk=kiosk, version=collection.version.number,
        languages=[language(code) for code in collection.languages], cache_version=_cache_version(kiosk),
        asset=_asset_url))


@bp.get("/kiosk/<slug>/v<int:number>/<lang>")
@requires(Permission.PUBLIC)
def questionnaire(slug, number, lang):
    kiosk = _kiosk(slug)
    collection = kiosk.collection
    if number != collection.version.number or lang not in collection.languages:
        return redirect(url_for("kiosk.picker", slug=slug))
    g.lang = lang
    definition = collection.version.parsed
    checks = {item.var: item_checks(item, definition) for item in definition.items.values()}
    return _no_store(render_template(
        "kiosk/questionnaire.html", collection=collection, kiosk=kiosk, definition=definition, lang=lang,
        checks=checks, messages=message_templates(answer_message), version=number,
        thanks_seconds=current_app.config["KIOSK_THANKS_SECONDS"], asset=_asset_url,
        contact=current_app.config["SURVEY_CONTACT"], responsible=current_app.config["SURVEY_RESPONSIBLE"]))


@bp.get("/kiosk/<slug>/manifest.json")
@requires(Permission.PUBLIC)
def manifest(slug):
    """What the worker caches for offline use, and the kiosk's settings (the PIN only as its digest)."""
    kiosk = this_kiosk(slug)
    if kiosk is None:
        return jsonify(error="not_a_kiosk", message=_("This tablet is not a kiosk for this survey.")), 410
    collection = kiosk.collection
    definition = collection.version.parsed
    urls = [url_for("kiosk.picker", slug=slug)]
    urls += [url_for("kiosk.questionnaire", slug=slug, number=collection.version.number, lang=lang)
             for lang in collection.languages]
    urls += [_asset_url(name) for name in KIOSK_ASSETS]
    urls += [url_for("static", filename="survey.css"), url_for("static", filename="survey.js")]
    urls += [url for lang in collection.languages for url in audio.recordings(definition, lang)]
    response = jsonify(version=_cache_version(kiosk), urls=urls, idle_seconds=kiosk.idle_seconds,
                       pin={"salt": kiosk.pin_salt, "rounds": kiosk.pin_rounds, "digest": kiosk.pin_digest})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/kiosk/<slug>/sw.js")
@requires(Permission.PUBLIC)
def worker(slug):
    """The service worker, served from the kiosk's own path so its scope is exactly this kiosk."""
    response = send_from_directory(ASSETS, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/kiosk/<slug>/end")
@requires(Permission.PUBLIC)
def end(slug):
    kiosk = this_kiosk(slug)
    payload = request.get_json(silent=True) or {}
    if kiosk is None:
        return jsonify(error="not_a_kiosk", message=_("This tablet is not a kiosk for this survey.")), 410
    if not end_kiosk(kiosk, str(payload.get("pin", "")), utcnow()):
        return jsonify(error="wrong_pin", message=_("Wrong PIN.")), 422
    db.session.commit()
    return forget(jsonify(ended=True, next=url_for("auth.login")))


@bp.get("/kiosk-assets/<path:filename>")
@requires(Permission.PUBLIC)
def asset(filename):
    return send_from_directory(ASSETS, filename, max_age=60 * 60 * 24 * 365 if request.args.get("v") else 0)


@bp.get("/audio/<form_id>/<lang>/<filename>", endpoint="audio")
@requires(Permission.PUBLIC)
def audio_file(form_id, lang, filename):
    name, _dot, extension = filename.rpartition(".")
    path = audio.recording(form_id, lang, name)
    if path is None or path.name != filename:
        abort(404)
    return send_from_directory(path.parent, path.name, mimetype=audio.MIME[extension], max_age=60 * 60 * 24)


def _asset_url(name: str) -> str:
    return url_for("kiosk.asset", filename=name, v=_asset_hashes()[name])


def _asset_hashes() -> dict[str, str]:
    hashes = current_app.extensions.get("kiosk_asset_hashes")
    if hashes is None or current_app.debug:
        hashes = {name: hashlib.sha256((ASSETS / name).read_bytes()).hexdigest()[:12]
                  for name in (*KIOSK_ASSETS, "sw.js")}
        current_app.extensions["kiosk_asset_hashes"] = hashes
    return hashes


def _cache_version(kiosk) -> str:
    """Changes whenever anything the kiosk caches changes: a new version gets a new cache."""
    collection = kiosk.collection
    facts = [kiosk.id, kiosk.idle_seconds, collection.version.id, collection.version.content_hash,
             collection.languages, _asset_hashes(), current_app.config["KIOSK_THANKS_SECONDS"],
             [audio.recordings(collection.version.parsed, lang) for lang in collection.languages],
             _file_hash(Path(current_app.static_folder) / "survey.css"),
             _file_hash(Path(current_app.static_folder) / "survey.js")]
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _no_store(body):
    # The tablet's worker keeps its own copy; the browser's HTTP cache keeps none.
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response
