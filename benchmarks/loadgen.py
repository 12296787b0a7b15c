"""Load generators: replay a file of prepared requests against one server for a bounded time.

wrk (with replay.lua) when it is installed; otherwise a threaded Python loader that reads the
same file and reports the same figures. The Python loader shares the two cores with the server
and tops out far below wrk, so its figures are lower bounds (the harness says so when it is used).
"""
from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRK_THREADS = 2


def write_requests(path: Path, lines: list[tuple[str, str, str, str]]) -> Path:
    """One request a line: path, content type, cookie, body (none of them holds a tab or a newline)."""
    with path.open("w", encoding="utf-8") as out:
        for fields in lines:
            assert not any("\t" in f or "\n" in f for f in fields), fields
            out.write("\t".join(fields) + "\n")
    return path


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def replay(port: int, requests_file: Path, connections: int, seconds: float, loader: str, once: bool = False) -> dict:
    """Send the prepared requests for at most `seconds`; requests/s, p50/p99 latency, answers by status.

    With `once`, each request is sent once at most and the run ends when they are used up;
    otherwise they are sent again from the start ("wrapped") until the time is up.
    """
    if loader == "wrk":
        return _replay_wrk(port, requests_file, connections, seconds, once)
    return _replay_python(port, requests_file, connections, seconds, once)


def _replay_wrk(port, requests_file, connections, seconds, once):
    command = ["wrk", "-t", str(WRK_THREADS), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
               "-s", str(HERE / "replay.lua"), f"http://127.0.0.1:{port}",
               "--", str(requests_file), str(WRK_THREADS), "once" if once else "wrap"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH_JSON "))
    result = json.loads(line[len("BENCH_JSON "):])
    result["statuses"] = {int(k): v for k, v in result["statuses"].items()}
    result["rps"] = result["requests"] / result["seconds"]
    return result


def _replay_python(port, requests_file, connections, seconds, once):
    lines = requests_file.read_text(encoding="utf-8").splitlines()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counters = {"thanks": 0, "again": 0, "wrapped": 0, "socket_errors": 0}
    deadline = time.perf_counter() + seconds

    def sender(index: int) -> None:
        mine = lines[index::connections] or ([] if once else lines)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        sent = 0
        while mine and time.perf_counter() < deadline and not (once and sent >= len(mine)):
            path, ctype, cookie, body = mine[sent % len(mine)].split("\t", 3)
            headers = {"Content-Type": ctype, **({"Cookie": cookie} if cookie else {})}
            start = time.perf_counter()
            try:
                conn.request("POST", path, body.encode(), headers)
                reply = conn.getresponse()
                reply.read()
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                with lock:
                    counters["socket_errors"] += 1
                continue
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[reply.status] = statuses.get(reply.status, 0) + 1
                location = reply.getheader("Location") or ""
                counters["thanks"] += "/thanks" in location
                counters["again"] += "/thanks" in location and "again=1" in location
                counters["wrapped"] += sent >= len(mine)
            sent += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    wall = time.perf_counter() - started
    latencies.sort()
    pct = (lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000) if latencies else (lambda p: 0.0)
    return {"requests": len(latencies), "seconds": wall, "rps": len(latencies) / wall,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "statuses": statuses, **counters}
