"""`flask export SLUG...`: an anonymized dataset of one questionnaire's collections, with its report."""
from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from ..clock import utcnow
from ..extensions import db
from ..fieldwork.models import WAVES
from ..paths import exports_dir
from .anonymize import ExportRefused
from .layout import ExportError
from .runs import FORMATS, ExportRequest, approved_link_key, run_export
from .source import SelectionError

STAGES = {"reading": "reading responses", "anonymizing": "anonymizing", "checking": "checking the selection",
          "building": "counting groups", "writing": "writing"}


class ProgressBars:
    """One tqdm bar per stage of the pipeline, on stderr so the report on stdout stays clean."""

    def __init__(self, total: int | None = None):
        self.total = total
        self.bar = None
        self.stage = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total or self.total, desc=STAGES.get(stage, stage), unit=" rows", leave=False,
                            mininterval=0.5)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@click.command("export")
@click.argument("slugs", nargs=-1, required=True)
@click.option("--format", "format_", type=click.Choice(list(FORMATS)), default="zip", show_default=True,
              help="zip: data (CSV, .sav, .dta), codebook and anonymization report together.")
@click.option("--out", type=click.Path(path_type=Path),
              help="A directory or a file name. Default: a new directory under EXPORTS_DIR.")
@click.option("--k", type=int, default=5, show_default=True, help="Every row shares its quasi-identifiers with k-1 others (at least 3).")
@click.option("--wave", type=click.Choice(WAVES), help="Only the collections of this wave.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First local day of submission (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last local day of submission (YYYY-MM-DD).")
@click.option("--free-text", is_flag=True, help="Include free text, scrubbed; read every cell before sharing.")
@click.option("--link-key-item", help="PSEUDONYMIZED panel export: the item holding the respondent's own code.")
@click.option("--approved-by", help="The admin who approved the pseudonymized export (recorded in the audit trail).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def export_command(slugs, format_, out, k, wave, since, until, free_text, link_key_item, approved_by, quiet):
    """Export the responses of the collections SLUGS (one questionnaire) as an anonymized dataset."""
    link = None
    try:
        if link_key_item or approved_by:
            if not (link_key_item and approved_by):
                raise SelectionError("A pseudonymized export needs both --link-key-item and --approved-by.")
            link = approved_link_key(link_key_item, approved_by, list(slugs), actor_name="cli")
        request = ExportRequest(tuple(slugs), format_, k, wave, since.date() if since else None,
                                until.date() if until else None, free_text, link)
        if out is None:
            out = exports_dir() / f"{utcnow():%Y%m%d-%H%M%S}-{slugs[0]}{'-etc' if len(slugs) > 1 else ''}"
        if out.suffix == "":
            out.mkdir(parents=True, exist_ok=True)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
        bars = None if quiet else ProgressBars()
        try:
            result = run_export(request, out, actor_name="cli", progress=bars)
        finally:
            if bars:
                bars.close()
    except ExportRefused as refusal:
        db.session.commit()   # the refusal (and any approval) is in the audit trail
        click.echo(f"Export refused: {refusal}", err=True)
        raise SystemExit(2)
    except (SelectionError, ExportError, ValueError) as problem:
        db.session.rollback()
        raise click.ClickException(str(problem))
    db.session.commit()
    click.echo(result.report.to_markdown())
    for path in result.paths:
        click.echo(f"Written: {path} ({result.rows} rows)")
    if result.report.pseudonymized:
        click.echo("PSEUDONYMIZED, NOT ANONYMOUS: handle this file as personal data.", err=True)
