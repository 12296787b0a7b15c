"""Respondent views: thin wrappers around the journey, the validator and storage."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..auth.permissions import Permission, requires
from ..clock import local_today
from ..extensions import commit_if_begun, db
from ..fieldwork.consent import AgeBand, ConsentStep, consent_step
from ..fieldwork.models import CollectionState
from ..fieldwork.snapshots import collection_view as by_slug
from ..i18n import answer_message, language, ui_languages
from ..questionnaires.answers import check_page, shown_items, visible_page_indexes
from ..questionnaires.errors import AnswerError
from ..responses.intake import Outcome, Submission, accept
from ..results.tallies import count_start
from .journey import Journey

bp = Blueprint("respond", __name__, template_folder="templates")


def _notice(title: str, message: str, status: int):
    return make_response(render_template("respond/notice.html", title=title, message=message), status)


def _collection(slug: str):
    """The collection, or a clear page in the visitor's language when there is none."""
    this = request._get_current_object()   # the request itself: each look-up through the proxy costs more
    # a page's own post carries no query string: its arguments are not parsed for nothing
    requested = this.args.get("lang") if this.query_string else None
    if requested is not None and requested in ui_languages():
        g.lang = requested
    collection = by_slug(slug)
    if collection is None:
        abort(_notice(_("Survey not found"), _("There is no survey at this address. Please check the link or the QR code."), 404))
    return collection


def _open_collection(slug: str):
    """The collection if it takes answers now; otherwise a clear page in the visitor's language."""
    collection = _collection(slug)
    current = collection.state_on(local_today(current_app._get_current_object().config["TIMEZONE"]))
    if current is CollectionState.CLOSED:
        abort(_notice(_("This survey is closed"), _("Thank you for wanting to answer! This survey has ended."), 410))
    if current is CollectionState.NOT_YET_OPEN:
        abort(_notice(_("This survey has not started yet"),
                      _("This survey opens on %(date)s. Welcome back then!", date=collection.opens_on.isoformat()), 409))
    return collection


def _journey_in_session(slug: str) -> Journey:
    # the session object itself, not Flask's proxy to it: the journey reads and writes it a dozen
    # times a request, and each look-up through the proxy costs about half a microsecond
    config = current_app._get_current_object().config
    return Journey(session._get_current_object(), slug, config["JOURNEY_IDLE_MINUTES"],
                   link_idle_minutes=config["PHONE_JOURNEY_DAYS"] * 24 * 60)


def _journey(collection, need_consent: bool = True) -> Journey | None:
    journey = _journey_in_session(collection.slug)
    if not journey.exists or journey["version"] != collection.questionnaire_version_id:
        return None
    if need_consent and not journey["consent"]:
        return None
    g.lang = journey.lang
    return journey


@bp.get("/s/<slug>")
@requires(Permission.PUBLIC)
def start(slug):
    collection = _open_collection(slug)
    journey = _journey_in_session(slug)
    if journey.resumable and journey["version"] == collection.questionnaire_version_id:
        # the same phone re-opens the link: continue, or start again (never on a tablet)
        g.lang = journey.lang
        return render_template("respond/resume.html", collection=collection, form=FlaskForm(),
                               page_number=journey.data.get("at") or 1)
    allowed = collection.response_channels
    channel = request.args.get("via") if request.args.get("via") in allowed else allowed[-1]
    lang = request.args.get("lang")
    if lang not in collection.languages and channel == "link" and not request.args.get("choose"):
        # a phone: the browser's language, when offered; the consent page has a visible switch
        lang = request.accept_languages.best_match(collection.languages)
    if lang in collection.languages:
        journey.begin(slug, lang, collection.questionnaire_version_id, channel)
        count_start(collection, local_today(current_app.config["TIMEZONE"]))
        db.session.commit()
        return redirect(url_for("respond.consent", slug=slug))
    languages = [language(code) for code in collection.languages]
    return render_template("respond/languages.html", collection=collection, languages=languages)


@bp.post("/s/<slug>/restart")
@requires(Permission.PUBLIC)
def restart(slug):
    """Start again: the unfinished answers in this phone's cookie are dropped."""
    collection = _open_collection(slug)
    journey = _journey_in_session(slug)
    lang = journey.lang if journey.exists else None
    if FlaskForm().validate_on_submit():
        journey.end()
    return redirect(url_for("respond.start", slug=collection.slug, lang=lang))


@bp.route("/s/<slug>/consent", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def consent(slug):
    """The age band (youth), then the respondent's own yes or no. Guardians' agreement is never
    asked here: a signed-in adult records it on the staff pages before children can start."""
    collection = _open_collection(slug)
    journey = _journey(collection, need_consent=False)
    if journey is None:
        return redirect(url_for("respond.start", slug=slug))
    form = FlaskForm()
    step = consent_step(collection.audience, collection.guardian_consent, collection.guardians_confirmed,
                        journey.data.get("age_band"))
    if step is ConsentStep.ASK_AGE_BAND and form.validate_on_submit():
        band = request.form.get("age_band")
        if band in tuple(AgeBand):
            journey.set_age_band(band)
            return redirect(url_for("respond.consent", slug=slug))
    if step is ConsentStep.WAIT_FOR_GUARDIANS:
        lang = journey.lang
        journey.end()  # nothing is kept, not even the age band
        g.lang = lang
        return render_template("respond/ended.html", collection=collection, kind="guardians")
    if step is ConsentStep.ASK_RESPONDENT and form.validate_on_submit():
        if request.form.get("answer") == "no":
            journey.end()
            return redirect(url_for("respond.declined", slug=slug, lang=g.lang))
        if request.form.get("answer") == "yes":
            journey.consent()
            return redirect(url_for("respond.page", slug=slug, number=1))
    definition = collection.version.parsed
    others = [language(code) for code in collection.languages if code != journey.lang]
    return render_template("respond/consent.html", collection=collection, definition=definition,
                           form=form, step=step, other_languages=others if journey["channel"] == "link" else [],
                           contact=current_app.config["SURVEY_CONTACT"],
                           responsible=current_app.config["SURVEY_RESPONSIBLE"])


@bp.route("/s/<slug>/p/<int:number>", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def page(slug, number):
    collection = _open_collection(slug)
    journey = _journey(collection)
    if journey is None:
        return redirect(url_for("respond.start", slug=slug))
    definition = collection.version.parsed
    visible = visible_page_indexes(definition, journey.answers)
    index = number - 1
    if index not in visible:
        later = [i for i in visible if i > index]
        return redirect(url_for("respond.page", slug=slug, number=(later or visible[-1:] or [0])[0] + 1))
    earlier = {var: value for var, value in journey.answers.items()
               if var in definition.items and definition.page_of(var) < index}
    items = shown_items(definition.pages[index], earlier)
    journey.visit(number)
    errors, posted = {}, None
    # CSRFProtect has checked a POST's token before the view runs (survey/extensions.py); the form
    # object only puts a token into the page, so it is made when a page is rendered
    if request.method == "POST":
        raw, form_errors = _read_page(items)
        checked = check_page(definition, index, raw, earlier)
        checked.errors.update(form_errors)
        journey.set_answers([item.var for item in definition.pages[index].items], checked.answers)
        action = request.form.get("action")
        if action == "back":
            before = [i for i in visible if i < index]
            if not before:
                return redirect(url_for("respond.consent", slug=slug))
            return redirect(url_for("respond.page", slug=slug, number=before[-1] + 1))
        if checked.ok:
            after = [i for i in visible_page_indexes(definition, journey.answers) if i > index]
            if after:
                return redirect(url_for("respond.page", slug=slug, number=after[0] + 1))
            return _submit(collection, journey)
        errors = {var: answer_message(error) for var, error in checked.errors.items()}
        posted = request.form
    position = visible.index(index)
    return render_template("respond/page.html", collection=collection, definition=definition,
                           page=definition.pages[index], items=items, errors=errors,
                           values=_form_values(items, journey.answers, posted),
                           form=FlaskForm(), position=position + 1, total=len(visible),
                           is_last=position == len(visible) - 1)


def _form_values(items, answers, posted):
    """Each item's value as the strings the form shows: what was just sent, or what was saved."""
    if posted is not None:
        return {item.var: "" if (sent := item.form_input(posted)) is None else sent for item in items}
    return {item.var: item.form_value(answers.get(item.var)) for item in items}


def _read_page(items):
    """What the form sent for each shown item, as the JSON-like values the validator takes."""
    raw, errors, form = {}, {}, request.form
    for item in items:
        try:
            raw[item.var] = item.from_form(item.form_input(form))
        except AnswerError as error:
            raw[item.var] = None
            errors[item.var] = error
    return raw, errors


def _submit(collection, journey):
    definition = collection.version.parsed
    # a definition edited in place (allowed until it has answers) may have dropped a variable
    answers = {var: value for var, value in journey.answers.items() if var in definition.items}
    now = datetime.now(timezone.utc)
    config = current_app._get_current_object().config
    result = accept(collection, Submission(client_id=journey["cid"], language=journey.lang,
                                           channel=journey["channel"], answers=answers,
                                           started_at=journey.started_at, submitted_at=now),
                    now, tz=config["TIMEZONE"], grace_days=config["SUBMISSION_GRACE_DAYS"])
    if result.outcome is Outcome.INVALID:
        # A page changed under the respondent (e.g. an earlier answer now shows a required item).
        first = min(definition.page_of(var) for var in result.errors if var in definition.items)
        return redirect(url_for("respond.page", slug=collection.slug, number=first + 1))
    commit_if_begun()   # a conflict's counter; the response itself was committed by the intake
    lang = journey.lang
    journey.end()
    return redirect(thanks_url(collection.slug, lang, already=result.outcome is not Outcome.STORED))


def thanks_url(slug: str, lang: str, already: bool) -> str:
    """`url_for("respond.thanks", slug=slug, lang=lang, again=1 or None)`, with the path built through
    the URL map once per collection and mount point: building it on every last page was 2 % of that
    request's instructions (benchmarks/README.md)."""
    paths = current_app.extensions.setdefault("respond_thanks_paths", {})
    key = (request.script_root, slug)
    path = paths.get(key)
    if path is None:
        if len(paths) > 1000:    # collections come and go; a long-running worker keeps only recent ones
            paths.clear()
        path = paths[key] = url_for("respond.thanks", slug=slug)
    return f"{path}?{urlencode({'lang': lang, 'again': 1} if already else {'lang': lang})}"


@bp.get("/s/<slug>/thanks")
@requires(Permission.PUBLIC)
def thanks(slug):
    collection = _collection(slug)  # answers sent at 23:59 on the last day still get their thanks
    return render_template("respond/thanks.html", collection=collection, already=bool(request.args.get("again")))


@bp.route("/s/<slug>/stop", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def stop(slug):
    # stopping must work even if the collection closed or changed version meanwhile: whatever
    # journey this tablet holds for the collection is dropped, in the child's language
    collection = _collection(slug)
    journey = Journey(session, slug, current_app.config["JOURNEY_IDLE_MINUTES"])
    if journey.exists:
        g.lang = journey.lang
    form = FlaskForm()
    if not journey.exists or form.validate_on_submit():
        lang = g.get("lang")
        journey.end()
        return _notice_page("stopped", collection, lang)
    back = max(request.args.get("back", 1, type=int), 1)
    return render_template("respond/stop.html", collection=collection, form=form, back=back)


@bp.get("/s/<slug>/declined")
@requires(Permission.PUBLIC)
def declined(slug):
    collection = _collection(slug)
    return _notice_page("declined", collection, g.get("lang"))


def _notice_page(kind, collection, lang):
    g.lang = lang
    return render_template("respond/ended.html", collection=collection, kind=kind)
