"""Server logs never carry a respondent's address."""
import logging
from pathlib import Path

from survey.logs import HideClientAddress


def test_development_server_request_line_loses_the_client_address():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '203.0.113.9 - - [23/Nov/2026 07:35:12] "%s" %s %s\n', ("GET /s/demo HTTP/1.1", 200, "-"), None)
    HideClientAddress().filter(record)
    assert "203.0.113.9" not in record.getMessage()
    assert record.getMessage().startswith('- - - [23/Nov/2026 07:35:12] "GET /s/demo HTTP/1.1" 200')


def test_gunicorn_access_log_format_has_no_address_or_user_agent():
    namespace = {}
    exec((Path(__file__).resolve().parents[1] / "gunicorn.conf.py").read_text(), namespace)
    assert "%(h)s" not in namespace["access_log_format"] and "%(a)s" not in namespace["access_log_format"]


def test_gunicorn_error_log_filter_removes_ipv4_and_ipv6_addresses():
    from survey.logs import HideAddresses
    for address in ("203.0.113.9", "2001:db8::7", "::1"):
        record = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1,
                                   f"Invalid request from ip={address}: Invalid HTTP request line: 'GARBAGE'", (), None)
        HideAddresses().filter(record)
        assert address not in record.getMessage() and "Invalid HTTP request line" in record.getMessage()
