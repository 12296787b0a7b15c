"""Research datasets: anonymized (k-anonymous) exports of one questionnaire's responses, with codebook.

The pipeline is plain Python, no Flask: the CLI, the API and the staff pages call `export` (or
`build_dataset` and `formats.write`) with chunks of ResponseRecord and the questionnaire's definitions.
The Flask-bound part (source.py: the database; runs.py: one audited export; cli.py, views.py) is
bound by `init_app`.
"""
from .anonymize import ExportRefused
from .layout import ExportError
from .pipeline import Dataset, ExportOptions, ExportResult, LinkKey, build_dataset, export
from .records import Chunks, ResponseRecord, chunked
from .report import AnonymizationReport

__all__ = ["AnonymizationReport", "Chunks", "Dataset", "ExportError", "ExportOptions", "ExportRefused",
           "ExportResult", "LinkKey", "ResponseRecord", "build_dataset", "chunked", "export", "init_app"]


def init_app(app) -> None:
    from ..extensions import csrf
    from .cli import export_command
    from .views import api_bp, bp
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)   # token-authenticated GETs from scripts, no forms
    app.cli.add_command(export_command)
