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


class SecurityHeaders:
    """WSGI middleware adding the headers every response carries, to the plain list of header pairs
    the app hands to the server.

    As an after-request hook working on Werkzeug's `Headers` (which checks every value it is
    given) it cost about 110,000 instructions a request, a twentieth of a submission's
    (benchmarks/README.md); here it is a few list operations. A header a view set itself is kept,
    except Cache-Control: every response but a static file's is `no-store`."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend(pair for pair in _HEADER_PAIRS if pair[0].lower() not in present)
            if not environ.get(_STATIC):
                if "cache-control" in present:
                    headers[:] = [pair for pair in headers if pair[0].lower() != "cache-control"]
                headers.append(("Cache-Control", "no-store"))
            # after ProxyFix (which wraps this), the scheme the client used
            if environ.get("wsgi.url_scheme") == "https" and "strict-transport-security" not in present:
                headers.append(("Strict-Transport-Security", HSTS))
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, start)


_HEADER_PAIRS = tuple(HEADERS.items())
_STATIC = "survey.static_file"    # set in the WSGI environ by the static view: cacheable


def allow_on_405(response):
    # an error handler that builds its own reply (the JSON API's) drops the header Werkzeug set
    if response.status_code == 405 and "Allow" not in response.headers:
        error = request.routing_exception
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def init_app(app) -> None:
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.after_request(allow_on_405)

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
        request.environ[_STATIC] = True
        if filename in originals:
            response = send_from_directory(app.static_folder, originals[filename], max_age=STATIC_MAX_AGE)
            response.cache_control.public = True
            response.cache_control.immutable = True
            return response
        return app.send_static_file(filename)  # an unhashed name: revalidated each time

    app.view_functions["static"] = static
