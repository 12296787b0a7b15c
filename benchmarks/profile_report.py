"""Where a gunicorn worker's time goes, from py-spy's collapsed stacks (`bench.py --profile DIR`).

    .venv/bin/python benchmarks/bench.py --db sqlite --only api --profile /tmp/prof
    .venv/bin/python benchmarks/profile_report.py /tmp/prof/*.txt

Samples are taken with --idle, so waiting on the disk or the database counts; a worker waiting
for the next connection does not (only stacks inside gunicorn's handle_request are kept). Shares
are of the time spent handling requests: by area (each sample once, see AREAS), then by function
inclusive of what it calls, then by function's own time.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

# Each sample goes to one area: walking from the innermost frame outwards, the first frame that
# matches an area's pattern (searched in "file:function") decides, patterns tried in this order.
# So time in the sqlite3 driver counts for the SQLAlchemy call that made it, and a thread started
# by the rate limiter's storage counts for the rate limiter.
AREAS = [
    ("database COMMIT (driver commit: WAL append, fsync)", r"^sqlalchemy/engine/default\.py:.*do_commit"),
    ("database statements (driver execute)", r"^sqlalchemy/engine/default\.py:.*do_execute"),
    ("SQLAlchemy ORM (session, unit of work, loading)", r"^sqlalchemy/orm/|^flask_sqlalchemy/"),
    ("SQLAlchemy Core (compile, cache keys, results, pool)", r"^sqlalchemy/"),
    ("Flask-Limiter and limits (rate limit check, headers)", r"^(flask_limiter|limits)/"),
    ("Flask-Babel / Babel (locale selection, gettext)", r"^(flask_babel|babel)/|^survey/i18n\.py"),
    ("Flask-Login (user loader)", r"^flask_login/"),
    ("Flask-WTF CSRF", r"^flask_wtf/"),
    ("session cookie (Flask sessions, itsdangerous)", r"^flask/sessions\.py|^itsdangerous/"),
    ("JSON (request parse, response dump)", r"^json/|^flask/json/"),
    ("Jinja2 templates", r"^jinja2/"),
    ("survey code (views, validator, storage)", r"^survey/"),
    ("Werkzeug (request parsing, routing, response)", r"^werkzeug/"),
    ("Flask core (dispatch, contexts, signals)", r"^flask/"),
    ("gunicorn (socket read/write, WSGI glue)", r"^gunicorn/"),
]
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^:]*):(?P<line>\d+)\)$")


def read_stacks(paths):
    for path in paths:
        for line in Path(path).read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                yield stack.split(";"), int(count)


def short(frame: str) -> str:
    """ "file:function", the file relative to site-packages or the repository as py-spy prints it."""
    match = FRAME.match(frame)
    return f"{match['file']}:{match['func']}" if match else frame


def main(paths):
    total, areas, inclusive, leaf = 0, Counter(), Counter(), Counter()
    for frames, count in read_stacks(paths):
        inside = next((i for i, f in enumerate(frames) if ".handle_request (gunicorn/workers/" in f), None)
        if inside is None:
            continue
        frames = frames[inside:]
        total += count
        names = [short(f) for f in frames]
        area = next((area for name in reversed(names) for area, pattern in AREAS if re.search(pattern, name)),
                    "other")
        areas[area] += count
        for name in set(names):
            inclusive[name] += count
        leaf[names[-1]] += count
    if not total:
        raise SystemExit("no samples inside gunicorn's handle_request")
    print(f"{total} samples while handling requests\n\nBy area (share of request time, each sample counted once):")
    for area, count in areas.most_common():
        print(f"  {100 * count / total:5.1f} %  {area}")
    print("\nsurvey/ functions by inclusive share:")
    for name, count in inclusive.most_common():
        if name.startswith("survey/") and count / total >= 0.01:
            print(f"  {100 * count / total:5.1f} %  {name}")
    print("\nAll functions by inclusive share (top 40):")
    for name, count in inclusive.most_common(40):
        print(f"  {100 * count / total:5.1f} %  {name}")
    print("\nSelf time (top 25):")
    for name, count in leaf.most_common(25):
        print(f"  {100 * count / total:5.1f} %  {name}")


if __name__ == "__main__":
    main(sys.argv[1:] or sys.exit(__doc__))
