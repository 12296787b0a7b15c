"""The CI dependency audit (.ci/audit.py) fails on what can be fixed, and only on that."""
from __future__ import annotations

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("ci_audit", Path(__file__).resolve().parents[1] / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def report(*deps):
    return {"dependencies": list(deps)}


def test_a_vulnerability_with_a_fixed_release_is_fixable():
    found = audit.classify(report({"name": "jinja2", "version": "3.1.2",
                                   "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]}))
    assert found["fixable"] == ["jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)"]


def test_a_vulnerability_without_a_fix_is_reported_but_not_fixable():
    found = audit.classify(report({"name": "pkg", "version": "1.0", "vulns": [{"id": "PYSEC-1", "fix_versions": []}]}))
    assert found["fixable"] == [] and found["unfixable"] == ["pkg 1.0: PYSEC-1 (no fixed release yet)"]


def test_packages_the_audit_could_not_reach_are_counted_apart():
    found = audit.classify(report({"name": "click", "skip_reason": "Dependency not found on PyPI"},
                                  {"name": "flask", "version": "3.1.0", "vulns": []}))
    assert (found["audited"], found["skipped"]) == (1, ["click"])
