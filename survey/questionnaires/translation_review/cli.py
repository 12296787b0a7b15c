"""`flask translations ...`: spreadsheets for native speakers, their import, and a completeness report."""
from __future__ import annotations

from pathlib import Path

import click
from ...paths import exports_dir, forms_dir
from flask.cli import AppGroup

from ...i18n import languages
from ..cli import stop_on_problems
from ..loader import load_directory, load_file
from .apply import ApplyRefused, apply_review
from .spreadsheet import SheetError, SheetRefused, check, default_file_name, export_workbook, read_workbook
from .status import STATES, completeness, format_report

translations_cli = AppGroup("translations", help="""Translate questionnaire texts with native speakers.

\b
1. flask --app wsgi translations status
      which questionnaire and language still has missing or draft texts
2. flask --app wsgi translations export youth --lang so
      writes exports/translations/youth-so.xlsx; send it to the reviewer
3. flask --app wsgi translations import youth-so.xlsx --reviewer "Name Surname"
      checks every row, writes the texts into forms/youth.yaml, records the review
4. flask --app wsgi forms load
      puts the new texts to use

See docs/translations.md.""")


def _load(form_id: str):
    path = forms_dir() / f"{form_id}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in sorted(forms_dir().glob("*.yaml")) if p.name != "languages.yaml")
        raise click.ClickException(f"there is no questionnaire '{form_id}' in {forms_dir()} (there are: {known})")
    result = load_file(path, languages())
    stop_on_problems(result.problems, f"{path.name} has problems: fix them first (flask --app wsgi forms check)")
    return path, result.definition


@translations_cli.command("export")
@click.argument("form_id")
@click.option("--lang", required=True, metavar="CODE",
              help="The language to review or translate, e.g. so, ar, fa (see forms/languages.yaml).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the spreadsheet (default: exports/translations/FORM_ID-CODE.xlsx).")
def export(form_id, lang, out):
    """Write a spreadsheet of every text of FORM_ID for a native speaker of --lang to review.

    Each row has Swedish and English beside the current translation and its status. The reviewer
    writes a corrected text, `yes` in the Reviewed column when a row's text is right, or a
    comment; docs/translations.md explains the columns.
    """
    known = languages()
    if lang not in known:
        raise click.ClickException(f"unknown language '{lang}': forms/languages.yaml knows {', '.join(known)}")
    _, definition = _load(form_id)
    out = out or exports_dir() / "translations" / default_file_name(form_id, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = export_workbook(definition.data, lang, f"{known[lang].name} / {known[lang].english}", known[lang].rtl)
    book.save(out)
    line = completeness(definition.data, [lang])[0]
    click.echo(f"wrote {out}: {line.total} texts, " + ", ".join(f"{line.counts[s]} {s}" for s in STATES if line.counts[s]))
    if not line.offered:
        click.echo(f"{form_id} does not offer {known[lang].english} yet: it is added when every text is translated.")
    click.echo(f'When it comes back: flask --app wsgi translations import {out} --reviewer "Name Surname"')


@translations_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reviewer", required=True,
              help="Full name of the native speaker who reviewed the sheet; recorded in the questionnaire.")
def import_(file, reviewer):
    """Check a reviewed spreadsheet and write its texts into the questionnaire in forms/.

    Every row is checked first (placeholders, empty texts, script of the language, keys, the
    sheet's questionnaire and language); on any problem the rows to fix are listed and nothing
    is written. A question, answer list or the questionnaire's own texts become `reviewed` when
    every one of their texts has `yes` in the Reviewed column; a correction without `yes` is a
    draft. The review is logged under translation_reviews with --reviewer and today's date.
    """
    if not reviewer.strip():
        raise click.ClickException("--reviewer needs the reviewer's name")
    try:
        sheet = read_workbook(file)
        if not (forms_dir() / f"{sheet.form_id}.yaml").exists():
            raise SheetRefused([SheetError(None, f"the sheet is for the questionnaire '{sheet.form_id}', "
                                                 f"which is not in forms/ ({forms_dir()})")])
        path, definition = _load(sheet.form_id)
        review = check(sheet, definition.data, languages())
    except SheetRefused as refused:
        for error in refused.errors:
            click.echo(f"{file.name}: {error}", err=True)
        raise click.ClickException(f"nothing was written: fix the {len(refused.errors)} problem(s) above "
                                   "in the sheet and import it again")
    for warning in review.warnings:
        click.echo(f"note: {warning}")
    try:
        applied = apply_review(path, review, reviewer, languages(), file_name=file.name)
    except ApplyRefused as refused:
        stop_on_problems(refused.problems, f"nothing was written: with these texts {path.name} would not pass forms check")

    name = languages()[review.language].english
    if not applied.anything:
        click.echo(f"nothing to import: no row was corrected or marked reviewed in {file.name}")
        return
    click.echo(f"{path.name}, {name}: {len(applied.changed)} text(s) changed, {len(applied.reviewed)} marked "
               f"reviewed by {applied.reviewer} on {applied.date}")
    if applied.language_added:
        click.echo(f"{review.form_id} now offers {name}.")
    for owner, status in applied.statuses.items():
        click.echo(f"  {owner}: {status}")
    comments = [d for d in review.decisions if d.comment]
    if comments:
        click.echo("Comments from the reviewer (not stored; answer or act on them):")
        for decision in comments:
            click.echo(f"  row {decision.row} ({decision.key}): {decision.comment}")
    click.echo("Next: flask --app wsgi forms load")


@translations_cli.command("status")
def status():
    """For every questionnaire and language: the share of texts missing, draft, published and reviewed."""
    known = languages()
    lines = []
    for result in load_directory(forms_dir(), known):
        if result.problems:
            click.echo(f"{result.path.name}: not counted, it has {len(result.problems)} problem(s) "
                       "(flask --app wsgi forms check)", err=True)
            continue
        lines += completeness(result.definition.data, known)
    click.echo(format_report(lines, {code: language.english for code, language in known.items()}))
