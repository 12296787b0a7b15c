"""How files in forms/ are read and written with ruamel.yaml, in the layout of the hand-written ones.

The loader, the translation import and the XLSForm import share these settings, so a file a tool
wrote looks like one a person wrote, and a text like "No" or "1985" never turns into a boolean or
a number on its way back in.
"""
from __future__ import annotations

import re

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

# Strings that YAML 1.1 readers (and many editors) take for booleans, nulls or numbers.
_AMBIGUOUS = re.compile(r"(?i)^(y|n|yes|no|on|off|true|false|null|~|[-+.0-9][-+.0-9e_:]*)?$")


def reader() -> YAML:
    """Round-trip reading: keeps line numbers (for problems), comments and key order."""
    return YAML(typ="rt")


def writer() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # a text stays on one line instead of being re-wrapped mid-sentence
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # {all: [{not: ...}]}, not [not: ...]
    return yaml


def quoted_if_ambiguous(text: str) -> str:
    """`text`, double-quoted on write when a YAML reader would take it for something else."""
    return DoubleQuotedScalarString(text) if _AMBIGUOUS.match(text) else text
