"""Benchmark: the live overview and the yearly report rendered with 100k or 1M stored responses.

Stores N synthetic responses (youth, children, parents and event feedback, over two years, in
--collections collections), builds the running tallies once (`flask results rebuild`, timed),
then renders each page --runs times through the app as an admin and prints the median. Also
times what each stored response costs at intake to keep the tallies running.

    .venv/bin/python benchmarks/results_render.py --responses 100000,1000000
    .venv/bin/python benchmarks/results_render.py --responses 100000 --db postgresql://postgres@127.0.0.1:5432/test

Synthetic data only; local SQLite file in a temporary folder (removed afterwards) or a schema of
its own in the PostgreSQL database given (dropped afterwards). Nothing is contacted but 127.0.0.1.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLAN = (("child", "child"), ("youth", "youth"), ("parent", "parent"), ("event_feedback", "any"))
POOL = 400   # distinct synthetic answer sets per questionnaire, reused (render cost does not depend on variety)


def database(url_arg: str, workdir: Path):
    if url_arg == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}", lambda: None
    import sqlalchemy
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    base = url_arg.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sqlalchemy.create_engine(base)
    with engine.begin() as c:
        c.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with engine.begin() as c:
            c.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}", drop


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_timed(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--responses", default="100000", help="stored responses; several comma-separated: one run each")
    parser.add_argument("--collections", type=int, default=40)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pdf", action="store_true", help="also time the report as PDF (WeasyPrint)")
    args = parser.parse_args()

    for responses in [int(n) for n in args.responses.split(",")]:
        workdir = Path(tempfile.mkdtemp(prefix="bench-results-"))
        url, drop = database(args.db, workdir)
        try:
            run(url, argparse.Namespace(**{**vars(args), "responses": responses}))
        finally:
            drop()
            shutil.rmtree(workdir, ignore_errors=True)


def run(url: str, args) -> None:
    from flask_migrate import upgrade

    from survey import create_app
    from survey.auth.accounts import create_user, set_password
    from survey.extensions import db
    from survey.fieldwork.operations import create_collection
    from survey.i18n import languages, ui_languages
    from survey.questionnaires.answers import check_answers
    from survey.questionnaires.loader import load_file
    from survey.questionnaires.versions import store_definition
    from survey.responses.models import Response
    from survey.results.synthetic import synthetic_answers
    from survey.results.tallies import catch_up, rebuild

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})
    rng = random.Random(2026)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        for form, _audience in PLAN:
            store_definition(load_file(ROOT / "forms" / f"{form}.yaml", languages()).definition)
        db.session.commit()
        collections = []
        for index in range(args.collections):
            form, audience = PLAN[index % len(PLAN)]
            year = 2025 if index < args.collections // 2 else 2026
            collections.append(create_collection(
                f"bench-{index}", form, activity=f"Benchmark {index}", ui_languages=ui_languages(), audience=audience,
                wave="event" if form == "event_feedback" else ("baseline" if year == 2025 else "follow-up"),
                opens_on=date(year, 3, 1), closes_on=date(year, 8, 31), guardian_consent=False, actor_name="bench"))
        db.session.commit()
        pools = {}
        for collection in collections:
            form = collection.version.questionnaire.form_id
            if form not in pools:
                definition = collection.version.parsed
                pools[form] = [check_answers(definition, synthetic_answers(definition, rng, rng.random(),
                                                                           today=date(2026, 6, 1))).answers
                               for _ in range(POOL)]

        started = time.perf_counter()
        batch = []
        for i in range(args.responses):
            collection = collections[i % len(collections)]
            day = collection.opens_on + timedelta(days=rng.randrange(180))
            moment = datetime(day.year, day.month, day.day, 10, rng.randrange(60))
            batch.append(dict(collection_id=collection.id, questionnaire_version_id=collection.questionnaire_version_id,
                              client_id=f"{i:x}", language=rng.choice(collection.languages),
                              channel=rng.choice(("tablet", "link")), started_at=None, submitted_at=moment,
                              answers=rng.choice(pools[collection.version.questionnaire.form_id])))
            if len(batch) == 20_000:
                db.session.execute(Response.__table__.insert(), batch)
                db.session.commit()
                batch = []
        if batch:
            db.session.execute(Response.__table__.insert(), batch)
            db.session.commit()
        stored = time.perf_counter() - started
        rebuild_seconds = timed(lambda: (rebuild(app.config["TIMEZONE"]), db.session.commit()))

        # what keeping the tallies costs per stored response (the catch-up, off the submission's path)
        youth = next(c for c in collections if c.version.questionnaire.form_id == "youth")
        db.session.execute(Response.__table__.insert(), [
            dict(collection_id=youth.id, questionnaire_version_id=youth.questionnaire_version_id, client_id=f"pending-{i}",
                 language="sv", channel="tablet", started_at=None, submitted_at=datetime(2026, 5, 5, 10),
                 answers=rng.choice(pools["youth"]), pending_tally=True) for i in range(500)])
        per_response = cpu_timed(lambda: catch_up(app.config["TIMEZONE"], batch=500)) / 500
        db.session.rollback()

        user, _ = create_user("bench-admin", "admin", actor_name="bench")
        set_password(user, "a-long-enough-passphrase")
        db.session.commit()

    client = app.test_client()
    client.post("/staff/login", data={"username": "bench-admin", "password": "a-long-enough-passphrase"})
    pages = {"overview": "/staff/results/", "yearly report (HTML)": "/staff/results/report/2026?lang=sv",
             "one collection": "/staff/results/c/bench-1"}
    if args.pdf:
        pages["yearly report (PDF)"] = "/staff/results/report/2026.pdf?lang=sv"
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}; responses stored: {args.responses}; "
          f"collections: {args.collections}")
    print(f"storing: {stored:.1f} s; tallies rebuilt once from every response: {rebuild_seconds:.1f} s; "
          f"tally catch-up (off the submission path): {per_response * 1000:.2f} ms CPU per response")
    print("pages: median wall-clock time per request, and its median CPU time (this process; the machine is shared)")
    for name, path in pages.items():
        assert client.get(path).status_code == 200, path   # warm: templates compiled, definitions parsed
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            reply = client.get(path)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            assert reply.status_code == 200
        print(f"{name:24} median {statistics.median(times) * 1000:8.1f} ms wall, {statistics.median(cpu) * 1000:7.1f} ms CPU"
              f"   (wall min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}; {args.runs} runs)")


if __name__ == "__main__":
    main()
