"""Instructions one warm export executes, counted by valgrind (callgrind), against bare pandas.

On a shared machine a 10k export's seconds swing by a third from one minute to the next; the count
of instructions a process executes does not (the same code and data gave the same count to within a
quarter of a per cent here). This runs one target twice in one process, the second time with
callgrind's instrumentation switched on from outside (`callgrind_control -i on`), so imports, app
start-up and first uses are left out for both sides alike. Instructions are not seconds: pandas' C
loops execute more of them per cycle than Python code does, so this tells whether a change made the
export do less work, and the timed benchmark (exports.py) tells how it compares.

    .venv/bin/python benchmarks/export_instructions.py --rows 10000             # export-csv, export-sav, pandas-csv

Needs valgrind (`apt-get install valgrind`); a run takes about a minute per target at 10k rows.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("SURVEY_ENV", "development")
TARGETS = ("export-csv", "export-sav", "pandas-csv")


def counted(target: str, url: str, out: Path) -> None:
    """In the process valgrind runs: the target once untraced, then once with instrumentation on."""
    from exports import prepare
    work = prepare(target, url, out)
    work()
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
    work()
    subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--counted", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.counted:
        counted(args.counted, args.db, Path(args.out))
        return
    from exports import build_database
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as tmp:
        tmp = Path(tmp)
        url = build_database(tmp / "bench.db", args.rows)
        figures = {}
        for target in args.targets.split(","):
            env = {**os.environ, "PYTHONHASHSEED": "0"}   # the same set and dict orders every run
            run = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                                  f"--callgrind-out-file={tmp / 'callgrind.%p'}", sys.executable, __file__,
                                  "--counted", target, "--db", url, "--out", str(tmp)],
                                 capture_output=True, text=True, env=env)
            found = re.search(r"Collected : (\d+)", run.stderr)
            if run.returncode != 0 or not found:
                raise SystemExit(f"{target} failed:\n{run.stderr[-3000:]}")
            figures[target] = int(found.group(1))
            print(f"{args.rows:,} rows, {target}: {figures[target] / 1e6:,.0f} M instructions", flush=True)
        if "pandas-csv" in figures:
            for target, count in figures.items():
                print(f"{target}: {count / figures['pandas-csv']:.2f} × bare pandas")


if __name__ == "__main__":
    main()
