"""HTML to PDF with WeasyPrint (it needs Debian's Pango: libpango-1.0-0 and libpangoft2-1.0-0).

The report's own stylesheets are read from the static folder on disk; anything else the HTML
names is refused, so rendering a PDF never reaches out to the network.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

STATIC_PREFIX = "/static/"
BASE_URL = "http://report.invalid/"


def html_to_pdf(html: str, static_folder: str, hashed_names: dict[str, str] | None = None) -> bytes:
    """`hashed_names` maps the content-hashed names pages link to (survey/security.py) back to files."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    folder = Path(static_folder).resolve()

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlparse(url).path
            name = path[len(STATIC_PREFIX):]
            target = (folder / (hashed_names or {}).get(name, name)).resolve()
            if not url.startswith(BASE_URL) or not path.startswith(STATIC_PREFIX) or folder not in target.parents:
                raise ValueError(f"the report may only use its own static files, not {url}")
            return super().fetch(target.as_uri(), headers)

    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly(allowed_protocols=("file",))).write_pdf()
