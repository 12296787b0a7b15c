"""`flask forms document`: write docs/instruments.md from forms/, or check that it is up to date."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import languages
from ..paths import docs_dir
from .instruments_doc import render
from .cli import checked_library, forms_cli


@forms_cli.command("document")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the Markdown (default: instruments.md in DOCS_DIR, docs/).")
@click.option("--check", is_flag=True,
              help="Write nothing; fail when the file differs from what forms/ would generate (for CI).")
def document(out, check):
    """Generate docs/instruments.md: every scale with its source, items, scoring, languages and
    translation status, from the questionnaire files in forms/."""
    out = out or docs_dir() / "instruments.md"
    definitions = checked_library("generated")
    text = render(definitions, {code: lang.english for code, lang in languages().items()})
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{out} is out of date with forms/: run flask --app wsgi forms document")
        click.echo(f"{out} is up to date")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}: {len(definitions)} questionnaire(s), "
               f"{sum(len(d.scales) for d in definitions)} scale(s)")
