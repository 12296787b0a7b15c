"""A pseudo-translation: every string that goes through gettext comes out as ⟦string⟧, so a test
can show that a page translates a string without waiting for its catalogue entry."""
from __future__ import annotations

from babel.support import NullTranslations


class PseudoTranslations(NullTranslations):
    def ugettext(self, message):
        return f"⟦{message}⟧"

    def ungettext(self, singular, plural, n):
        return f"⟦{singular if n == 1 else plural}⟧"

    gettext = ugettext
    ngettext = ungettext


def pseudo_translate(monkeypatch) -> None:
    import flask_babel
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: PseudoTranslations())
