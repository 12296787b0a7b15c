"""Which kiosk a tablet is: a signed cookie, limited to /kiosk/, that names the kiosk and nothing else.
It carries nothing of a respondent, and the API (outside /kiosk/) never receives it."""
from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from .models import Kiosk

COOKIE = "kiosk"
MAX_AGE = 60 * 60 * 24 * 60   # a summer programme's worth of days


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="kiosk-device")


def remember(response, kiosk: Kiosk):
    response.set_cookie(COOKIE, _serializer().dumps(kiosk.id), max_age=MAX_AGE, path="/kiosk/",
                        httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def forget(response):
    response.delete_cookie(COOKIE, path="/kiosk/")
    return response


def this_kiosk(slug: str) -> Kiosk | None:
    """The running kiosk this tablet is, if it is one for the collection `slug`."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        kiosk_id = _serializer().loads(raw)
    except BadSignature:
        return None
    kiosk = db.session.get(Kiosk, kiosk_id) if isinstance(kiosk_id, int) else None
    if kiosk is None or not kiosk.active or kiosk.collection.slug != slug:
        return None
    return kiosk
