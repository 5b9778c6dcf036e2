"""The decoder's context: terms from the content layer and the prompt's token budget."""

from __future__ import annotations

import pytest

from voice_interviewer.stt.context import (
    WHISPER_PROMPT_LIMIT,
    DecodingContext,
    PromptBuilder,
    decoder_terms,
    terms_of,
)
from voice_interviewer.text import comparable_words, normalize


def words(text: str) -> int:
    return len(text.split())


def test_terms_start_with_the_problems_vocabulary_then_its_concepts(content):
    problem = content.problem("feature_platform")
    terms = decoder_terms(content, problem)
    assert terms[: len(problem.vocabulary)] == problem.vocabulary
    assert "point-in-time correctness" in terms  # a key concept's label, article cut
    assert "training-serving skew" in terms
    keys = [normalize(t) for t in terms]
    assert len(keys) == len(set(keys))  # no duplicates after normalising
    assert not any(t.lower().startswith(("a ", "an ", "the ")) for t in terms)


def test_terms_without_a_problem_are_the_global_concepts(content):
    terms = decoder_terms(content, None)
    assert "feature store" in terms and "A/B test" in terms


def test_prompt_keeps_style_then_terms_in_order_within_the_budget():
    builder = PromptBuilder(words, style="Um, uh.", budget_tokens=10, min_previous_tokens=0)
    prompt = builder.build(DecodingContext(("alpha", "beta", "gamma", "delta"), ""))
    assert prompt is not None and prompt.startswith("Um, uh.")
    assert words(prompt) <= 10
    assert "alpha, beta" in prompt  # the first terms are the ones kept


def test_terms_leave_room_for_the_words_just_before_the_audio():
    builder = PromptBuilder(words, style="Um.", budget_tokens=12, min_previous_tokens=4)
    terms = tuple(f"t{i}" for i in range(20))
    previous = "one two three four five six seven eight nine ten"
    prompt = builder.build(DecodingContext(terms, previous))
    assert prompt.endswith("seven eight nine ten")
    assert words(prompt) <= 12
    assert "t0" in prompt  # terms still come first


def test_a_long_previous_text_is_cut_from_the_front():
    builder = PromptBuilder(words, budget_tokens=5)
    prompt = builder.build(DecodingContext((), "a b c d e f g h"))
    assert prompt == "d e f g h"


def test_nothing_to_say_is_no_prompt():
    assert PromptBuilder(words).build(DecodingContext()) is None


def test_budget_over_whispers_limit_is_refused():
    with pytest.raises(ValueError, match="223"):
        PromptBuilder(words, budget_tokens=WHISPER_PROMPT_LIMIT + 1)


def test_vocabulary_string_terms():
    assert terms_of("XGBoost, PSI ,, p99.") == ("XGBoost", "PSI", "p99.")


def test_real_tokenizer_budget_holds_for_every_problem(transcriber, content):
    for problem in content.problems:
        context = DecodingContext(decoder_terms(content, problem), "word " * 400)
        prompt = transcriber.build_prompt(context)
        assert transcriber.count_tokens(prompt) <= transcriber.config.prompt_tokens
        assert prompt.startswith(transcriber.config.filler_prompt)
        assert problem.vocabulary[0] in prompt


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canary at 1%, then an A/B test.", "canary at one percent then an ab test"),
        ("A B test with P S I above 0.2", "ab test with psi above zero point two"),
        ("the 90th percentile at p99", "the ninetieth percentile at p ninety nine"),
        ("1,000 QPS and 250 ms", "one thousand qps and two hundred fifty ms"),
        ("X G boost, two-tower, int8", "xgboost two tower int eight"),
        ("It's a feature store.", "its a feature store"),
    ],
)
def test_comparable_words(text, expected):
    assert comparable_words(text) == expected.split()


def test_percent_signs_match_the_concepts(content):
    found = content.global_matcher.find("We go to 1% of traffic, then 5%.")
    assert "ramp_up" in found
    match = found["ramp_up"]
    # "%" reads as "percent", and a quote of the match shows the "%" itself.
    assert "%" in "We go to 1% of traffic, then 5%."[match.start : match.end]
