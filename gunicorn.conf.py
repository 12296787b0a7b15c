"""gunicorn settings for production: `gunicorn wsgi:app` picks this file up from the working directory.

Put a buffering reverse proxy (nginx) in front: it reads each request whole before passing it on,
so a slow or stalled client never holds a worker (README, "Production").
"""
import multiprocessing
import os

from survey.logs import gunicorn_logger_class

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
# Threads: a client that sends headers and then stalls holds one thread, not the whole worker, so
# /healthz and other respondents are still answered (benchmarks/README.md, "Slow clients").
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30
# After the master is killed (SIGKILL, OOM), its orphaned workers may still hold the port for a
# moment; SO_REUSEPORT lets a restarted master bind at once instead of failing "Address in use".
reuse_port = True
# An access log is useful for operations, but never with the client's address or user agent:
# those would identify respondents. %(h)s and %(a)s are deliberately absent.
accesslog = os.environ.get("ACCESS_LOG") or None
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# The error log names the client on a malformed request; this logger removes any address.
logger_class = gunicorn_logger_class()


def on_starting(server):
    """The app refuses memory:// rate limits under several workers; it learns their number here
    (after command-line options such as -w and --threads are applied; workers inherit the environment)."""
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    # and each worker's database pool keeps a connection for each of its threads (survey/config.py)
    os.environ["GUNICORN_THREADS"] = str(server.cfg.threads)
