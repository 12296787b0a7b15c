"""Scrubbing identifiers out of free text before it leaves the server.

Each kind of identifier is replaced by a marker, in an order that settles the known overlaps:
e-mail before links (an address contains a domain), personal identity numbers written with a
separator before phone numbers, bare ten-digit numbers after them ("0701234567" is a mobile number
though it has the shape of a personnummer of someone born in 2007). Redaction works on the shape,
never on the Luhn check digit: a typo must not let a real number through. No pattern finds names,
so every free-text column still needs a human reading before it is shared.
"""
from __future__ import annotations

import re
from collections import Counter

import phonenumbers

MARKERS = {
    "email": "[e-post]",
    "url": "[länk]",
    "handle": "[användarnamn]",
    "personal_number": "[personnummer]",
    "phone": "[telefon]",
    "date": "[datum]",
}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_TLDS = "se|nu|com|org|net|info|io|eu|me|tv|app|ly|gl|be|to|co|dk|no|fi|de|uk|so|ir|af"
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+"
    r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")(?:/[^\s<>\"']*)?(?![\w-])",
    re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]{2,30}(?![\w@])")
# YYMMDD or YYYYMMDD, day + 60 for a samordningsnummer, then NNNC (or a letter in position 7 for an
# interim number). Split in two: with a separator or twelve digits it is surely a personnummer;
# ten bare digits are checked only after phone numbers have had their turn.
_PNR_BODY = r"(?:(?:19|20)\d{2}|\d{2})(?:0[1-9]|1[0-2])(?:[0-3]\d|[6-9]\d)"
_PNR_TAIL = r"(?:\d{3}|[TRSUWXJKLMN]\d{2})\d(?!\d)"
_PNR_SURE = re.compile(r"(?<![\w])(?:(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-3]\d|[6-9]\d)[-+ ]?"
                       + _PNR_TAIL + r"|\d{2}(?:0[1-9]|1[0-2])(?:[0-3]\d|[6-9]\d)[-+]" + _PNR_TAIL + ")")
_PNR_BARE = re.compile(r"(?<![\w])" + _PNR_BODY + r"[ ]?" + _PNR_TAIL)
_MOBILE = re.compile(r"(?<![\d+])(?:\+46|0046|0)[\s-]*(?:\(0\)[\s-]*)?7[02369](?:[\s-]?\d){7}(?!\d)")
_MONTHS = (r"jan(?:uari|uary)?|feb(?:ruari|ruary)?|mar(?:s|ch)?|apr(?:il)?|maj|may|jun[ie]?|jul[iy]?"
           r"|aug(?:usti|ust)?|sept?(?:ember)?|o[ck]t(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DATE = re.compile(
    r"(?<![\d.])(?:19|20)\d{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])(?![\d])"        # 2024-05-14
    r"|(?<![\d.])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"             # 20240514
    r"|(?<![\d.])(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)?\d{2}(?![\d.])"  # 14/5-2024
    r"|(?<!\d)(?:0?[1-9]|[12]\d|3[01])(?::[ae])?\.?\s+(?:" + _MONTHS + r")\.?\s+(?:19|20)\d{2}(?!\d)",  # 14 maj 2024
    re.IGNORECASE)


def redact(text: str) -> tuple[str, Counter]:
    """The text with every identifier found replaced by its marker, and how many of each kind."""
    counts: Counter = Counter()

    def sub(pattern: re.Pattern, kind: str, value: str) -> str:
        def replace(match: re.Match) -> str:
            counts[kind] += 1
            return MARKERS[kind] + _trailing_punctuation(match.group(0), kind)
        return pattern.sub(replace, value)

    text = sub(_EMAIL, "email", text)
    text = sub(_URL, "url", text)
    text = sub(_HANDLE, "handle", text)
    text = sub(_PNR_SURE, "personal_number", text)
    text = _redact_phones(text, counts)
    text = sub(_PNR_BARE, "personal_number", text)
    text = sub(_DATE, "date", text)
    return text, counts


def _trailing_punctuation(matched: str, kind: str) -> str:
    # "Se www.example.se." : the full stop ends the sentence, not the link
    if kind == "url" and matched[-1] in ".,;:!?)":
        return matched[-1]
    return ""


def _redact_phones(text: str, counts: Counter) -> str:
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "SE", phonenumbers.Leniency.VALID)]
    spans += [m.span() for m in _MOBILE.finditer(text)]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + MARKERS["phone"] + text[end:]
        counts["phone"] += 1
    return text
