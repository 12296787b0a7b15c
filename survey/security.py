"""What every response carries for safety, and how static files and pages travel.

- Headers on every response: a strict Content-Security-Policy (our pages need no inline script or
  style, so none may run), no framing, no MIME sniffing, no Referer (a survey link can name an
  activity), `Cache-Control: no-store` on every page (answer pages and staff pages are never kept
  by a shared tablet's browser or a proxy), HSTS over TLS, `Allow` on every 405.
- Static files are linked under names that carry a hash of their content, computed once at
  start-up, and are cached for a year; a changed file gets a new name, so no stale CSS.
- Text responses over ~500 bytes are compressed (Flask-Compress).
- Behind TRUSTED_PROXIES reverse proxies, the client address and scheme come from their
  X-Forwarded-* headers (ProxyFix); with 0 (the default) those headers are ignored, as anyone can send them.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import request, send_from_directory
from flask_compress import Compress
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",   # frame-ancestors for browsers that predate it
    "Referrer-Policy": "no-referrer",
}
_HEADER_NAMES = {name.lower() for name in HEADERS}
HSTS = "max-age=31536000"
STATIC_MAX_AGE = 365 * 24 * 3600

compress = Compress()


def hashed_name(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.stem}.{digest}{path.suffix}"


def static_manifest(folder: str) -> dict[str, str]:
    """{"survey.css": "survey.1a2b3c4d5e6f.css", ...} for every file under the static folder."""
    root = Path(folder)
    manifest = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        manifest[relative.as_posix()] = (relative.parent / hashed_name(path)).as_posix()
    return manifest


def security_headers(response):
    # one pass over the few headers a response has, instead of a search per header set
    present = {name.lower() for name, _ in response.headers.items()} & _HEADER_NAMES
    response.headers.extend((name, value) for name, value in HEADERS.items() if name.lower() not in present)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if response.status_code == 405 and "Allow" not in response.headers:
        # an error handler that builds its own reply (the JSON API's) drops the header Werkzeug set
        error = request.routing_exception
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def init_app(app) -> None:
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.after_request(security_headers)

    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "text/css", "text/javascript",
                                                 "application/javascript", "application/json"])
    app.config["COMPRESS_REGISTER"] = False
    compress.init_app(app)
    min_size = app.config["COMPRESS_MIN_SIZE"]

    @app.after_request
    def compressed(response):
        # a reply known to be small (a submission's is ~100 bytes) is let through before
        # Flask-Compress reads the request's and the reply's headers
        if response.content_length is not None and response.content_length < min_size:
            return response
        return compress.after_request(response)

    manifest = static_manifest(app.static_folder)
    originals = {hashed: name for name, hashed in manifest.items()}
    app.extensions["survey_static_originals"] = originals  # hashed name -> file, for the PDF renderer

    @app.url_defaults
    def hashed_static_url(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    def static(filename):
        if filename in originals:
            response = send_from_directory(app.static_folder, originals[filename], max_age=STATIC_MAX_AGE)
            response.cache_control.public = True
            response.cache_control.immutable = True
            return response
        return app.send_static_file(filename)  # an unhashed name: revalidated each time

    app.view_functions["static"] = static
