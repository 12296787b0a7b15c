"""Research datasets: anonymized (k-anonymous) exports of one questionnaire's responses, with codebook.

Plain Python, no Flask: the CLI, the API and the staff pages call `export` (or `build_dataset`
and `formats.write`) with chunks of ResponseRecord and the questionnaire's definitions.
"""
from .anonymize import ExportRefused
from .layout import ExportError
from .pipeline import Dataset, ExportOptions, ExportResult, LinkKey, build_dataset, export
from .records import Chunks, ResponseRecord, chunked
from .report import AnonymizationReport

__all__ = ["AnonymizationReport", "Chunks", "Dataset", "ExportError", "ExportOptions", "ExportRefused",
           "ExportResult", "LinkKey", "ResponseRecord", "build_dataset", "chunked", "export"]
