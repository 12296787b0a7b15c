"""Results: response counts, outcome indicators and the one disclosure rule every aggregated figure
passes through; the live overview, the yearly report and the results pages for participants."""


def init_app(app) -> None:
    from ..questionnaires.cli import COMPANION_CHECKS
    from .cli import check_indicators, init_cli
    from .presenting import TEMPLATE_GLOBALS
    from .views import bp, participants, results_link
    app.register_blueprint(bp)
    app.register_blueprint(participants)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS, results_link=results_link)
    if check_indicators not in COMPANION_CHECKS:
        COMPANION_CHECKS.append(check_indicators)
    init_cli(app)
