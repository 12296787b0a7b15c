"""Soak test: tablets with persistent offline queues send through a connection-cutting proxy to
gunicorn hosts that are SIGKILLed and restarted, and every answer must be stored exactly once.

    .venv/bin/python benchmarks/soak.py --db sqlite
    .venv/bin/python benchmarks/soak.py --db postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/soak.py --db postgresql://postgres@127.0.0.1:5432/test --hosts 2

What runs (loopback only; bounded by --responses and --time-limit):
- the server is set up as an operator would: `flask --app wsgi db upgrade`, `forms load`,
  `demo setup`, then `gunicorn -w N --reuse-port wsgi:app` per host, in production settings
  (SURVEY_ENV=production, a 48-byte SECRET_KEY, SURVEY_CONTACT, rate limits in Redis);
- every host sits behind its own ChaosProxy (benchmarks/chaos_proxy.py), which cuts a share of
  connections, half of them after the server stored the response and before the tablet heard;
- `--kills` times, at even steps of progress, a host gets SIGKILL mid-traffic and is started again
  at once on the same port: alternately the master alone (its orphaned workers finish what they
  hold while the new master binds beside them, `--reuse-port`) and the whole process group;
- each tablet is a thread with its own SQLite queue file and the kiosk's rules: a response is
  written to the queue before it is sent and leaves only on 201 or 200; a network error, a 5xx
  or a 429 is retried with capped exponential back-off and jitter (Retry-After honoured);
  409, 410 and 422 are held aside in the file, never dropped. Tablets pick a host at random for
  every attempt, so re-sends cross hosts.

At the end the queue files and the database are compared per client id: lost, duplicated,
mismatched (stored answers differ from those sent), still queued, held. With --hosts 2 two short
phases follow: a low rate limit counted across both hosts, and a staff session signed in on one
host and used on the other. Exit status 1 unless lost = duplicated = mismatched = queued = 0.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chaos_proxy import ChaosProxy  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
SLUG = "demo"
PATH = f"/api/v1/collections/{SLUG}/responses"
ACTIVITIES = ("sport", "music", "homework", "none")   # the demo list's own order (stored sorted so)
WISHES = ("Mer fotboll", "Fler utflykter", "المزيد من الرحلات", "Waxaan rabaa ciyaaro badan", "کلاس موسیقی بیشتر")


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_answers(rng: random.Random) -> dict:
    """Answers to forms/demo.yaml in the form the validator stores them, so sent == stored."""
    answers = {"birth_year": date.today().year - rng.randint(7, 60), "gender": rng.choice([1, 2, 3, 9]),
               "day_face": rng.randint(1, 4), "can_solve": rng.randint(1, 4), "visits": rng.randint(0, 7),
               "come_back": rng.choice([0, 1])}
    picked = [a for a in ACTIVITIES if rng.random() < 0.4]
    if picked:
        answers["activities"] = picked
    if "sport" in picked:
        answers["sport_kind"] = rng.choice(["Fotboll", "Basket", "كرة القدم"])
    if rng.random() < 0.5:
        answers["wish"] = rng.choice(WISHES)
    return answers


# --- the tablets -----------------------------------------------------------------------------

class Tablet(threading.Thread):
    """One tablet: answers are queued in its SQLite file first, then sent by the kiosk's rules."""

    BACKOFF_BASE = 0.05
    BACKOFF_CAP = 2.0     # seconds; the kiosk caps higher, the soak keeps the run short

    def __init__(self, number: int, workdir: Path, quota: int, hosts: list[int], stop_at: float,
                 progress: "Progress"):
        super().__init__(daemon=True)
        self.number, self.quota, self.hosts, self.stop_at, self.progress = number, quota, hosts, stop_at, progress
        self.path = workdir / f"tablet-{number:03d}.sqlite"
        self.rng = random.Random(number)
        self.statuses: Counter = Counter()

    def run(self) -> None:
        queue = open_queue(self.path)
        made = 0
        while time.monotonic() < self.stop_at:
            if made < self.quota:   # a child finishes the questionnaire: queued before any send
                client_id = f"t{self.number:03d}-{uuid.uuid4().hex}"
                body = json.dumps({"client_id": client_id, "language": self.rng.choice(["sv", "ar", "so", "fa", "en"]),
                                   "channel": "tablet", "answers": demo_answers(self.rng)}, ensure_ascii=False)
                with queue:
                    queue.execute("INSERT INTO outbox (client_id, body, state, attempts, due) VALUES (?, ?, 'queued', 0, 0)",
                                  (client_id, body))
                made += 1
            row = queue.execute("SELECT client_id, body, attempts FROM outbox WHERE state = 'queued' AND due <= ? "
                                "ORDER BY due, rowid LIMIT 1", (time.monotonic(),)).fetchone()
            if row is None:
                if made >= self.quota and not queue.execute(
                        "SELECT 1 FROM outbox WHERE state = 'queued' LIMIT 1").fetchone():
                    break       # everything this tablet made is confirmed or held
                time.sleep(0.02)
                continue
            self._send(queue, *row)
        queue.close()

    def _send(self, queue, client_id: str, body: str, attempts: int) -> None:
        port = self.rng.choice(self.hosts)
        retry_after = None
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            conn.request("POST", PATH, body.encode(), {"Content-Type": "application/json"})
            reply = conn.getresponse()
            reply.read()
            conn.close()
            status = reply.status
            retry_after = reply.getheader("Retry-After")
        except (OSError, http.client.HTTPException):
            status = "network"
        self.statuses[status] += 1
        with queue:
            if status in (200, 201):
                queue.execute("UPDATE outbox SET state = 'confirmed', status = ?, confirmed_at = ? WHERE client_id = ?",
                              (status, time.time(), client_id))
                self.progress.add()
            elif status in (409, 410, 422):
                queue.execute("UPDATE outbox SET state = 'held', status = ? WHERE client_id = ?", (status, client_id))
            else:
                delay = min(self.BACKOFF_CAP, self.BACKOFF_BASE * 2 ** attempts) * self.rng.uniform(0.5, 1.0)
                if status == 429 and retry_after and retry_after.isdigit():
                    delay = max(delay, min(float(retry_after), self.BACKOFF_CAP * 5))
                queue.execute("UPDATE outbox SET attempts = attempts + 1, due = ? WHERE client_id = ?",
                              (time.monotonic() + delay, client_id))


def open_queue(path: Path) -> sqlite3.Connection:
    queue = sqlite3.connect(path, check_same_thread=False)
    queue.execute("PRAGMA journal_mode=WAL")
    queue.execute("PRAGMA synchronous=NORMAL")
    queue.execute("""CREATE TABLE IF NOT EXISTS outbox (
        client_id TEXT PRIMARY KEY, body TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
        due REAL NOT NULL, status INTEGER, confirmed_at REAL)""")
    return queue


class Progress:
    def __init__(self):
        self.confirmed = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.confirmed += 1


# --- the servers -----------------------------------------------------------------------------

class Host:
    """One app host: a gunicorn master and its workers in a process group of their own."""

    def __init__(self, name: str, env: dict, workers: int, logdir: Path):
        self.name, self.env, self.workers = name, env, workers
        self.port = free_port()
        self.log = open(logdir / f"gunicorn-{name}.log", "ab")
        self.process: subprocess.Popen | None = None
        self.orphans: list[tuple[int, int]] = []   # (worker pid, its process group) left by a master kill

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}", "--reuse-port",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True)

    def kill(self, mode: str = "group") -> None:
        """A crash, not a shutdown. "group": SIGKILL to the master and every worker at once.
        "master": SIGKILL to the master only; its workers, orphaned, finish the request in hand and
        exit when they see their parent gone, while the new master binds the same port beside them
        (both sockets have SO_REUSEPORT)."""
        if mode == "group":
            os.killpg(self.process.pid, signal.SIGKILL)
        else:
            self.orphans += [(pid, self.process.pid) for pid in children_of(self.process.pid)]
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def end_orphans(self) -> int:
        """SIGKILL orphaned workers still alive at the end (checked by pid and process group)."""
        ended = 0
        for pid, group in self.orphans:
            try:
                if os.getpgid(pid) == group:
                    os.kill(pid, signal.SIGKILL)
                    ended += 1
            except ProcessLookupError:
                pass
        return ended

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status < 500:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"host {self.name} did not answer within {seconds} s")


def children_of(parent: int) -> list[int]:
    """The pids whose parent is `parent`, from /proc (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def flask(env, *args) -> str:
    return subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


# --- the run ---------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL (a schema of the run's own is used)")
    parser.add_argument("--hosts", type=int, default=1, help="app hosts (gunicorn instances) sharing the database")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--tablets", type=int, default=24)
    parser.add_argument("--responses", type=int, default=10000, help="responses in all (split over the tablets)")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs of a host's master and workers")
    parser.add_argument("--kill", choices=("alternate", "master", "group"), default="alternate",
                        help="SIGKILL the master only (workers orphaned), the whole process group, or alternate")
    parser.add_argument("--cut-rate", type=float, default=0.05, help="share of connections the proxy cuts")
    parser.add_argument("--rate-limit", default="20000 per minute", help="SUBMISSION_RATE_LIMIT during the soak")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="RATELIMIT_STORAGE_URI")
    parser.add_argument("--time-limit", type=float, default=900, help="seconds before the tablets give up")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (queues, logs)")
    args = parser.parse_args()
    if args.hosts > 1 and args.db == "sqlite":
        parser.error("several hosts share PostgreSQL, not a SQLite file")

    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    env = dict(os.environ, SURVEY_ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
               SURVEY_CONTACT="soak@example.org", RATELIMIT_STORAGE_URI=args.redis,
               SUBMISSION_RATE_LIMIT=args.rate_limit, EXPORTS_DIR=str(workdir / "exports"), WEB_CONCURRENCY=str(args.workers))
    schema = None
    if args.db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'soak.db'}"
    else:
        import sqlalchemy
        schema = f"soak_{uuid.uuid4().hex[:8]}"
        with sqlalchemy.create_engine(sqlalchemy_url(args.db)).begin() as c:
            c.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        env["DATABASE_URL"] = f"{args.db}{'&' if '?' in args.db else '?'}options=-csearch_path%3D{schema}"
    hosts, proxies, tablets = [], [], []
    try:
        flask(env, "db", "upgrade")
        flask(env, "forms", "load")
        setup = flask(env, "demo", "setup")
        hosts = [Host(chr(ord("A") + i), env, args.workers, workdir) for i in range(args.hosts)]
        for host in hosts:
            host.start()
        for host in hosts:
            host.wait_ready()
        proxies = [ChaosProxy(h.port, args.cut_rate, seed=i).start() for i, h in enumerate(hosts)]

        progress = Progress()
        started = time.monotonic()
        stop_at = started + args.time_limit
        per_tablet = [args.responses // args.tablets + (i < args.responses % args.tablets) for i in range(args.tablets)]
        tablets = [Tablet(i, workdir, per_tablet[i], [p.port for p in proxies], stop_at, progress)
                   for i in range(args.tablets)]
        for t in tablets:
            t.start()

        kills, last_restart = [], None
        for k in range(1, args.kills + 1):
            target = args.responses * k // (args.kills + 1)
            while progress.confirmed < target and time.monotonic() < stop_at and any(t.is_alive() for t in tablets):
                time.sleep(0.05)
            host = hosts[(k - 1) % len(hosts)]
            mode = args.kill if args.kill != "alternate" else ("master", "group")[(k - 1) % 2]
            host.kill(mode)
            host.start()
            last_restart = time.time()
            kills.append({"host": host.name, "mode": mode, "confirmed_before": progress.confirmed,
                          "at_s": round(time.monotonic() - started, 1)})
            print(f"kill {k}: host {host.name} ({mode}) at {progress.confirmed} confirmed", flush=True)
            host.wait_ready()
        for t in tablets:
            t.join(max(0.0, stop_at - time.monotonic()) + 30)
        wall = time.monotonic() - started

        figures = verify(workdir, env["DATABASE_URL"], last_restart)
        statuses = Counter()
        for t in tablets:
            statuses.update(t.statuses)
        cuts = Counter()
        for p in proxies:
            cuts.update(p.counts)
        result = {
            "db": "sqlite" if args.db == "sqlite" else "postgresql", "hosts": args.hosts, "workers_per_host": args.workers,
            "tablets": args.tablets, "responses": args.responses, "seconds": round(wall, 1),
            "kills": len(kills), "kill_log": kills,
            "connections": cuts["connections"], "cut_request": cuts["cut_request"], "cut_reply": cuts["cut_reply"],
            "cut_reply_by_status": {k[len("cut_reply_"):]: v for k, v in sorted(cuts.items()) if k.startswith("cut_reply_")},
            "refused_while_down": cuts["upstream_down"],
            "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            **figures,
        }
        if args.hosts > 1:
            for host in hosts:
                host.stop()
            result["shared_rate_limit"] = shared_rate_limit_phase(env, hosts)
            result["staff_session_across_hosts"] = staff_session_phase(hosts, setup)
        print(json.dumps(result, indent=2, ensure_ascii=False))
        ok = all(result[k] == 0 for k in ("lost", "duplicated", "mismatched", "still_queued", "confirmed_not_stored"))
        if args.hosts > 1:
            ok = ok and result["shared_rate_limit"]["ok"] and result["staff_session_across_hosts"]["ok"]
        print("SOAK PASSED" if ok else "SOAK FAILED", flush=True)
        return 0 if ok else 1
    finally:
        for p in proxies:
            p.stop()
        for host in hosts:
            host.stop()
            host.end_orphans()
        if schema:
            import sqlalchemy
            engine = sqlalchemy.create_engine(sqlalchemy_url(args.db))
            with engine.begin() as c:
                c.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            import shutil
            shutil.rmtree(workdir, ignore_errors=True)


def verify(workdir: Path, database_url: str, last_restart: float | None) -> dict:
    """Compare every tablet's queue file with the database, per client id."""
    sent, confirmed, queued, held, confirmed_after_restart, pending_at_restart = {}, set(), set(), set(), 0, 0
    for path in sorted(workdir.glob("tablet-*.sqlite")):
        queue = open_queue(path)
        for client_id, body, state, confirmed_at in queue.execute(
                "SELECT client_id, body, state, confirmed_at FROM outbox"):
            sent[client_id] = json.loads(body)["answers"]
            if state == "confirmed":
                confirmed.add(client_id)
                if last_restart and confirmed_at > last_restart:
                    confirmed_after_restart += 1
            elif state == "queued":
                queued.add(client_id)
            else:
                held.add(client_id)
            if last_restart and (state != "confirmed" or confirmed_at > last_restart):
                pending_at_restart += 1
        queue.close()
    import sqlalchemy
    engine = sqlalchemy.create_engine(sqlalchemy_url(database_url))
    with engine.connect() as c:
        rows = c.execute(sqlalchemy.text("SELECT client_id, answers FROM response")).all()
    engine.dispose()
    stored: dict[str, list] = {}
    for client_id, answers in rows:
        stored.setdefault(client_id, []).append(json.loads(answers) if isinstance(answers, str) else answers)
    return {
        "made": len(sent), "confirmed": len(confirmed), "rows_stored": len(rows),
        "lost": sum(1 for cid in sent if cid not in stored and cid not in held),
        "confirmed_not_stored": sum(1 for cid in confirmed if cid not in stored),
        "duplicated": sum(len(v) - 1 for v in stored.values()),
        "mismatched": sum(1 for cid, v in stored.items() if cid in sent and any(a != sent[cid] for a in v)),
        "unknown_rows": sum(1 for cid in stored if cid not in sent),
        "still_queued": len(queued), "held": len(held),
        "unconfirmed_at_last_restart": pending_at_restart,
        "delivered_after_last_restart": confirmed_after_restart,
    }


def post(port: int, path: str, body: bytes, headers: dict) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.request("POST", path, body, headers)
    reply = conn.getresponse()
    reply.body = reply.read()
    conn.close()
    return reply


def shared_rate_limit_phase(env: dict, hosts: list[Host], limit: int = 12) -> dict:
    """Restart both hosts with a low limit; send alternately: exactly `limit` pass across both."""
    low = dict(env, SUBMISSION_RATE_LIMIT=f"{limit} per hour")
    low_hosts = [Host(h.name, low, 1, Path(h.log.name).parent) for h in hosts]
    try:
        for h in low_hosts:
            h.start()
        for h in low_hosts:
            h.wait_ready()
        by_host = {h.name: Counter() for h in low_hosts}
        rng = random.Random(99)
        for i in range(limit + 8):
            host = low_hosts[i % len(low_hosts)]
            body = json.dumps({"client_id": f"limit-{uuid.uuid4().hex}", "language": "sv", "channel": "tablet",
                               "answers": demo_answers(rng)}).encode()
            by_host[host.name][post(host.port, PATH, body, {"Content-Type": "application/json"}).status] += 1
        accepted = sum(c[201] for c in by_host.values())
        refused_on = [name for name, c in by_host.items() if c[429]]
        return {"limit_per_hour": limit, "sent": limit + 8, "accepted": accepted,
                "by_host": {n: {str(k): v for k, v in c.items()} for n, c in by_host.items()},
                "ok": accepted == limit and len(refused_on) == len(low_hosts)}
    finally:
        for h in low_hosts:
            h.stop()


class Browser:
    """Just enough of a browser for the staff pages: one cookie jar, sent by hand (the cookie is
    Secure in production and this is plain HTTP on loopback)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body, headers)
        reply = conn.getresponse()
        text = reply.read().decode()
        for header, value in reply.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return reply.status, reply.getheader("Location") or "", text


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def staff_session_phase(hosts: list[Host], setup_output: str) -> dict:
    """Sign in on host A; change the one-time password on host B with that cookie; read A again."""
    password = re.search(r"one-time password: (\S+)", setup_output).group(1)
    serving = [Host(h.name, h.env, 1, Path(h.log.name).parent) for h in hosts]
    try:
        for h in serving:
            h.start()
        for h in serving:
            h.wait_ready()
        a, b = serving[0], serving[1]
        browser = Browser()
        _s, _l, page = browser.request(a.port, "GET", "/staff/login")
        signed_in = browser.request(a.port, "POST", "/staff/login",
                                    {"csrf_token": csrf_token(page), "username": "admin", "password": password})
        status_b, _l, page_b = browser.request(b.port, "GET", "/staff/password")
        new_password = secrets.token_urlsafe(16)
        changed = browser.request(b.port, "POST", "/staff/password",
                                  {"csrf_token": csrf_token(page_b), "password": new_password, "confirm": new_password})
        status_a, location_a, _t = browser.request(a.port, "GET", "/staff/collections/")
        stranger = Browser().request(b.port, "GET", "/staff/collections/")
        return {"sign_in_on_A": signed_in[0], "password_page_on_B": status_b, "password_changed_on_B": changed[0],
                "collections_on_A_after": status_a, "without_cookie_on_B": f"{stranger[0]} -> {stranger[1]}",
                "ok": signed_in[0] == 302 and status_b == 200 and changed[0] == 302 and status_a == 200
                and stranger[0] == 302 and "/staff/login" in stranger[1]}
    finally:
        for h in serving:
            h.stop()


if __name__ == "__main__":
    sys.exit(main())
