"""The audit trail: who did what to which object, and when. Never a respondent's answer."""


def init_app(app) -> None:
    from . import models  # noqa: F401  (the table is known to the metadata before anything writes to it)
