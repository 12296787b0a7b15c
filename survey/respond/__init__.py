"""The respondent's path: language, information and consent, pages, thank-you. Works without JavaScript."""
from flask import Blueprint

bp = Blueprint("respond", __name__, template_folder="templates")

from . import views  # noqa: E402,F401
