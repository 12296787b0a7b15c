"""GET /healthz: answers 200 when the app and its database are up, for load balancers and monitors."""
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .auth.permissions import Permission, requires
from .extensions import db

bp = Blueprint("health", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/healthz")
@requires(Permission.PUBLIC)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
