"""Staff pages: sign-in and an overview of collections. Roles and the live overview come later."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

from . import views  # noqa: E402,F401
