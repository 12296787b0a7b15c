"""gunicorn settings for production: `gunicorn wsgi:app` picks this file up from the working directory."""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
timeout = 30
# An access log is useful for operations, but never with the client's address or user agent:
# those would identify respondents. %(h)s and %(a)s are deliberately absent.
accesslog = os.environ.get("ACCESS_LOG") or None
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
