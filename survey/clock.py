"""Every rule about time in one place: UTC in the database, minutes only, days in the activity's time zone.

Timestamps are kept to the minute because finer ones could help single a respondent out; a
collection's opening and closing dates are calendar days where the activity happens.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def epoch_seconds() -> int:
    """Now as whole seconds since 1970 (UTC), for stamps kept in a session cookie."""
    return int(datetime.now(timezone.utc).timestamp())


def to_minute(moment: datetime) -> datetime:
    """UTC, naive, to the minute."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(second=0, microsecond=0)


def local_today(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def local_date(moment: datetime, tz: str) -> date:
    """The calendar day at the activity's place; a naive moment is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(tz)).date()
