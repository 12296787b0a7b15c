"""Helpers for the kiosk's browser tests: a kiosk opened by its one-time link, a respondent's answers."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# As in tests/browser/conftest.py (not imported: `conftest` names several modules in this suite).
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
TABLET = {"width": 820, "height": 1180}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NODE_DIR = Path(__file__).resolve().parent / ".node"     # git-ignored
AXE = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"


def keep_screenshot(page, name: str, tmp_path: Path) -> None:
    """Always taken; copied into docs/ when UPDATE_SCREENSHOTS=1."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 5_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOTS / name)


def axe_script() -> Path:
    """axe-core (MPL-2.0), installed with npm at test time into a git-ignored folder."""
    if AXE.exists():
        return AXE
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("axe-core checks skipped: npm is missing (apt-get install npm)")
    NODE_DIR.mkdir(exist_ok=True)
    result = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR),
                             "axe-core@4"], capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not AXE.exists():
        pytest.skip(f"axe-core checks skipped: npm could not install axe-core ({result.stderr[-300:]})")
    return AXE


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(axe_script()))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def visible(page, selector: str):
    return page.locator(f"section[data-step]:not([hidden]) {selector}")


def answer_one_respondent(page, lang_name: str = "Svenska", wish: str | None = None, face: int = 2,
                          thanks_seconds: int | None = None) -> None:
    """From the picker to the thank-you screen with the fewest taps: the two required answers and a wish.
    `thanks_seconds` keeps this one thank-you screen up longer, for a test that looks at it."""
    page.locator(".kiosk-root[data-kiosk=picker][data-ready]").wait_for()
    page.get_by_role("link", name=lang_name).click()
    visible(page, "[data-action=start]").click()
    visible(page, "[data-action=next]").click()                      # about you: nothing required
    visible(page, "#item-day_face .option").nth(face).click()
    visible(page, "[data-action=next]").click()
    if wish:
        visible(page, "textarea[name=wish]").fill(wish)
    visible(page, "#item-come_back .option").first.click()
    visible(page, "[data-action=next]").click()
    if thanks_seconds:
        page.evaluate("(s) => { document.querySelector('.kiosk-root').dataset.thanksSeconds = s; }", thanks_seconds)
    visible(page, "[data-action=next]").click()                      # statements: the last page, "Send"
    page.locator("section[data-step=thanks]:not([hidden])").wait_for()
