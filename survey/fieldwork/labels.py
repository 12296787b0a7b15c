"""What staff pages show for a collection's codes, in the reader's language (codes stay in the data)."""
from flask_babel import lazy_gettext as _l

WAVE_LABELS = {
    "baseline": _l("baseline"),
    "follow-up": _l("follow-up"),
    "yearly": _l("yearly"),
    "event": _l("event"),
}


def wave_label(code: str):
    """The translated name of a wave; an unknown code (an older wave name) is shown as it is."""
    return WAVE_LABELS.get(code, code)
