"""Benchmark: research exports of N synthetic parent-questionnaire responses, against bare pandas.

For each size, a fresh SQLite database gets N valid responses to forms/parent.yaml (inserted in
bulk with Core executemany). Then, each in a subprocess of its own so its peak memory can be read
(os.wait4 gives that child's max RSS):

  pandas-csv   pandas.read_sql of the same rows (the answers as JSON text) + DataFrame.to_csv
  export-csv   the full export (flask export's path: read in chunks, anonymize, build, write) to CSV
  export-sav   the same to SPSS .sav

Time is the work inside the child (after imports and app start-up), as wall seconds and as the
child's own CPU seconds (`time.process_time`: waits on the disk or on other processes left out);
the start-up itself is shown apart. Only local files are touched.

    .venv/bin/python benchmarks/exports.py                     # 10k (each target 7 times) and 100k (5 times)
    .venv/bin/python benchmarks/exports.py --sizes 1000000     # 1M: the database alone takes minutes to fill

Each target runs --repeat times per size, in turn, and the medians are compared: on a shared
machine one run alone was seen to swing by a third, and a run of 10k rows (half a second) by half.
By default 7 times below 50,000 rows, where a run is short, 5 times below 500,000 (a median of three
at 100k was seen to move from 1.16x to 1.46x between two runs an hour apart) and 3 times from there.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# a local benchmark app (and its children inherit it): without it, create_app refuses to start as production
os.environ.setdefault("SURVEY_ENV", "development")
SLUG = "bench-parents"
TARGETS = ("pandas-csv", "export-csv", "export-sav")
BARE_SQL = ("SELECT c.slug, c.activity, c.wave, v.number, r.language, r.channel, r.submitted_at, r.answers "
            "FROM response r JOIN collection c ON r.collection_id = c.id "
            "JOIN questionnaire_version v ON r.questionnaire_version_id = v.id ORDER BY r.id")


# -- the database ----------------------------------------------------------------------------------
def answers_for(definition, rng: random.Random) -> dict:
    """Valid answers by item type; background answers kept common so k=5 holds without refusal."""
    from survey.questionnaires.items import (ChoiceItem, MultipleChoiceItem, NoteItem, NumberItem, ShortTextItem,
                                             YearOfBirthItem)
    answers = {}
    for var, item in definition.items.items():
        if isinstance(item, NoteItem):
            continue
        if isinstance(item, MultipleChoiceItem):
            values = [c.value for c in item.choice_list.choices]
            answers[var] = [values[rng.randrange(2)]] if item.quasi_identifier else rng.sample(values, rng.randint(1, 2))
        elif isinstance(item, ChoiceItem):
            values = [c.value for c in item.choice_list.choices]
            answers[var] = values[rng.randrange(2)] if item.quasi_identifier else rng.choice(values)
        elif isinstance(item, YearOfBirthItem):
            answers[var] = date.today().year - rng.choice([item.min_age + 15, item.min_age + 20, item.min_age + 25])
        elif isinstance(item, NumberItem):
            low, high = int(item.min or 1), int(item.max if item.max is not None else 5)
            answers[var] = max(low, 1) if item.quasi_identifier else rng.randint(max(low, 1), min(high, max(low, 1) + 4))
        elif isinstance(item, ShortTextItem):
            answers[var] = rng.choice(["bra", "mer läxhjälp", "ring mig 070-123 45 67"])
    return answers


def build_database(path: Path, rows: int, seed: int = 1) -> str:
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from survey import create_app
    from survey.extensions import db
    from survey.fieldwork.operations import create_collection
    from survey.i18n import languages, ui_languages
    from survey.questionnaires.answers import check_answers
    from survey.questionnaires.loader import load_file
    from survey.questionnaires.versions import store_definition
    from survey.responses.models import Response

    url = f"sqlite:///{path}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        definition = load_file(ROOT / "forms" / "parent.yaml", languages()).definition
        version = store_definition(definition).version
        collection = create_collection(SLUG, "parent", activity="Föräldraträff", wave="baseline",
                                       ui_languages=ui_languages(), actor_name="benchmark")
        db.session.commit()
        rng = random.Random(seed)
        pool = []
        for _ in range(2000):   # 2000 distinct valid answer sets, cycled: generation is not what is measured
            checked = check_answers(definition, answers_for(definition, rng))
            assert checked.ok, checked.errors
            pool.append(checked.answers)
        start = datetime(2026, 3, 2, 8, 0)
        langs = ["sv", "sv", "sv", "ar", "ar", "so", "fa", "en"]
        batch = []
        for i in range(rows):
            moment = start + timedelta(minutes=rng.randrange(60 * 24 * 90))
            batch.append({"collection_id": collection.id, "questionnaire_version_id": version.id,
                          "client_id": uuid.UUID(int=rng.getrandbits(128)).hex, "language": rng.choice(langs),
                          "channel": rng.choice(["link", "tablet"]), "started_at": moment, "submitted_at": moment,
                          "answers": pool[i % len(pool)]})
            if len(batch) == 20_000:
                db.session.execute(insert(Response), batch)
                batch = []
        if batch:
            db.session.execute(insert(Response), batch)
        db.session.commit()
    return url


# -- the measured children -------------------------------------------------------------------------
def prepare(target: str, url: str, out: Path):
    """Everything a target needs before the clock (imports, app start-up, engine); returns the work
    itself, a callable that runs the target once and returns what it made. Also used by
    export_instructions.py, which runs the same work under valgrind."""
    if target.startswith("export"):
        from survey import create_app
        from survey.datasets.runs import ExportRequest, run_export
        from survey.extensions import db
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "EXPORTS_DIR": str(out)})
        # the modules an export writes with, loaded before the clock as pandas is for the bare copy
        # (a server loads them at its first export; pyreadstat alone takes a tenth of a second).
        # pyreadstat hands a frame to narwhals, which loads its pandas backend at the first call
        # (about 30 ms of imports here): loaded here too, as the import it is
        import pyarrow.csv  # noqa: F401
        import pyreadstat  # noqa: F401
        with contextlib.suppress(ImportError):
            import narwhals._pandas_like.namespace  # noqa: F401

        import survey.datasets.formats  # noqa: F401
        app.app_context().push()   # this process does nothing else

        def work() -> dict:
            result = run_export(ExportRequest((SLUG,), target.split("-", 1)[1], k=5), out, actor_name="benchmark")
            db.session.commit()
            return {"rows": result.rows, "k": result.report.k_reached}
        return work
    import pandas as pd
    from sqlalchemy import create_engine
    engine = create_engine(url)

    def work() -> dict:
        frame = pd.read_sql(BARE_SQL, engine)
        frame.to_csv(out / "bare.csv", index=False)
        return {"rows": len(frame)}
    return work


def child(target: str, url: str, out: Path) -> None:
    if target == "startup":
        from survey import create_app
        create_app({"SQLALCHEMY_DATABASE_URI": url, "EXPORTS_DIR": str(out)})
        print(json.dumps({"seconds": 0.0, "rows": 0}))
        return
    work = prepare(target, url, out)
    began, cpu = time.perf_counter(), time.process_time()
    made = work()
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, **made}))


def measure(target: str, url: str, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--child", target, "--db", url, "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over every child so far)
    _pid, status, usage = os.wait4(process.pid, 0)
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{target} failed:\n{stderr[-3000:]}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - began
    figures["max_rss_mib"] = usage.ru_maxrss / 1024   # KiB on Linux
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of responses")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs of each target per size, taken in turn; the median is compared "
                             "(default: 7 below 50,000 rows, 5 below 500,000, 3 from there)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, Path(args.out))
        return
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        tmp = Path(tmp)
        startup = measure("startup", f"sqlite:///{tmp / 'empty.db'}", tmp / "startup")
        print(f"app start-up alone: {startup['max_rss_mib']:.0f} MiB max RSS, {startup['wall']:.1f} s wall")
        print("medians of the runs per target, taken in turn (pandas, CSV, .sav, pandas, ...); "
              "CPU: the child's own CPU seconds")
        print("| responses | what | seconds (median) | runs | × bare pandas | CPU s (median) | CPU × bare | "
              "max RSS MiB | rows out |")
        print("|---:|---|---:|---|---:|---:|---:|---:|---:|")
        for size in [int(s) for s in args.sizes.split(",")]:
            began = time.perf_counter()
            url = build_database(tmp / f"bench-{size}.db", size)
            print(f"<!-- {size} rows inserted in {time.perf_counter() - began:.0f} s -->", flush=True)
            # in turn, so a slow moment of a shared machine falls on every target alike
            runs = {target: [] for target in TARGETS}
            repeat = args.repeat or (7 if size < 50_000 else 5 if size < 500_000 else 3)
            for _ in range(repeat):
                for target in TARGETS:
                    runs[target].append(measure(target, url, tmp / f"{target}-{size}"))
            bare = statistics.median(r["seconds"] for r in runs[TARGETS[0]])
            bare_cpu = statistics.median(r["cpu"] for r in runs[TARGETS[0]])
            for target in TARGETS:
                seconds = statistics.median(r["seconds"] for r in runs[target])
                cpu = statistics.median(r["cpu"] for r in runs[target])
                listed = ", ".join(f"{r['seconds']:.2f}" for r in runs[target])
                print(f"| {size:,} | {target} | {seconds:.2f} | {listed} | {seconds / bare:.2f} | {cpu:.2f} | "
                      f"{cpu / bare_cpu:.2f} | {max(r['max_rss_mib'] for r in runs[target]):.0f} | "
                      f"{runs[target][-1]['rows']:,} |", flush=True)
            (tmp / f"bench-{size}.db").unlink()


if __name__ == "__main__":
    main()
