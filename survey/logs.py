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


_IP_FIELD = re.compile(r"ip=\S*?(?=:?\s|$)")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])"
                   r"|(?<![\w:])(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?(?![\w:])")


def without_addresses(text: str) -> str:
    text = _IP_FIELD.sub("ip=-", text)
    text = _IPV4.sub("-", text)
    return _IPV6.sub("-", text)


class HideAddresses(logging.Filter):
    """gunicorn's error log names the client (`Invalid request from ip=...`) on a malformed request;
    any address in a message is replaced before a handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_addresses(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def gunicorn_logger_class():
    """gunicorn's Logger with HideAddresses on its error log (gunicorn.conf.py names it; imported
    lazily so the app never needs gunicorn)."""
    from gunicorn.glogging import Logger

    class AddressFreeLogger(Logger):
        def setup(self, cfg):
            super().setup(cfg)
            if not any(isinstance(f, HideAddresses) for f in self.error_log.filters):
                self.error_log.addFilter(HideAddresses())

    return AddressFreeLogger
