"""Responses: the one intake every submission passes through, and storing each once."""


def init_app(app) -> None:
    from . import models  # noqa: F401
