"""Staff pages for collections: list, create, open and close, dates, link, QR code, poster, preview."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.permissions import Permission, requires
from ..clock import local_today
from ..extensions import db
from ..i18n import get_locale, language, ui_languages
from ..questionnaires.models import Questionnaire
from ..results.counts import responses_per_collection
from .labels import wave_label
from . import posters
from .consent import confirmation_offered_when_opening, confirmation_required_to_open
from .forms import CollectionForm, DatesForm, OpenForm
from .models import Collection
from .operations import (CollectionError, by_slug, change_dates, close_now, create_collection, open_now,
                         suggest_slug)
from .preview import preview_rows

bp = Blueprint("fieldwork", __name__, url_prefix="/staff/collections", template_folder="templates")


def _today():
    return local_today(current_app.config["TIMEZONE"])


def _collection_or_404(slug: str) -> Collection:
    collection = by_slug(slug)
    if collection is None:
        abort(404)
    return collection


def _error(error: CollectionError) -> str:
    return _(error.message, **error.params)


def _base_url() -> str:
    """Where phones reach this server: PUBLIC_URL when set (behind a proxy, or the event laptop's
    address), else the address this page was opened at."""
    return current_app.config.get("PUBLIC_URL") or request.host_url


def _link(collection: Collection, lang: str | None = None) -> str:
    return posters.public_link(_base_url(), collection.slug, lang)


@bp.get("/")
@requires(Permission.VIEW_COLLECTIONS)
def collections():
    today = _today()
    counts = responses_per_collection()
    rows = [(c, c.state_on(today), counts.get(c.id, 0))
            for c in db.session.scalars(select(Collection).order_by(Collection.created_at.desc()))]
    return render_template("fieldwork/list.html", collections=rows, wave_label=wave_label)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_COLLECTIONS)
def create():
    form = CollectionForm()
    questionnaires = db.session.scalars(select(Questionnaire).order_by(Questionnaire.form_id)).all()
    form.form_id.choices = [SelectChoice(q.form_id, f"{q.latest.parsed.text(q.latest.parsed.title, get_locale())} "
                                                    f"({q.form_id})") for q in questionnaires if q.latest]
    form.languages.choices = [SelectChoice(code, language(code).name) for code in ui_languages()]
    today = _today()
    if request.method == "GET":
        form.opens_on.data = form.closes_on.data = today  # tonight's event
        form.languages.data = list(ui_languages())
    past_closing = form.closes_on.data is not None and form.closes_on.data < today
    if form.validate_on_submit() and (not past_closing or form.past_ok.data):
        slug = form.slug.data or suggest_slug(form.activity.data, form.opens_on.data)
        try:
            collection = create_collection(
                slug, form.form_id.data, activity=form.activity.data, wave=form.wave.data,
                audience=form.audience.data or None, languages=form.languages.data,
                opens_on=form.opens_on.data, closes_on=form.closes_on.data, channel=form.channel.data or None,
                ui_languages=ui_languages(), actor=current_user)
        except CollectionError as error:
            db.session.rollback()
            flash(_error(error), "error")
        else:
            db.session.commit()
            flash(_("The collection is created."), "info")
            return redirect(url_for("fieldwork.detail", slug=collection.slug))
    return render_template("fieldwork/create.html", form=form, past_closing=past_closing)


@bp.get("/<slug>/")
@requires(Permission.VIEW_COLLECTIONS)
def detail(slug):
    collection = _collection_or_404(slug)
    today = _today()
    count = responses_per_collection().get(collection.id, 0)
    dates = DatesForm(obj=collection)
    return render_template(
        "fieldwork/detail.html", collection=collection, state=collection.state_on(today), count=count,
        open_form=OpenForm(), dates_form=dates, link=_link(collection) if collection.offered_as_link else None,
        languages=[language(code) for code in collection.languages],
        ask_confirmation=confirmation_offered_when_opening(collection.audience, collection.guardian_consent),
        confirmation_required=confirmation_required_to_open(collection.audience, collection.guardian_consent),
        can_manage=current_user.can(Permission.MANAGE_COLLECTIONS))


@bp.post("/<slug>/open")
@requires(Permission.MANAGE_COLLECTIONS)
def open_(slug):
    collection = _collection_or_404(slug)
    form = OpenForm()
    if form.validate_on_submit():
        try:
            open_now(collection, today=_today(), actor=current_user, guardians_confirmed=form.guardians.data)
        except CollectionError as error:
            db.session.rollback()
            flash(_error(error), "error")
        else:
            db.session.commit()
            flash(_("The collection is open."), "info")
    return redirect(url_for("fieldwork.detail", slug=slug))


@bp.post("/<slug>/close")
@requires(Permission.MANAGE_COLLECTIONS)
def close(slug):
    collection = _collection_or_404(slug)
    close_now(collection, today=_today(), actor=current_user)
    db.session.commit()
    flash(_("The collection is closed: nobody new can start it."), "info")
    return redirect(url_for("fieldwork.detail", slug=slug))


@bp.post("/<slug>/dates")
@requires(Permission.MANAGE_COLLECTIONS)
def dates(slug):
    collection = _collection_or_404(slug)
    form = DatesForm()
    if form.validate_on_submit():
        try:
            change_dates(collection, opens_on=form.opens_on.data, closes_on=form.closes_on.data, actor=current_user)
        except CollectionError as error:
            db.session.rollback()
            flash(_error(error), "error")
        else:
            db.session.commit()
            flash(_("The dates are changed."), "info")
            if form.closes_on.data and form.closes_on.data < _today():
                flash(_("The closing date is in the past: the collection is closed."), "error")
    else:
        flash(_("Write the dates as YYYY-MM-DD."), "error")
    return redirect(url_for("fieldwork.detail", slug=slug))


def _linked_or_404(slug: str) -> Collection:
    collection = _collection_or_404(slug)
    if not collection.offered_as_link:
        abort(404)  # children's collections have no public link, QR code or poster
    return collection


def _poster_lang(collection: Collection) -> str | None:
    lang = request.args.get("lang")
    return lang if lang in collection.languages else None


@bp.get("/<slug>/qr.svg")
@requires(Permission.VIEW_COLLECTIONS)
def qr_svg(slug):
    collection = _linked_or_404(slug)
    svg = posters.qr_svg(_link(collection, _poster_lang(collection)))
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/<slug>/qr.png")
@requires(Permission.VIEW_COLLECTIONS)
def qr_png(slug):
    collection = _linked_or_404(slug)
    png = posters.qr_png(_link(collection, _poster_lang(collection)))
    return Response(png, mimetype="image/png",
                    headers={"Content-Disposition": f'inline; filename="{collection.slug}-qr.png"'})


@bp.get("/<slug>/poster")
@requires(Permission.VIEW_COLLECTIONS)
def poster(slug):
    """A printable A4 poster: the QR code, the short link, one invitation line in each language
    (each in its own script and direction); ?lang= prints a poster for one language."""
    collection = _linked_or_404(slug)
    lang = _poster_lang(collection)
    link = _link(collection, lang)
    definition = collection.version.parsed
    lines = []
    for code in [lang] if lang else collection.languages:
        with force_locale(code):
            lines.append({"language": language(code),
                          "invitation": _("Tell us what you think! Scan the code with your phone's camera."),
                          "title": definition.text(definition.title, code)})
    return render_template("fieldwork/poster.html", collection=collection, link=link, lines=lines,
                           qr=posters.qr_svg(link, title=link), lang=lang,
                           languages=[language(code) for code in collection.languages])


@bp.get("/<slug>/preview")
@requires(Permission.VIEW_COLLECTIONS)
def preview(slug):
    """The questionnaire in one language beside Swedish, with draft and missing translations marked."""
    collection = _collection_or_404(slug)
    definition = collection.version.parsed
    others = [code for code in definition.languages if code != "sv"]
    lang = request.args.get("lang")
    if lang not in definition.languages:
        lang = others[0] if others else "sv"
    return render_template("fieldwork/preview.html", collection=collection, definition=definition,
                           lang=lang, language=language(lang), swedish=language("sv"),
                           choices=[language(code) for code in definition.languages],
                           pages=preview_rows(definition, "sv", lang))
