"""Understanding a turn: sentence acts (question, request, statement), the stance toward a
concept (asserts, negates, admits, dismisses) and whether a statement explains or only names.

The blind corpus (tests/interview/corpus/sentences.toml) and sentences of our own written after
the lexicon, to check it generalises."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

CORPUS = Path(__file__).parent / "corpus" / "sentences.toml"
CASES = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["case"]

# (text, act, stance, explains): explains is None when it does not apply.
OWN = [
    ("what kind of latency are we targeting", "question", "asserts", None),
    ("is there a feature store already?", "question", "asserts", None),
    ("the data is in the warehouse, right", "question", "asserts", None),
    ("I don't know what PSI is", "statement", "admits", False),
    # A list that only illustrates a mechanism stated in a long clause explains; a bare list
    # of terms does not.
    (
        "every week I'd compare the incoming features against what the model was trained on, "
        "watch hours, plan mix, payment failures",
        "statement",
        "asserts",
        True,
    ),
    ("Redis, Kafka, Flink, a feature store, point in time joins", "statement", "asserts", False),
    ("honestly I've never set up a canary", "statement", "admits", False),
    ("shadow scoring, I've only heard of it", "statement", "admits", False),
    ("drift detection is overkill for a first version", "statement", "dismisses", False),
    ("nobody needs guardrails if revenue goes up", "statement", "dismisses", False),
    (
        "we won't use a feature store, the request carries every feature we need",
        "statement",
        "negates",
        True,
    ),
    ("there's no online store in this design", "statement", "negates", False),
    (
        "there is no label leakage because we join as of the event time",
        "statement",
        "asserts",
        True,
    ),
    (
        "why a tree model? because the features are tabular and it scores in a millisecond",
        "statement",
        "asserts",
        True,
    ),
    ("Redis, Flink, Kafka, Spark", "statement", "asserts", False),
    ("we would monitor drift", "statement", "asserts", False),
    (
        "we compare each feature's distribution to the training window every day and page someone past 0.2",
        "statement",
        "asserts",
        True,
    ),
    ("latency drops by half if we cache the user embedding", "statement", "asserts", True),
    (
        "I haven't built one, but I'd log the features at serving so training sees the same values",
        "statement",
        "asserts",
        True,
    ),
]


def _read(content, text: str):
    matcher = content.matcher_for(content.problem("fraud_detection"))
    return content.reader.read(text, matcher)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:60] for c in CASES])
def test_corpus(content, case):
    reading = _read(content, case["text"])
    assert reading.act == case["act"], case.get("why", "")
    if "stance" in case:
        assert reading.stance == case["stance"], case.get("why", "")
    if "explains" in case:
        assert reading.explains == case["explains"], case.get("why", "")


@pytest.mark.parametrize(("text", "act", "stance", "explains"), OWN, ids=[o[0][:50] for o in OWN])
def test_sentences_not_in_the_corpus(content, text, act, stance, explains):
    reading = _read(content, text)
    assert (reading.act, reading.stance) == (act, stance)
    if explains is not None:
        assert reading.explains == explains


def test_a_concept_keeps_the_stance_of_its_own_clause(content):
    """ "I haven't used Flink, but I'd keep windowed counts in Redis": Flink is admitted, the
    Redis store is asserted."""
    reading = _read(content, "I haven't used Flink, but I'd keep windowed counts in Redis")
    stances = {m.concept: m.stance for s in reading.sentences for m in s.mentions}
    assert stances["streaming_features"] == "admits"
    assert stances["online_offline_features"] == "asserts"
    assert reading.asserted() == {"online_offline_features"}


def test_a_dismissal_is_kept_apart(content):
    reading = _read(content, "Gradient boosting is old school, I wouldn't bother.")
    assert reading.dismissed() == {"gbdt"} and not reading.asserted()


def test_questions_are_not_statements_of_the_design(content):
    reading = _read(content, "Do we already have a feature store? What's the peak load?")
    assert [s.act for s in reading.sentences] == ["question", "question"]
    assert not reading.asserted()
    assert "feature_store" in reading.raised()


@pytest.mark.parametrize(
    "text",
    [
        "we do as of joins on event timestamps so an example never sees a feature computed "
        "after the click",
        "for every training row we take the feature values exactly as they were just before "
        "the transaction",
        "we build training sets with point in time correct joins",
    ],
)
def test_point_in_time_in_other_words(content, text):
    assert "point_in_time" in _read(content, text).asserted()


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (
            "item embeddings are precomputed nightly and the user side runs per request",
            "batch_vs_realtime",
        ),
        (
            "there's no way to batch this, the decision has to happen per transaction",
            "batch_vs_realtime",
        ),
        ("we scale the pods on requests in flight rather than CPU", "autoscaling"),
        ("the new version gets 1 percent of traffic first", "canary_deployment"),
        ("we split the traffic between the old rules and the model", "ab_test"),
        (
            "when reviewer precision drops below a threshold it triggers a retrain",
            "retraining_trigger",
        ),
    ],
)
def test_concepts_said_in_other_words(content, text, concept):
    assert concept in _read(content, text).asserted()


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("we wrap the model in a REST API", "batch_vs_realtime"),
        ("we'd retrain the model every so often", "retraining_trigger"),
        ("then a canary at 1 percent of traffic with automatic rollback", "ramp_up"),
        ("the web page loads the recommendations", "alerting"),
    ],
)
def test_words_that_are_not_the_concept(content, text, concept):
    assert concept not in _read(content, text).asserted()
