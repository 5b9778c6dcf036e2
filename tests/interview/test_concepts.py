"""Concept detection: tolerant of transcription noise, blind to look-alikes."""

from __future__ import annotations

import pytest
from candidates import scenario

from voice_interviewer.interview.concepts import quote_around
from voice_interviewer.interview.coverage import Coverage
from voice_interviewer.text import normalize


@pytest.fixture(scope="module")
def matcher(content):
    # The recommendation problem's matcher: global concepts plus its own (two tower, ANN, ...).
    return content.matcher_for(content.problem("recommendation"))


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("We build the training set with point in time joins.", "point_in_time"),
        ("We build the training set with point-in-time joins.", "point_in_time"),
        ("We build the training set with Point-In-Time joins.", "point_in_time"),
        ("We build the training set with pointintime joins.", "point_in_time"),
        ("Then we run an AB test on the new ranker.", "ab_test"),
        ("Then we run an A/B test on the new ranker.", "ab_test"),
        ("Then we run an a b test on the new ranker.", "ab_test"),
        ("Then we run an A.B. test on the new ranker.", "ab_test"),
        ("Then we do A B testing on the new ranker.", "ab_test"),
        ("I would start with x g boost on these features.", "gbdt"),
        ("I would start with XGBoost on these features.", "gbdt"),
        ("I would start with X G Boost on these features.", "gbdt"),
        ("I would start with xg boost on these features.", "gbdt"),
        ("I would start with x-g-boost on these features.", "gbdt"),
        ("We watch for training/serving skew.", "training_serving_skew"),
        ("Candidates come from a two-tower model.", "ann_retrieval"),
        ("We keep the features in a feature-store.", "feature_store"),
    ],
)
def test_transcription_noise_still_finds_the_concept(matcher, text, concept):
    assert concept in matcher.find(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("We ran a lab test on the samples.", "ab_test"),
        ("We did some crab testing on the beach.", "ab_test"),
        ("The classes are skewed toward legitimate payments.", "training_serving_skew"),
        ("Let me deep dive into the data first.", "deep_model"),
        ("Marketing wants to boost promoted products.", "gbdt"),
        ("I was disappointed in time series models before.", "point_in_time"),
        # Spoken fillers and requirement statements that share words with a concept.
        ("At this point in time I would start with the business goal.", "point_in_time"),
        ("The latency budget is 50 milliseconds at p99.", "latency_optimization"),
        ("I'd experiment with a few learning rates offline.", "ab_test"),
        ("We salt the keys to handle data skew in the Spark join.", "training_serving_skew"),
    ],
)
def test_look_alikes_do_not_fire(matcher, text, concept):
    assert concept not in matcher.find(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # Explanations in plain words (a concept's `frames`), none of them a synonym.
        (
            "Each night we check whether the incoming requests still resemble the data the "
            "model was trained on.",
            "data_drift",
        ),
        (
            "When the error against actual arrivals keeps growing for a week, a retrain kicks "
            "off automatically.",
            "retraining_trigger",
        ),
        (
            "The new model scores every request alongside the current one without affecting "
            "any decision.",
            "shadow_scoring",
        ),
        ("Accounts are randomly assigned to the old or the new ranker.", "ab_test"),
        ("Half of the visitors get the new ranking and the rest keep the old one.", "ab_test"),
        ("We'd keep a small group on the old model for six months.", "holdout"),
        ("We stop the test if checkout conversion drops.", "guardrail_metrics"),
        ("We work out how many users each arm needs to detect a 2 percent lift.", "sample_size"),
        ("Only the borderline cases go on to the heavier model.", "latency_optimization"),
    ],
)
def test_plain_word_explanations_find_the_concept(matcher, text, concept):
    assert concept in matcher.find(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # Another sense of the concept's words (a concept's or its area's `unless`).
        ("A new user with no history sees the best sellers, that's our cold start.", "cold_start"),
        ("We evaluated precision and recall on the test set.", "accuracy_tracking"),
        ("Before each release we track accuracy on a golden set.", "accuracy_tracking"),
        (
            "For new products with no history we fall back to the category average.",
            "latency_optimization",
        ),
        (
            "For the experiment, 1 percent of users get the new model, then 10 percent.",
            "canary_deployment",
        ),
        # Word groups that only look like the concept.
        ("Then the heavy model scores the remaining ten percent.", "ramp_up"),
        ("We track how many users click report spam every day.", "sample_size"),
        ("We'd train a random forest on 10 percent of users.", "ab_test"),
        ("Half of the users search on mobile, so the new ranking must be fast.", "ab_test"),
        ("We keep the old model on a few servers for a quarter.", "holdout"),
        ("We retrain it when we have time.", "retraining_trigger"),
        ("If we retrain, the backfill has to run first.", "retraining_trigger"),
        ("Features like watch hours over the last week versus the last month.", "data_drift"),
        ("We check for errors in the data every day.", "accuracy_tracking"),
        (
            "Every night we compare today's orders with last month's to build the prep feature.",
            "data_drift",
        ),
    ],
)
def test_other_senses_do_not_fire(matcher, text, concept):
    assert concept not in matcher.find(text)


def test_another_sense_is_judged_in_its_own_sentence(matcher):
    # "before every release" makes the golden set offline evaluation, not monitoring; it must
    # not undo the production tracking described in the sentence before it.
    text = (
        "In production we track precision daily and alert when it drops. "
        "A golden set of questions runs before every release."
    )
    assert "accuracy_tracking" in matcher.find(text)
    assert "accuracy_tracking" not in matcher.find(
        "A golden set of questions measures precision before every release."
    )


def test_match_span_points_at_the_original_words(matcher):
    text = "Honestly, we'd use Point-In-Time joins here."
    match = matcher.find(text)["point_in_time"]
    assert text[match.start : match.end] == "Point-In-Time joins"
    text = "Then an A/B test."
    match = matcher.find(text)["ab_test"]
    assert text[match.start : match.end] == "A/B test"


def test_normalize_joins_spoken_letter_forms():
    assert normalize("A/B Test") == "ab test"
    assert normalize("X G Boost") == "xgboost"
    assert normalize("point-in-time, isn't it?") == "point in time isnt it"


def test_quote_is_the_sentence_holding_the_match():
    text = "We start with scope. Then we use a feature store for everything. Finally monitoring."
    start = text.index("feature store")
    assert quote_around(text, start, start + len("feature store")) == (
        "Then we use a feature store for everything."
    )


def test_long_sentence_quote_keeps_the_matched_words():
    words = " ".join(f"w{i}" for i in range(60))
    text = f"{words} point in time joins {words}."
    start = text.index("point in time")
    quote = quote_around(text, start, start + len("point in time"))
    assert "point in time" in quote
    assert len(quote.split()) <= 26 and quote.startswith("...") and quote.endswith("...")


def test_coverage_records_turn_and_quote(content, matcher):
    cov = Coverage()

    def add(text: str, turn: int, t: float) -> None:
        cov.add(content.reader.read(text, matcher), turn, t, lambda s: False)

    add("Scope first. We keep features in a feature store.", 3, 10.0)
    add("Again, the feature store.", 7, 20.0)
    first = cov.first("feature_store")
    assert (first.turn, first.quote) == (3, "We keep features in a feature store.")
    assert cov.first("feature_store", since=4).turn == 7
    assert cov.turns("feature_store") == [3, 7]
    assert not cov.covered("point_in_time")


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("I'm honestly not sure what a feature store is.", "admitted"),
        ("We don't need a feature store for this.", "negated"),
        ("Feature stores are just hype.", "dismissed"),
        ("Do we already have a feature store?", "asked"),
    ],
)
def test_a_concept_inside_an_admission_negation_dismissal_or_question_is_not_coverage(
    content, matcher, text, bucket
):
    cov = Coverage()
    asserted = cov.add(content.reader.read(text, matcher), 2, 1.0, lambda s: False)
    assert "feature_store" not in asserted and not cov.covered("feature_store")
    assert ("feature_store" in cov.admitted) == (bucket == "admitted")
    assert ("feature_store" in cov.dismissed) == (bucket == "dismissed")


def test_paraphrase_of_point_in_time_is_coverage(content, matcher):
    """The issue's example: explained without the canonical name, still heard."""
    cov = Coverage()
    text = (
        "We do as of joins on event timestamps so an example never sees a feature computed "
        "after the click."
    )
    cov.add(content.reader.read(text, matcher), 2, 1.0, lambda s: False)
    assert cov.covered("point_in_time")
    assert cov.first("point_in_time").explains


def test_noisy_transcript_counts_in_the_interview(content):
    """The director credits "point-in-time" heard as "point in time" and A/B heard as "a b"."""
    s = scenario(content, problem_id="recommendation")
    s.say(
        "We store the features in a feature store, and every training example is built with "
        "point in time joins so nothing leaks."
    )
    s.say(
        "For the launch we would run an a b test with a primary metric, a sample size from a power "
        "analysis, and we wait for the novelty effect to wear off."
    )
    assert s.director.coverage.covered("point_in_time")
    assert s.director.coverage.covered("ab_test")
    assert s.events("probe") == []
