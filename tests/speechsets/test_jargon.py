"""The jargon speech set: enough answers, consistent with the content, spoken by the voices."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.speechsets.jargon import (
    DEFAULT_VOICES,
    SEGMENT_GAP_S,
    load_jargon_set,
    speak_turn,
    turn_segments,
)
from voice_interviewer.speechsets.scoring import ConceptScorer, Tally, word_errors
from voice_interviewer.speechsets.voices import SAMPLE_RATE, SpeechCache, available_voices, voice

JARGON = load_jargon_set()


def test_at_least_80_answers_with_unique_ids():
    assert len(JARGON.answers) >= 80
    assert len({a.id for a in JARGON.answers}) == len(JARGON.answers)


def test_every_answer_names_a_problem_and_concepts_the_director_detects(content):
    scorer = ConceptScorer(content)
    for answer in JARGON.answers:
        content.problem(answer.problem)  # raises for an unknown problem
        found = scorer.found(answer.problem, answer.text)
        missing = set(answer.concepts) - found
        assert not missing, f"{answer.id}: the matcher no longer finds {missing} in its text"
    assert sum(len(a.concepts) for a in JARGON.answers) >= 200


@pytest.mark.parametrize(
    "term",
    ["feature store", "point-in-time", "training-serving skew", "XGBoost", "PSI", "canary",
     "p99", "A/B test", "two-tower", "ANN index"],
)  # fmt: skip
def test_the_set_uses_the_jargon(term):
    assert sum(term in a.text for a in JARGON.answers) >= 1


def test_spoken_forms_spell_out_what_the_engines_misread():
    said = JARGON.say("We watch PSI and p99, run an A/B test, and train XGBoost.")
    assert said == "We watch P S I and P ninety-nine, run an A B test, and train X G boost."
    assert JARGON.say("Use LLM-as-a-judge on the LLM.") == "Use L L M as a judge on the L L M."


def test_default_voices_are_three_installed_non_interviewer_voices():
    names = {v.name for v in available_voices()}
    assert len(DEFAULT_VOICES) >= 3 and set(DEFAULT_VOICES) <= names
    assert {voice(n).engine for n in DEFAULT_VOICES} == {"flite", "espeak-ng"}


def test_a_turn_is_its_sentences_with_pauses_between(tmp_path):
    answer = JARGON.answer("fraud-05")
    turn = speak_turn(answer, voice("flite-slt"), SpeechCache(tmp_path))
    assert len(turn.segments) == len(answer.sentences()) == 2
    (a0, b0), (a1, b1) = turn.segments
    assert a1 - b0 == int(SEGMENT_GAP_S * SAMPLE_RATE)
    assert np.abs(turn.pcm[b0 + 800 : a1 - 800].astype(int)).max() == 0
    segments = turn_segments(turn, t0=100.0)
    assert [s.ends_turn for s in segments] == [False, True]
    assert segments[0].pcm_start < segments[0].t_start == pytest.approx(100 + a0 / SAMPLE_RATE)
    assert segments[1].t_end == pytest.approx(100 + b1 / SAMPLE_RATE)


def test_scoring_counts_errors_and_missed_concepts(content):
    assert word_errors("Canary at 1%.", "canary at one percent") == (0, 4)
    assert word_errors("run an A/B test", "run a bee test") == (2, 4)
    tally = Tally()
    scorer = ConceptScorer(content)
    text = "We use a canary and watch the p99."
    tally.add(text, "we use a canary", 1.0, ("canary_deployment", "latency_requirement"),
              scorer.found(None, "we use a canary"), "x")  # fmt: skip
    assert tally.recall == 0.5 and tally.missed == ["x:latency_requirement"]
    assert tally.wer == pytest.approx(6 / 10)  # "p99" is "p ninety nine"
