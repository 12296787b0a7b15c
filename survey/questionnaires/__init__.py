"""Questionnaires: the definition format, its loader and validator, item types, answers, scoring
(plain Python: importing neither Flask nor the request), plus the library in the database
(`models`, `versions`), its command line (`flask forms`) and the translation review workflow.
"""


def init_app(app) -> None:
    from .cli import forms_cli
    from . import document_cli, xlsform_cli  # noqa: F401  (they add commands to forms_cli)
    from .translation_review.cli import translations_cli
    app.cli.add_command(forms_cli)
    app.cli.add_command(translations_cli)
