"""The JSON API under /api/v1: the path offline tablets and scripts use."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401  (routes register on bp)
