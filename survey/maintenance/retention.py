"""Retention: how long raw responses are kept after a collection closes, and which are due to go.

The rule is plain date arithmetic, counted from the collection's closing date: a collection with
no closing date is still collecting, so nothing of it is ever due. Exports already delivered to
the university are separate files (EXPORTS_DIR) and are never touched here.
"""
from __future__ import annotations

from datetime import date, timedelta


def delete_after(closes_on: date | None, retention_days: int | None, default_days: int) -> date | None:
    """The last day raw responses of a collection are kept, or None while it has no closing date."""
    if closes_on is None:
        return None
    return closes_on + timedelta(days=default_days if retention_days is None else retention_days)


def is_due(closes_on: date | None, retention_days: int | None, default_days: int, today: date) -> bool:
    last_day = delete_after(closes_on, retention_days, default_days)
    return last_day is not None and today > last_day
