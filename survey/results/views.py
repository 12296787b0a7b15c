"""Results pages: the live overview and a collection's figures for staff, the yearly report (HTML
and PDF), and the results page for participants. Thin: figures.py computes, templates show."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import Permission, requires
from ..clock import local_today
from ..extensions import db
from ..fieldwork.models import Collection, CollectionState
from ..fieldwork.operations import by_slug
from ..i18n import ui_languages
from .disclosure import public_rule, staff_rule
from .figures import (feedback_figures, indicator_figures, public_figures, report_figures, report_years,
                      response_figures)
from .publishing import is_published
from .scope import visible_collections
from .tallies import CATCH_UP_BATCH, catch_up, current_indicators

bp = Blueprint("results", __name__, url_prefix="/staff/results", template_folder="templates")
participants = Blueprint("participants", __name__, template_folder="templates")

REPORT_LANGUAGES = ("sv", "en")   # Swedish first; the yearly report's own texts exist in these two


def _today() -> date:
    return local_today(current_app.config["TIMEZONE"])


def count_what_arrived() -> None:
    """Bring the tallies up to date before showing them: a batch per transaction, so a long catch-up
    (the first look after a big event) never holds the database's write lock for long."""
    tz = current_app.config["TIMEZONE"]
    while catch_up(tz) == CATCH_UP_BATCH:
        db.session.commit()
    db.session.commit()


@bp.get("/")
@requires(Permission.VIEW_RESULTS)
def overview():
    count_what_arrived()
    collections = visible_collections(current_user)
    rule = staff_rule(current_app.config)
    indicators = current_indicators()
    return render_template("results/overview.html", collections=collections,
                           responses=response_figures(rule, collections, _today()),
                           indicators=indicator_figures(rule, indicators, collections),
                           feedback=feedback_figures(rule, indicators, collections),
                           years=report_years(collections), threshold=rule.threshold)


@bp.get("/c/<slug>")
@requires(Permission.VIEW_RESULTS)
def collection(slug):
    count_what_arrived()
    # The same fine tables as the overview (over every collection this person sees), of which
    # this page shows one row: a cell hidden there is hidden here.
    collections = visible_collections(current_user)
    chosen = next((c for c in collections if c.slug == slug), None)
    if chosen is None:
        abort(404)
    rule = staff_rule(current_app.config)
    indicators = current_indicators()
    return render_template("results/collection.html", collection=chosen,
                           responses=response_figures(rule, collections, _today()),
                           indicators=indicator_figures(rule, indicators, collections),
                           feedback=[f for f in feedback_figures(rule, indicators, collections)
                                     if f.collection.id == chosen.id],
                           published=is_published(chosen), threshold=rule.threshold)


def _report(year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    lang = request.args.get("lang", REPORT_LANGUAGES[0])
    g.lang = lang if lang in REPORT_LANGUAGES else REPORT_LANGUAGES[0]
    return render_report(year, g.lang, visible_collections(current_user), pdf=request.path.endswith(".pdf"))


def render_report(year: int, lang: str, collections, pdf: bool) -> str:
    """The yearly report's HTML (`collections` None: every collection, for the command line)."""
    count_what_arrived()
    if collections is None:
        collections = list(db.session.scalars(select(Collection).order_by(Collection.id)))
    rule = staff_rule(current_app.config)
    return render_template("results/report.html", report=report_figures(rule, current_indicators(), collections, year),
                           lang=lang, threshold=rule.threshold, public_threshold=public_rule(current_app.config).threshold,
                           languages=REPORT_LANGUAGES, pdf=pdf)


@bp.get("/report/<int:year>")
@requires(Permission.VIEW_RESULTS)
def report(year):
    return _report(year)


@bp.get("/report/<int:year>.pdf")
@requires(Permission.VIEW_RESULTS)
def report_pdf(year):
    from .pdf import html_to_pdf
    html = _report(year)
    pdf = html_to_pdf(html, current_app.static_folder, current_app.extensions.get("survey_static_originals"))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="kraftsamling-herrgarden-{year}-{g.lang}.pdf"'})


@participants.get("/s/<slug>/results")
@requires(Permission.PUBLIC)
def public_results(slug):
    requested = request.args.get("lang")
    if requested in ui_languages():
        g.lang = requested
    collection = by_slug(slug)
    if collection is None or not is_published(collection):
        abort(404)
    if collection.state_on(_today()) is not CollectionState.CLOSED:
        return render_template("results/public_not_yet.html", collection=collection), 409
    count_what_arrived()
    figures = public_figures(public_rule(current_app.config), current_indicators(), collection)
    return render_template("results/public.html", collection=collection, figures=figures,
                           threshold=public_rule(current_app.config).threshold)


def results_link(collection, lang: str | None = None) -> str | None:
    """The participants' results page of `collection` in `lang`, when switched on (for the thank-you page)."""
    return url_for("participants.public_results", slug=collection.slug, lang=lang) if is_published(collection) else None
