"""`flask forms ...`: check and load the questionnaire files in forms/."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from ..i18n import languages
from ..paths import forms_dir
from .definition import Definition
from .loader import Problem, load_directory, load_file
from .versions import store_definition

forms_cli = AppGroup("forms", help="Check and load the questionnaire definitions in forms/.")


def _results(files: tuple[str, ...]):
    known = languages()
    if files:
        return [load_file(Path(f), known) for f in files]
    return load_directory(forms_dir(), known)


@forms_cli.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def check(files):
    """Check every questionnaire file (or the FILES given) and list each problem with its line."""
    results = _results(files)
    problems = [p for r in results for p in r.problems]
    for problem in problems:
        click.echo(str(problem), err=True)
    for r in results:
        if r.definition:
            click.echo(f"ok   {r.path.name}: {len(r.definition.items)} items, "
                       f"{len(r.definition.scales)} scales, languages {', '.join(r.definition.languages)}")
    if not files:
        problems += _checked_companions([r.definition for r in results if r.definition])
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {len({p.file for p in problems})} file(s)")


# Files beside the questionnaires that refer to them (e.g. the outcome indicators) register a
# checker here: (definitions) -> (problems, line to print when ok). Kept as hooks so this module
# needs to know nothing about them.
COMPANION_CHECKS: list = []


def _checked_companions(definitions: list[Definition]) -> list[Problem]:
    problems = []
    for companion_check in COMPANION_CHECKS:
        found, ok_line = companion_check(definitions)
        for problem in found:
            click.echo(str(problem), err=True)
        if ok_line and not found:
            click.echo(ok_line)
        problems += found
    return problems


def stop_on_problems(problems: list[Problem], message: str) -> None:
    """List each problem with its file and line, then stop the command with `message`."""
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(message)


def checked_library(nothing_was: str) -> list[Definition]:
    """Every questionnaire in forms/, or a stop listing each problem: a half-loaded library helps nobody."""
    results = _results(())
    stop_on_problems([p for r in results for p in r.problems],
                     f"nothing was {nothing_was}: fix the problems above first (flask --app wsgi forms check)")
    return [r.definition for r in results]


@forms_cli.command("load")
def load():
    """Check and load every questionnaire into the database (a changed one with answers becomes a new version)."""
    for definition in checked_library("loaded"):
        outcome = store_definition(definition)
        db.session.commit()
        click.echo(f"{outcome.action:12} {outcome.form_id} (version {outcome.version.number}, label {outcome.version.label})")
