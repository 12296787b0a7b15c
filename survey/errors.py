"""Error pages in the visitor's language, never a stack trace."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .api.views import api_http_error, api_unexpected_error
from .extensions import retry_after


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("error.html", title=_("This page has expired"),
                               message=_("Please go back and try again. Your earlier answers are kept.")), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        if request.path.startswith("/api/"):
            # an unknown API path or method fails in routing, before the API blueprint's own handler
            return api_http_error(error)
        messages = {404: (_("Page not found"), _("There is nothing at this address.")),
                    413: (_("Too much text"), _("Please write a little less and try again.")),
                    429: (_("Please wait a moment"), _("There were too many attempts. Please wait a minute and try again."))}
        title, message = messages.get(error.code, (error.name, _("Something went wrong. Please try again.")))
        headers = retry_after(error) if error.code == 429 else {}
        return render_template("error.html", title=title, message=message), error.code, headers

    @app.errorhandler(500)
    def server_error(error):
        if request.path.startswith("/api/"):
            return api_unexpected_error(getattr(error, "original_exception", None) or error)
        return render_template("error.html", title=_("Something went wrong"),
                               message=_("Please try again. If it happens again, tell an adult from the project.")), 500
