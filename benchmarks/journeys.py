"""What the benchmarks send: valid answers to the demo questionnaire (forms/demo.yaml), as a JSON
submission for the API and as respondents' journeys walked over HTTP up to their last page.

Only HTTP is used, so this keeps working whatever the server's modules are called.
"""
from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
import uuid
from datetime import date
from urllib.parse import urlencode, urlsplit

SLUG = "demo"
API_PATH = f"/api/v1/collections/{SLUG}/responses"
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_PROGRESS = re.compile(r'<progress max="(\d+)" value="(\d+)"')
_FIELD = re.compile(r'<(?:input|textarea)[^>]*\bname="([^"]+)"')


def demo_answers(rng: random.Random) -> dict:
    """A complete, valid set of answers; sport_kind only when its condition (sport chosen) holds."""
    activities = rng.sample(["sport", "music", "homework"], rng.randint(1, 2)) if rng.random() < 0.85 else ["none"]
    answers = {
        "birth_year": date.today().year - rng.randint(8, 70),
        "gender": rng.choice([1, 2, 3, 9]),
        "day_face": rng.randint(1, 4),
        "can_solve": rng.randint(1, 4),
        "activities": activities,
        "visits": rng.randint(0, 7),
        "wish": rng.choice(["Mer fotboll på kvällarna.", "Längre öppettider på helgen.", "Fler utflykter!", ""]),
        "come_back": rng.choice([0, 1]),
    }
    if "sport" in activities:
        answers["sport_kind"] = rng.choice(["fotboll", "basket", "simning", "boxning"])
    if not answers["wish"]:
        del answers["wish"]
    return answers


def api_body(client_id: str, answers: dict) -> str:
    return json.dumps({"client_id": client_id, "language": "sv", "channel": "tablet", "answers": answers},
                      ensure_ascii=False)


def new_client_id() -> str:
    return uuid.uuid4().hex


class _Browser:
    """One respondent's tablet: a kept connection and the session cookie, nothing else."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, form: list[tuple[str, str]] | None = None):
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = FORM_TYPE
        self.conn.request(method, path, body, headers)
        reply = self.conn.getresponse()
        text = reply.read().decode("utf-8", "replace")
        for name, value in reply.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        location = urlsplit(reply.getheader("Location") or "")
        path = location.path + (f"?{location.query}" if location.query else "")
        return reply.status, path or None, text

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def _form_values(answers: dict, names: set[str]) -> list[tuple[str, str]]:
    fields = []
    for var, value in answers.items():
        if var in names:
            fields += [(var, str(v)) for v in value] if isinstance(value, list) else [(var, str(value))]
    return fields


def walk_to_last_page(port: int, rng: random.Random) -> tuple[str, str, str]:
    """Walk one journey (language, consent, each page) and stop on the last page before sending it.

    Returns the last page's path, the session cookie and the form body that sends it.
    """
    browser = _Browser(port)
    answers = demo_answers(rng)
    status, path, _ = browser.send("GET", f"/s/{SLUG}?lang=sv&via=tablet")
    assert status in (302, 303) and path.endswith("/consent"), (status, path)
    status, _, html = browser.send("GET", path)
    status, path, _ = browser.send("POST", path, [("csrf_token", _CSRF.search(html).group(1)), ("answer", "yes")])
    assert status in (302, 303) and "/p/" in path, (status, path)
    for _step in range(20):  # the demo has 3 pages; bounded whatever a questionnaire grows into
        status, _, html = browser.send("GET", path)
        assert status == 200, (status, path)
        names = set(_FIELD.findall(html))
        fields = _form_values(answers, names)
        total, position = map(int, _PROGRESS.search(html).groups())
        if position == total:
            # "last" counts the pages visible so far; this page's own answers may show more (the
            # demo's third page waits for day_face). Save them with "back", then look again.
            status, _, _ = browser.send("POST", path, [("csrf_token", _CSRF.search(html).group(1)), *fields,
                                                       ("action", "back")])
            assert status in (302, 303), (status, path)
            status, _, html = browser.send("GET", path)
            total, position = map(int, _PROGRESS.search(html).groups())
        csrf = _CSRF.search(html).group(1)
        if position == total:
            browser.conn.close()
            body = urlencode([("csrf_token", csrf), *fields, ("action", "next")])
            return path, browser.cookie_header(), body
        status, path, _ = browser.send("POST", path, [("csrf_token", csrf), *fields, ("action", "next")])
        assert status in (302, 303) and "/p/" in path, (status, path)
    raise RuntimeError("no last page after 20 pages")


def prepare_last_pages(port: int, count: int, parallel: int = 8, seed: int = 11,
                       max_seconds: float = 240) -> list[tuple[str, str, str]]:
    """`count` journeys waiting on their last page, walked by `parallel` tablets at once (bounded in time)."""
    prepared: list[tuple[str, str, str]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    failures: list[BaseException] = []

    def tablet(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        while time.monotonic() < deadline and not failures:
            with lock:
                if len(prepared) >= count:
                    return
            try:
                journey = walk_to_last_page(port, rng)
            except BaseException as error:  # reported below; a broken walk must not look like a slow one
                failures.append(error)
                return
            with lock:
                if len(prepared) >= count:
                    return
                prepared.append(journey)

    threads = [threading.Thread(target=tablet, args=(k,), daemon=True) for k in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max_seconds + 30)
    if failures:
        raise RuntimeError(f"walking a journey failed: {failures[0]!r}") from failures[0]
    return prepared
