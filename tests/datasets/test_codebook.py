"""The codebook: every column, every language, escaped, with direction, translation status and alpha."""
from __future__ import annotations

import io
import random
import zipfile

import pandas as pd
import pytest

from survey.datasets import ExportOptions, build_dataset, chunked, export
from survey.datasets.codebook import codebook_csv, codebook_html

from .synthetic import crowd, definition, real_languages, record

HOSTILE = {"var": "hostile", "type": "number", "min": 0, "max": 3,
           "label": {"sv": '<script>alert("x")</script> & "citat"', "en": "Hostile", "ar": "سؤال <b>", "fa": "پرسش"}}


def consistent_records() -> list:
    rng = random.Random(3)
    records = []
    for r in crowd(160, languages=("sv", "ar")):
        # consistent answers (a common level plus noise) so alpha is high in both languages
        level = rng.randint(1, 4)
        answers = {**r.answers, **{v: max(1, min(4, level + rng.choice([-1, 0, 0, 1]))) for v in ("se_a", "se_b")},
                   "se_c": max(1, min(4, 5 - level + rng.choice([0, 0, 1, -1])))}
        records.append(record(collection=r.collection, activity=r.activity, language=r.language, channel=r.channel,
                              submitted_at=r.submitted_at, answers=answers))
    return records


@pytest.fixture(scope="module")
def dataset():
    return build_dataset(chunked(consistent_records()), {1: definition(extra_items=(HOSTILE,))}, ExportOptions(seed=1))


def test_every_column_has_one_codebook_row_with_wording_in_every_language(dataset):
    stream = io.StringIO()
    codebook_csv(dataset, stream)
    book = pd.read_csv(io.StringIO(stream.getvalue()), keep_default_na=False)
    assert list(book["name"]) == list(dataset.frame.columns)
    row = book.set_index("name").loc["se_c"]
    assert (row["label_sv"], row["label_en"], row["label_ar"]) == ("C", "C", "C (ar)")
    assert row["scales"] == "se (reversed)"
    assert row["missing_codes"] == "9"
    assert "9 = Vet inte" in row["value_labels_sv"]
    assert row["versions"] == "1"


def test_translation_status_per_language_comes_from_the_item(dataset):
    stream = io.StringIO()
    codebook_csv(dataset, stream)
    book = pd.read_csv(io.StringIO(stream.getvalue()), keep_default_na=False).set_index("name")
    assert book.loc["se_a", "translation_status_ar"] == "draft"


def test_alpha_is_given_overall_and_per_language_with_enough_complete_answers(dataset):
    reliability = dataset.reliability["se"]
    assert reliability.overall.value > 0.5 and reliability.overall.n == len(dataset.frame.dropna(subset=["se_a", "se_b", "se_c"]))
    assert set(reliability.by_language) == {"sv", "ar"}
    assert all(a.n >= 30 for a in reliability.by_language.values())
    stream = io.StringIO()
    codebook_csv(dataset, stream)
    book = pd.read_csv(io.StringIO(stream.getvalue()), keep_default_na=False).set_index("name")
    assert book.loc["se", "alpha"] == f"{reliability.overall.value:.3f}"
    assert "ar:" in book.loc["se", "alpha_by_language"]


def test_the_bundle_codebook_carries_the_alphas_that_files_without_a_codebook_skip(dataset, tmp_path):
    """The alphas are counted only while writing a bundle: its codebook gives the same alphas as the
    whole dataset's, and a CSV export, written without counting them, holds the same item and scale
    values."""
    definitions = {1: definition(extra_items=(HOSTILE,))}
    bundle = export(chunked(consistent_records()), definitions, ExportOptions(seed=1), tmp_path / "d.zip", "zip")
    with zipfile.ZipFile(bundle.paths[0]) as archive:
        book = pd.read_csv(io.BytesIO(archive.read("codebook.csv")), keep_default_na=False).set_index("name")
    overall = dataset.reliability["se"].overall
    assert book.loc["se", "alpha"] == f"{overall.value:.3f}" and book.loc["se", "alpha_n"] == str(overall.n)
    assert "ar:" in book.loc["se", "alpha_by_language"]
    written = export(chunked(consistent_records()), definitions, ExportOptions(seed=1), tmp_path / "d.csv", "csv")
    frame = pd.read_csv(written.paths[0])
    for name in ("se_a", "se_c", "se"):
        pd.testing.assert_series_equal(frame[name].astype("float64"), dataset.frame[name].astype("float64"))


def test_alpha_per_language_is_left_out_below_30_complete_answers():
    records = crowd(120, languages=("sv", "sv", "sv", "sv", "sv", "ar"))
    dataset = build_dataset(chunked(records), {1: definition()}, ExportOptions(seed=1))
    assert "ar" not in dataset.reliability["se"].by_language


def test_the_html_codebook_escapes_everything_and_marks_right_to_left_wording(dataset):
    page = codebook_html(dataset, real_languages())
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;citat&quot;" in page
    assert '<td lang="ar" dir="rtl">سؤال &lt;b&gt;</td>' in page
    assert '<td lang="fa" dir="rtl">پرسش</td>' in page
    assert '<td lang="sv" dir="ltr">' in page


def test_without_language_facts_the_browser_decides_the_direction(dataset):
    assert 'lang="ar" dir="auto"' in codebook_html(dataset, None)
