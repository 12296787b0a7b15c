"""A coordinator turns a tablet into a kiosk: from the collections page, or with a one-time link."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditRecord, Kiosk

PIN = "4711"   # as in conftest.start_kiosk_here


def actions() -> list[str]:
    return [r.action for r in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_starting_a_kiosk_leads_to_its_language_picker(client, start_kiosk_here):
    picker, _collection = start_kiosk_here()
    assert picker.endswith("/kiosk/summer/")
    page = client.get(picker)
    assert page.status_code == 200
    assert 'data-kiosk="picker"' in page.text and "/kiosk/summer/v1/ar" in page.text


def test_the_coordinator_is_signed_out_of_the_kiosk_tablet(client, start_kiosk_here):
    start_kiosk_here()
    assert "/staff/login" in client.get("/staff/collections/").location


def test_the_pin_is_kept_only_as_a_digest(start_kiosk_here):
    start_kiosk_here()
    kiosk = db.session.scalar(select(Kiosk))
    assert PIN not in (kiosk.pin_digest, kiosk.pin_salt) and len(kiosk.pin_digest) == 64
    assert "kiosk.start" in actions()


def test_a_childrens_kiosk_needs_the_guardians_confirmation(client, staff, make_collection):
    make_collection("summer", guardian_consent=True, audience="child")
    staff.sign_in("coordinator")
    reply = client.post("/staff/collections/summer/kiosk", data={"pin": PIN, "pin_again": PIN, "idle_seconds": "90"})
    assert reply.status_code == 200 and 'class="error"' in reply.text
    assert db.session.scalar(select(Kiosk)) is None


def test_the_guardians_confirmation_is_recorded_when_a_childrens_kiosk_starts(start_kiosk_here):
    start_kiosk_here(guardians=True, guardian_consent=True, audience="child")
    assert actions()[-2:] == ["collection.confirm_guardians", "kiosk.start"]


def test_a_pin_that_is_not_4_to_8_digits_is_refused(client, staff, make_collection):
    make_collection("summer")
    staff.sign_in("coordinator")
    reply = client.post("/staff/collections/summer/kiosk", data={"pin": "12ab", "pin_again": "12ab", "idle_seconds": "90"})
    assert reply.status_code == 200 and db.session.scalar(select(Kiosk)) is None


def test_a_tablet_that_is_no_kiosk_gets_the_ordinary_survey(client, make_collection):
    make_collection("summer")
    reply = client.get("/kiosk/summer/")
    assert reply.status_code == 302 and reply.location.endswith("/s/summer")


def cli_link(runner, staff, slug="summer", *extra):
    staff.create("kim", "coordinator")
    result = runner.invoke(args=["kiosk", "start", slug, "--coordinator", "kim", "--pin", PIN, *extra])
    assert result.exit_code == 0, result.output
    return re.search(r"http://\S+", result.output).group(0)


def test_a_one_time_link_from_the_command_line_opens_the_kiosk_once(client, runner, staff, make_collection):
    make_collection("summer")
    link = cli_link(runner, staff)
    path = link.split("127.0.0.1:5000", 1)[1]
    first = client.get(path)
    assert first.status_code == 302 and first.location.endswith("/kiosk/summer/")
    assert client.get("/kiosk/summer/").status_code == 200
    assert client.get(path).status_code == 404


def test_the_command_line_asks_for_the_guardians_confirmation(runner, staff, make_collection):
    make_collection("summer", guardian_consent=True, audience="child")
    staff.create("kim", "coordinator")
    result = runner.invoke(args=["kiosk", "start", "summer", "--coordinator", "kim", "--pin", PIN], input="n\n")
    assert result.exit_code != 0 and db.session.scalar(select(Kiosk)) is None


def test_the_command_line_refuses_someone_who_may_not_manage_collections(runner, staff, make_collection):
    make_collection("summer")
    staff.create("rita", "researcher")
    result = runner.invoke(args=["kiosk", "start", "summer", "--coordinator", "rita", "--pin", PIN])
    assert result.exit_code != 0 and "may manage collections" in result.output
