"""Which collections a staff member sees results of: partners only those they are scoped to."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..audit.operations import record
from ..extensions import db
from ..fieldwork.models import Collection
from .models import PartnerScope

SCOPED_ROLES = frozenset({"partner"})


def visible_collections(user) -> list[Collection]:
    """The collections `user` may see results of, oldest first (a fixed order for every table)."""
    query = select(Collection).order_by(Collection.id)
    if user.role in SCOPED_ROLES:
        query = query.join(PartnerScope, PartnerScope.collection_id == Collection.id).where(
            PartnerScope.staff_user_id == user.id)
    return list(db.session.scalars(query))


def set_scope(user, collections: list[Collection], *, actor=None, actor_name: str | None = None) -> None:
    """Replace `user`'s scope with `collections`; audited. The caller commits."""
    db.session.execute(delete(PartnerScope).where(PartnerScope.staff_user_id == user.id))
    for collection in collections:
        db.session.add(PartnerScope(staff_user_id=user.id, collection_id=collection.id))
    db.session.flush()
    record("results.scope", actor=actor, actor_name=actor_name, obj=user,
           detail=", ".join(c.slug for c in collections) or "(none)")
