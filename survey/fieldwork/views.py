"""Staff pages for collections: the list with states and counts."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from sqlalchemy import select

from ..auth.permissions import Permission, requires
from ..clock import local_today
from ..extensions import db
from ..results.counts import responses_per_collection
from .labels import wave_label
from .models import Collection

bp = Blueprint("fieldwork", __name__, url_prefix="/staff/collections", template_folder="templates")


@bp.get("/")
@requires(Permission.VIEW_COLLECTIONS)
def collections():
    today = local_today(current_app.config["TIMEZONE"])
    counts = responses_per_collection()
    rows = [(c, c.state_on(today), counts.get(c.id, 0))
            for c in db.session.scalars(select(Collection).order_by(Collection.created_at.desc()))]
    return render_template("fieldwork/list.html", collections=rows, wave_label=wave_label)
