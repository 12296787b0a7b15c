"""`flask forms import-xlsform FILE`: bring a KoboToolbox or ODK XLSForm in as a draft definition."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..fieldwork.models import AUDIENCES
from ..i18n import languages
from ..paths import forms_dir
from .loader import NAME, NOT_QUESTIONNAIRES, load_file
from .xlsform import XLSFormError, convert, render
from .cli import forms_cli, stop_on_problems


@forms_cli.command("import-xlsform")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the definition (default: forms/<form_id>.yaml).")
@click.option("--audience", type=click.Choice(AUDIENCES), default="any",
              show_default=True, help="Who answers the questionnaire.")
@click.option("--languages", "wanted",
              help="Languages to keep, e.g. sv,en (default: each language with a label for every question "
                   "and choice). A kept language's missing labels are listed, to be written in the file.")
@click.option("--default-language",
              help="The language of columns without one (a plain 'label'), when the settings sheet has no "
                   "default_language.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def import_xlsform(file: Path, out: Path | None, audience: str, wanted: str | None,
                   default_language: str | None, force: bool):
    """Convert the XLSForm FILE (.xlsx from KoboToolbox or ODK) into a questionnaire definition.

    Everything the server cannot represent is listed row by row, both here and at the top of the
    written file. All texts are marked draft. The result is checked like `forms check`.
    """
    known = languages()
    try:
        conversion = convert(file, known, audience=audience, default_language=default_language,
                             languages=[c.strip() for c in wanted.split(",") if c.strip()] if wanted else None)
    except XLSFormError as error:
        raise click.ClickException(f"{file.name}: {error}") from error
    document = conversion.document
    if out is None:
        out = forms_dir() / f"{document['id']}.yaml"
    elif NAME.match(out.stem) and out.stem != document["id"]:
        # the loader wants the id to match the file name
        click.echo(f"The id is '{out.stem}' (the file's name) instead of '{document['id']}'.")
        document["id"] = out.stem
    if out.name in NOT_QUESTIONNAIRES:
        raise click.ClickException(f"{out.name} is not a questionnaire file: choose another name with --out")
    if out.exists() and not force:
        raise click.ClickException(f"{out} already exists: nothing was written. Use --force to replace it, "
                                   "or --out to write somewhere else.")

    out.write_text(render(conversion, file.name, date.today()), encoding="utf-8")
    for line in conversion.skipped:
        click.echo(str(line))
    result = load_file(out, known)
    stop_on_problems(
        result.problems,
        f"{out} was written but does not pass `forms check`: fix the {len(result.problems)} problem(s) "
        "above in the file, or fix the XLSForm and import again with --force. Until it passes, "
        "`forms load` loads nothing from the forms directory.")
    definition = result.definition
    click.echo(f"Wrote {out}: {len(definition.items)} items on {len(document['pages'])} pages, "
               f"languages {', '.join(definition.languages)}, every text a draft.")
    if conversion.skipped:
        click.echo(f"{len(conversion.skipped)} thing(s) were not converted as written: see above, "
                   "and the list at the top of the file.")
