"""Response counts straight from the database, for the staff pages and the command line."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..responses.models import Response


def responses_per_collection() -> dict[int, int]:
    """Collection id -> number of stored responses."""
    return dict(db.session.execute(select(Response.collection_id, func.count())
                                   .group_by(Response.collection_id)).all())
