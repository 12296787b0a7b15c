"""Links and QR codes for a collection, for posters and flyers parents scan with their own phones.

Plain functions (no Flask): the views pass the public base address in. segno writes the QR code
as SVG (sharp at any print size) or PNG; error correction "M" survives a crease or a smudge.
"""
from __future__ import annotations

import io
from urllib.parse import urlencode

import segno


def public_link(base_url: str, slug: str, lang: str | None = None) -> str:
    """The short public address of a collection, e.g. https://enkat.example.org/s/eid-2026;
    with `lang` the language is preselected (a poster printed for one language)."""
    link = f"{base_url.rstrip('/')}/s/{slug}"
    return f"{link}?{urlencode({'lang': lang})}" if lang else link


def qr_code(link: str) -> segno.QRCode:
    return segno.make(link, error="m", micro=False)


def qr_svg(link: str, *, scale: int = 8, title: str | None = None) -> str:
    """An SVG document, black on white with the quiet zone scanners need."""
    out = io.BytesIO()
    qr_code(link).save(out, kind="svg", scale=scale, border=4, dark="#000", light="#fff",
                       xmldecl=False, svgns=True, title=title, svgclass="qr", lineclass=None,
                                omitsize=True)  # a viewBox only: the page decides the printed size
    return out.getvalue().decode("utf-8")


def qr_png(link: str, *, scale: int = 10) -> bytes:
    out = io.BytesIO()
    qr_code(link).save(out, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return out.getvalue()
