"""Free-text scrubbing: every form of identifier goes, ordinary Swedish text stays.

Personal identity numbers here are built from Skatteverket-style test dates (1912-12-12 is the
classic test person, 701063 a samordningsnummer with day + 60): never a real person's number.
"""
import pytest

from survey.datasets.redact import redact


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


TEST_BODY = "121212121"            # 1912-12-12, serial 121: the check digit is computed over these 10 digits
TEST_10 = TEST_BODY + luhn_digit(TEST_BODY)
SAMORDNING = "701063239" + luhn_digit("701063239")


def test_luhn_runs_over_ten_digits_not_twelve():
    assert TEST_10 == "1212121212"
    assert luhn_digit("191212121"[:9]) != luhn_digit(TEST_BODY)   # including the century gives another digit


@pytest.mark.parametrize("text", [
    f"{TEST_10[:6]}-{TEST_10[6:]}",          # YYMMDD-NNNC
    f"{TEST_10[:6]}+{TEST_10[6:]}",          # over 100 years old
    TEST_10,                                  # ten bare digits
    f"19{TEST_10[:6]}-{TEST_10[6:]}",        # twelve digits with a dash
    f"19{TEST_10}",                           # twelve bare digits
    f"{SAMORDNING[:6]}-{SAMORDNING[6:]}",    # samordningsnummer
    f"19{SAMORDNING}",
    "121212-T123",                            # interim number with a letter
    "121212-1213",                            # a typo (wrong check digit) is still redacted
])
def test_personal_identity_numbers_in_every_form_are_redacted(text):
    scrubbed, counts = redact(f"mitt nummer är {text}, tack")
    assert scrubbed == "mitt nummer är [personnummer], tack"
    assert counts == {"personal_number": 1}


@pytest.mark.parametrize("text", ["070-123 45 67", "0701234567", "+46 70 123 45 67", "0046701234567",
                                  "+46 (0)70-123 45 67", "040-12 34 56", "08-123 456 78", "+46 40 12 34 56"])
def test_swedish_phone_numbers_are_redacted(text):
    scrubbed, counts = redact(f"ring {text} i kväll")
    assert scrubbed == "ring [telefon] i kväll"
    assert counts == {"phone": 1}


@pytest.mark.parametrize("text, marker, kind", [
    ("kalle.anka+test@example.se", "[e-post]", "email"),
    ("https://example.org/a?b=1", "[länk]", "url"),
    ("www.example.se/sida", "[länk]", "url"),
    ("herrgarden.nu", "[länk]", "url"),
    ("@kalle_99", "[användarnamn]", "handle"),
    ("2024-05-14", "[datum]", "date"),
    ("14/5-2024", "[datum]", "date"),
    ("14 maj 2024", "[datum]", "date"),
])
def test_contacts_links_handles_and_full_dates_are_redacted(text, marker, kind):
    scrubbed, counts = redact(f"se {text} nu")
    assert scrubbed == f"se {marker} nu"
    assert counts == {kind: 1}


def test_an_email_address_is_not_taken_for_a_link_or_a_handle():
    assert redact("skriv till info@example.se.") == ("skriv till [e-post].", {"email": 1})


def test_a_link_keeps_the_full_stop_that_ends_the_sentence():
    assert redact("Läs mer på www.example.se.")[0] == "Läs mer på [länk]."


@pytest.mark.parametrize("text", ["Vi ses kl. 14.30 på fredag", "t.ex. fotboll", "Det tog 3.5 timmar",
                                  "Det kostar 1 500 kr", "Lägret är vecka 23", "Jag är 12 år", "Vi var 25 st",
                                  "betyg 4,5 av 5", "klass 5B", "1-2 gånger i veckan"])
def test_ordinary_text_with_numbers_is_left_alone(text):
    assert redact(text) == (text, {})
