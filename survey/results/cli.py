"""`flask results ...` (rebuild tallies, publish a results page, render the yearly report),
`flask users scope` (which collections a partner sees) and `flask demo results` (a synthetic
dataset of several years)."""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..paths import forms_dir
from .indicators import FILENAME, load_indicators

results_cli = AppGroup("results", help="Results: tallies, the yearly report, results pages for participants.")


def init_cli(app) -> None:
    from ..auth.cli import users_cli
    from ..demo import demo_cli
    app.cli.add_command(results_cli)
    if "scope" not in users_cli.commands:
        users_cli.add_command(scope)
    if "results" not in demo_cli.commands:
        demo_cli.add_command(demo_results)


def check_indicators(definitions):
    """The `forms check` hook: the indicators file against the questionnaires it names."""
    result = load_indicators(forms_dir() / FILENAME, definitions)
    ok = None
    if result.indicators is not None and (forms_dir() / FILENAME).exists():
        ok = f"ok   {FILENAME}: {len(result.indicators.indicators)} indicators"
    return result.problems, ok


@results_cli.command("rebuild")
def rebuild_command():
    """Recompute every tally from the stored responses (after the indicators file changed)."""
    from .tallies import rebuild
    read = rebuild(current_app.config["TIMEZONE"])
    db.session.commit()
    click.echo(f"tallies rebuilt from {read} responses")


@results_cli.command("publish")
@click.argument("slug")
@click.option("--off", is_flag=True, help="Switch the results page off again.")
def publish(slug, off):
    """Switch on the results page for participants of collection SLUG (shown once it has closed)."""
    from ..fieldwork.operations import by_slug
    from .publishing import set_published
    collection = by_slug(slug)
    if collection is None:
        raise click.ClickException(f"no collection '{slug}'")
    changed = set_published(collection, not off, actor_name="cli")
    db.session.commit()
    state = "off" if off else "on"
    click.echo(f"results page for {slug}: {state}" + ("" if changed else " (already)"))


@results_cli.command("report")
@click.argument("year", type=int)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the PDF.")
def report_command(year, lang, out):
    """Render the yearly report of YEAR (every collection) to a PDF file."""
    with current_app.test_request_context(f"/staff/results/report/{year}.pdf?lang={lang}"):
        from flask import g
        from .pdf import html_to_pdf
        from .views import render_report
        g.lang = lang
        html = render_report(year, lang, collections=None, pdf=True)
        static_names = current_app.extensions.get("survey_static_originals")
        Path(out).write_bytes(html_to_pdf(html, current_app.static_folder, static_names))
    click.echo(f"wrote {out}")


@click.command("scope")
@click.argument("username")
@click.argument("slugs", nargs=-1)
def scope(username, slugs):
    """Let USERNAME (a partner) see the results of exactly the collections SLUGS (none: nothing)."""
    from ..auth.accounts import find_user
    from ..fieldwork.operations import by_slug
    from .scope import SCOPED_ROLES, set_scope
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    collections = []
    for slug in slugs:
        collection = by_slug(slug)
        if collection is None:
            raise click.ClickException(f"no collection '{slug}'; nothing was changed")
        collections.append(collection)
    set_scope(user, collections, actor_name="cli")
    db.session.commit()
    note = "" if user.role in SCOPED_ROLES else f" (a {user.role} sees every collection anyway)"
    click.echo(f"{username} sees {', '.join(slugs) or 'no collections'}{note}")


# -- synthetic demo data --------------------------------------------------------------------------

DEMO_PLAN = (
    # (slug part, questionnaire, activity, respondents in the first year, respondents later)
    ("barn", "child", "Bästa sommaren", 140, 160),
    ("unga", "youth", "Ungdomsforum och fester", 170, 190),
    ("foraldrar", "parent", "Föräldraforum", 95, 110),
)
DEMO_EVENTS = (("dialogforum", "Dialogforum med staden", 26, 0.9), ("seminarium", "Seminarium om trygghet", 14, 1.6),
               ("tjejkvall", "Tjejkväll", 7, 1.0))


@click.command("results")
@click.option("--years", default="2025,2026", show_default=True, help="Comma-separated years; the first is the baseline.")
@click.option("--seed", default=2026, show_default=True)
def demo_results(years, seed):
    """A synthetic dataset (never real data): per year a collection for children, youth and parents
    (the first year is the baseline wave), a small girls' group, and event feedback in the last year."""
    from ..fieldwork.operations import CollectionError, by_slug, create_collection
    from ..i18n import ui_languages
    from ..questionnaires.versions import latest_version
    from ..responses.intake import Submission, store_once
    from ..questionnaires.answers import check_answers
    from .publishing import set_published
    from .synthetic import synthetic_answers
    from .tallies import catch_up_all

    chosen = sorted(int(y) for y in years.split(","))
    rng = random.Random(seed)
    needed = {form for _s, form, *_ in DEMO_PLAN} | {"event_feedback"}
    missing = [form for form in needed if latest_version(form) is None]
    if missing:
        raise click.ClickException(f"load the questionnaires first (flask --app wsgi forms load): {', '.join(missing)}")
    made = 0
    tz = current_app.config["TIMEZONE"]
    plan = [(f"demo-{part}-{year}", form, activity, first if index == 0 else later, 0.9 * index, year,
             "baseline" if index == 0 else "follow-up", None)
            for index, year in enumerate(chosen) for part, form, activity, first, later in DEMO_PLAN]
    last = chosen[-1]
    plan.append((f"demo-tjejgrupp-{last}", "youth", "Tjejgrupp", 12, 1.0, last, "follow-up", {1: 0.9, 2: 0.05, 9: 0.05}))
    plan += [(f"demo-{part}-{last}", "event_feedback", activity, n, lift, last, "event", None)
             for part, activity, n, lift in DEMO_EVENTS]
    for slug, form, activity, count, lift, year, wave, genders in plan:
        if by_slug(slug) is not None:
            click.echo(f"exists       {slug}")
            continue
        opens, closes = date(year, 4, 1), date(year, 8, 31)
        try:
            collection = create_collection(slug, form, activity=f"{activity} {year}", wave=wave,
                                           ui_languages=ui_languages(), opens_on=opens, closes_on=closes,
                                           actor_name="demo results")
        except CollectionError as error:
            raise click.ClickException(str(error))
        definition = collection.version.parsed
        for _ in range(count):
            sent = datetime(year, 4, 1, 9) + timedelta(days=rng.randrange((closes - opens).days), minutes=rng.randrange(600))
            answers = check_answers(definition, synthetic_answers(definition, rng, lift, genders, date(year, 6, 1))).answers
            language = rng.choices(collection.languages, [6, 3, 3, 1, 1][:len(collection.languages)])[0]
            channel = rng.choice(collection.response_channels)
            # the stored-response path of the one intake, without its date rule (these years are past)
            submission = Submission(uuid.uuid4().hex, language, channel, answers, None, sent)
            store_once(collection, collection.version, submission, answers, sent)
            made += 1
        if form == "youth" and year == last and wave != "event":
            set_published(collection, True, actor_name="demo results")
        click.echo(f"created      {slug}: {count} synthetic responses ({wave}, {year})")
    catch_up_all(tz)
    db.session.commit()
    click.echo(f"{made} synthetic responses. Report: /staff/results/report/{last} "
               f"(PDF: flask --app wsgi results report {last} --out report.pdf)")
