"""Where the server reads and writes files: each path is a setting (FORMS_DIR, EXPORTS_DIR, DOCS_DIR),
read here and nowhere else, so a deployment that moves one moves every use of it."""
from __future__ import annotations

from pathlib import Path

from flask import current_app


def forms_dir() -> Path:
    return Path(current_app.config["FORMS_DIR"])


def exports_dir() -> Path:
    return Path(current_app.config["EXPORTS_DIR"])


def docs_dir() -> Path:
    return Path(current_app.config["DOCS_DIR"])
