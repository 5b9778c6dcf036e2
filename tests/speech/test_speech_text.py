"""The speech text normaliser (no model)."""

from __future__ import annotations

import pytest

from voice_interviewer.tts import normalize_for_speech


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Keep p99 under 100ms.", "Keep p 99 under 100 milliseconds."),
        ("Latency < 50 ms", "Latency under 50 milliseconds"),
        ("Recall >= 0.9 and cost <= 2", "Recall at least 0.9 and cost at most 2"),
        ("Run an A/B test on 5% of users.", "Run an A B test on 5 percent of users."),
        ("**Feature store**: use `point_in_time` joins", "Feature store: use point in time joins"),
        ("## Phase 2\n- Data\n- Model", "Phase 2 Data Model"),
        ("See [the docs](https://example.com) first.", "See the docs first."),
        ("10k requests/s at ~3M users", "10 thousand requests per second at about 3 million users"),
        (
            "Use a baseline, e.g. logistic regression.",
            "Use a baseline, for example, logistic regression.",
        ),
        ("GBDT vs deep nets", "GBDT versus deep nets"),
        ("train/test split", "train test split"),
        ("features -> model", "features to model"),
        ("> quoted line", "quoted line"),
        ("| metric | value |", "metric, value,"),
        ("Plain words stay the same.", "Plain words stay the same."),
        ("We keep AUC at 0.93, then,", "We keep AUC at 0.93, then,"),
    ],
)
def test_normalize_for_speech(text, spoken):
    assert normalize_for_speech(text) == spoken
