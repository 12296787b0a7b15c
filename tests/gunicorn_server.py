"""A real gunicorn on 127.0.0.1, started as the README says for production (`gunicorn wsgi:app`
from the repository, gunicorn.conf.py picked up), for tests that need the real server."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_SECRET = "production-secret-" + "z" * 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(database_url: str, port: int, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SURVEY_ENV", "SECRET_KEY", "FLASK_DEBUG")}
    env.update(SECRET_KEY=STRONG_SECRET, SURVEY_CONTACT="enkat@example.org", DATABASE_URL=database_url,
               BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


class Gunicorn:
    def __init__(self, env: dict, error_log: Path):
        self.port = int(env["BIND"].rsplit(":", 1)[1])
        self.error_log = error_log
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "wsgi:app", "--error-logfile", str(error_log)],
                                        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def request(self, method: str, path: str, headers: dict | None = None, timeout: float = 5):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, headers=headers or {})
            reply = connection.getresponse()
            reply.read()
            return reply
        finally:
            connection.close()

    def wait_until_serving(self, seconds: float = 20) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if self.request("GET", "/healthz", timeout=1).status == 200:
                    return True
            except OSError:
                time.sleep(0.2)
        return False

    def wait_until_listening(self, seconds: float = 10) -> bool:
        """Whether this master bound its port (orphaned workers of another may answer /healthz meanwhile)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            if "Listening at" in self.log():
                return True
            time.sleep(0.1)
        return False

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def log(self) -> str:
        return self.error_log.read_text() if self.error_log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def end_orphans(pids: list[int]) -> None:
    """Workers left behind by a killed master: ended by their own ids, waited for briefly."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
