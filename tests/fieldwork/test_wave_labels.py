"""Staff pages show wave codes in the reader's language."""
from pseudo import pseudo_translate

from survey.fieldwork.labels import WAVE_LABELS
from survey.fieldwork.models import WAVES


def test_every_wave_has_a_translatable_label():
    assert set(WAVE_LABELS) == set(WAVES)


def test_the_collection_list_shows_the_wave_translated(client, staff, make_collection, monkeypatch):
    make_collection("summer", wave="follow-up")
    staff.sign_in("coordinator")
    pseudo_translate(monkeypatch)
    assert "<td>⟦follow-up⟧</td>" in client.get("/staff/collections/").text
