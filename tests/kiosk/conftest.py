"""Kiosk fixtures: a kiosk started the way a coordinator starts one, on the tablet in hand."""
from __future__ import annotations

import re

import pytest

PIN = "4711"


@pytest.fixture
def start_kiosk_here(client, staff, make_collection):
    """start_kiosk_here(slug, **collection options) -> the picker's URL; the client is now the kiosk tablet."""
    def start(slug: str = "summer", guardians: bool = False, **options):
        collection = make_collection(slug, **options)
        staff.sign_in("coordinator")
        listing = client.get("/staff/collections/").text
        link = re.search(r'href="([^"]*/kiosk)"', listing).group(1)
        form = {"pin": PIN, "pin_again": PIN, "idle_seconds": "90"}
        if guardians:
            form["guardians"] = "y"
        reply = client.post(link, data=form)
        assert reply.status_code == 302, reply.text
        return reply.location, collection
    return start
