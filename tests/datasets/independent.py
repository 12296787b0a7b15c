"""An independent k-anonymity check: pycanon, in a virtualenv of its own (it pins exact numpy and
pandas versions that the app's environment does not have). Created once at .venv-pycanon."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-pycanon"
PYTHON = VENV / "bin" / "python"

SCRIPT = r"""
import json, sys
import pandas as pd
from pycanon import anonymity
path, qis = sys.argv[1], json.loads(sys.argv[2])
frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
frame = frame.reset_index(drop=True)          # pycanon passes index labels to iloc
frame[qis] = frame[qis].fillna("*")           # missing counts as a literal category
print(json.dumps({"k": int(anonymity.k_anonymity(frame, qis))}))
"""


def pycanon_python() -> Path:
    if PYTHON.exists() and subprocess.run([str(PYTHON), "-c", "import pycanon"], capture_output=True).returncode == 0:
        return PYTHON
    made = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"INDEPENDENT CHECK NOT RUN: could not create {VENV}: {made.stderr[-500:]}")
    installed = subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "pycanon"],
                               capture_output=True, text=True)
    if installed.returncode != 0:
        pytest.skip(f"INDEPENDENT CHECK NOT RUN: pip install pycanon failed: {installed.stderr[-800:]}")
    return PYTHON


def pycanon_k(csv_path: Path, quasi_identifiers: list[str]) -> int:
    done = subprocess.run([str(pycanon_python()), "-c", SCRIPT, str(csv_path), json.dumps(quasi_identifiers)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["k"]
