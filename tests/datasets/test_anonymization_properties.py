"""Property-based tests (hypothesis) of the anonymizer: on random datasets the export reaches k or is
refused, and the report never names a value that was suppressed or merged away."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.datasets import ExportOptions, ExportRefused, build_dataset, chunked
from survey.datasets.anonymize import class_sizes

from .synthetic import definition, record

DEFS = {1: definition()}
# Activity names no report could contain by chance, so finding one in a report means it leaked.
ACTIVITIES = [f"Aktivitet-zq{i}x" for i in range(8)]
# Each example searches the whole generalization lattice (1,728 nodes here, ~0.8 s on an idle core): 15 keep
# the test near 15 s. The seeded random test in test_anonymization.py covers larger datasets.
EXAMPLES = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def responses(draw):
    """Up to 60 responses: mostly common background answers, a tail of rare ones."""
    n = draw(st.integers(0, 60))
    common = st.sampled_from(ACTIVITIES[:2])
    rare = st.sampled_from(ACTIVITIES[2:])
    out = []
    for _ in range(n):
        out.append(record(
            activity=draw(st.one_of(common, common, common, rare)),
            language=draw(st.sampled_from(["sv", "sv", "ar", "so", "fa", "ti"])),
            channel=draw(st.sampled_from(["tablet", "link"])),
            submitted_at=datetime(2026, 6, 1, 10) + timedelta(days=draw(st.integers(0, 40))),
            answers={"birth_year": draw(st.sampled_from([2015, 2016, 2016, 2017, 1950, 2020])),
                     "gender": draw(st.sampled_from([1, 2, 2, 3, 9])),
                     "home_languages": draw(st.sampled_from([[1], [1, 2], [2], [3], [8]])),
                     "unsafe_often": draw(st.sampled_from([0, 1])),
                     "se_a": draw(st.integers(1, 4))}))
    return out


options = st.builds(lambda k, cap: ExportOptions(k=k, suppression_cap=cap, seed=1),
                    st.sampled_from([3, 5, 10]), st.sampled_from([0.0, 0.05, 0.2]))


@EXAMPLES
@given(responses(), options)
def test_a_random_dataset_reaches_k_or_is_refused_and_the_report_names_nothing_that_left(records, chosen):
    try:
        dataset = build_dataset(chunked(records, 17), DEFS, chosen)
    except ExportRefused as refusal:
        # a refusal says why in general terms, never which value stood out
        assert not [name for name in ACTIVITIES if name in str(refusal)]
        return
    report = dataset.report
    qis = list(report.quasi_identifier_columns)
    assert len(dataset.frame) >= chosen.k
    assert min(class_sizes(dataset.frame, qis)) >= chosen.k
    assert report.k_reached >= chosen.k
    # the report's counts describe the very file; none names an activity that was suppressed or merged
    assert sum(size * count for size, count in report.class_sizes.items()) == report.rows_out == len(dataset.frame)
    assert report.rows_out == report.rows_in - report.rows_dropped
    text = json.dumps(report.to_dict(), ensure_ascii=False) + report.to_markdown()
    gone = {r.activity for r in records} - set(dataset.frame.astype(str).to_numpy().ravel())
    assert not [name for name in gone if name in text]
