"""Benchmark: the bytes a kiosk downloads to work offline, and a phone's bytes up to the first question.

The kiosk's figure is every URL its service worker precaches (manifest.json: the picker, the whole
questionnaire in each of its languages, scripts, styles), each body compressed as the server would
send it (gzip level 6, and Brotli when the `brotli` module is installed), audio counted apart. The
phone's figure is a first-time visitor from the QR code to the first question: the language picker,
the consent page and page 1 with their stylesheet and script (HTTP headers and TLS not counted).

    .venv/bin/python benchmarks/kiosk_bytes.py [--form youth] [--json]

Runs in-process on a temporary SQLite database; contacts nothing.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KIOSK_TARGET = 150 * 1024
PHONE_TARGET = 30 * 1024


def compressed(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def build(form_id: str, database: str):
    from survey import create_app
    from survey.clock import utcnow
    from survey.extensions import db
    from survey.fieldwork.operations import create_collection
    from survey.i18n import languages, ui_languages
    from survey.kiosk.operations import start_kiosk
    from survey.paths import forms_dir
    from survey.questionnaires.loader import load_file
    from survey.questionnaires.versions import store_definition

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        loaded = load_file(forms_dir() / f"{form_id}.yaml", languages())
        assert not loaded.problems, loaded.problems
        store_definition(loaded.definition)
        collection = create_collection("bench", form_id, activity="Benchmark", wave="event",
                                       ui_languages=ui_languages(), guardian_consent=False)
        _kiosk, token = start_kiosk(collection, "4711", idle_seconds=90, guardians_confirmed=False, actor=None,
                                    now=utcnow(), on_this_device=False)
        db.session.commit()
        return app, token, list(collection.languages)


def kiosk_bytes(app, token: str) -> dict:
    client = app.test_client()
    assert client.get(f"/kiosk/open/{token}").status_code == 302
    manifest = client.get("/kiosk/bench/manifest.json")
    worker = client.get("/kiosk/bench/sw.js?v=1")
    rows = [("manifest.json", manifest.data), ("sw.js", worker.data)]
    rows += [(url, client.get(url).data) for url in manifest.json["urls"]]
    audio = [(url, body) for url, body in rows if url.startswith("/audio/")]
    rest = [(url, body) for url, body in rows if not url.startswith("/audio/")]
    return {"files": {url: {"raw": len(body), "gzip": compressed(body)} for url, body in rest},
            "raw": sum(len(body) for _url, body in rest), "gzip": sum(compressed(body) for _url, body in rest),
            "audio_files": len(audio), "audio": sum(len(body) for _url, body in audio)}


def phone_bytes(app, lang: str) -> dict:
    client = app.test_client()
    steps = [("picker", client.get("/s/bench")),
             ("survey.css", client.get("/static/survey.css")), ("survey.js", client.get("/static/survey.js")),
             ("language chosen (redirect)", client.get(f"/s/bench?lang={lang}"))]
    consent = client.get("/s/bench/consent")
    steps.append(("consent", consent))
    steps.append(("consent answered (redirect)", client.post("/s/bench/consent", data={"answer": "yes"})))
    first = client.get("/s/bench/p/1")
    assert first.status_code == 200 and 'class="item' in first.text
    steps.append(("page 1", first))
    return {"files": {name: {"raw": len(reply.data), "gzip": compressed(reply.data)} for name, reply in steps},
            "raw": sum(len(reply.data) for _name, reply in steps),
            "gzip": sum(compressed(reply.data) for _name, reply in steps)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", default="youth", help="questionnaire in forms/ (default: youth)")
    parser.add_argument("--lang", default="sv", help="the phone visitor's language")
    parser.add_argument("--json", action="store_true", help="print every file's figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, token, langs = build(args.form, f"sqlite:///{folder}/bench.db")
        with app.app_context():
            kiosk = kiosk_bytes(app, token)
            phone = phone_bytes(app, args.lang)
    if args.json:
        print(json.dumps({"kiosk": kiosk, "phone": phone}, indent=1))
    print(f"kiosk offline, {args.form}, {len(langs)} languages ({', '.join(langs)}): "
          f"{kiosk['gzip'] / 1024:.1f} KB gzip ({kiosk['raw'] / 1024:.1f} KB raw) in {len(kiosk['files'])} files; "
          f"audio {kiosk['audio_files']} files, {kiosk['audio'] / 1024:.1f} KB  "
          f"[target < {KIOSK_TARGET // 1024} KB: {'met' if kiosk['gzip'] < KIOSK_TARGET else 'MISSED'}]")
    print(f"phone to the first question, {args.form}, {args.lang}: {phone['gzip'] / 1024:.1f} KB gzip "
          f"({phone['raw'] / 1024:.1f} KB raw)  "
          f"[target < {PHONE_TARGET // 1024} KB: {'met' if phone['gzip'] < PHONE_TARGET else 'MISSED'}]")
    if kiosk["gzip"] >= KIOSK_TARGET or phone["gzip"] >= PHONE_TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
