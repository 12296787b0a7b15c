"""Kiosk mode: a shared tablet runs one collection's questionnaire for one respondent after another,
online or offline. The whole questionnaire is rendered once per language with the same item widgets
as the online pages; a small script pages through it, keeps answers only in memory, and queues
finished responses in IndexedDB for the submissions API. See docs/offline.md."""


def init_app(app) -> None:
    from ..extensions import csrf
    from .audio import recording_url
    from .cli import kiosk_cli
    from .views import bp, end
    app.register_blueprint(bp)
    # The kiosk's pages are served from the tablet's cache, which can hold no CSRF token; leaving
    # kiosk mode is guarded by the coordinator's PIN and the kiosk's own cookie instead.
    csrf.exempt(end)
    app.cli.add_command(kiosk_cli)
    app.add_template_global(recording_url, "recording_url")
