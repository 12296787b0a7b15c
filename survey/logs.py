"""Request logs without client addresses: a respondent's IP address is never written anywhere."""
from __future__ import annotations

import logging
import re

_ADDRESS_PREFIX = re.compile(r"^\S+ - - \[")


class HideClientAddress(logging.Filter):
    """Werkzeug's development server starts each request line with the client's address; drop it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and _ADDRESS_PREFIX.match(record.msg):
            record.msg = _ADDRESS_PREFIX.sub("- - - [", record.msg, count=1)
        return True


def init_app(_app) -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, HideClientAddress) for f in logger.filters):
        logger.addFilter(HideClientAddress())
