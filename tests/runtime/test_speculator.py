"""The speculator: audio of an uncommitted speculation is never played; a commit plays it."""

from __future__ import annotations

import numpy as np

from voice_interviewer.clock import VirtualClock
from voice_interviewer.messages import CandidateTurn, SpeechAudio
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.speculation import Speculator
from voice_interviewer.session.live import InterviewSession, SessionOptions

WARMUP = (
    "You collect data and clean it, build features, train a model, evaluate it offline, "
    "then deploy it and monitor it."
)


def _rig(content):
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(problem_id="recommendation"))
    session.open()
    clock.advance(30)
    session.respond(WARMUP)
    played: list[SpeechAudio] = []
    generation = Generation()
    return session, generation, Speculator(session, generation, played.append), played


def _audio(generation: int, text: str) -> SpeechAudio:
    return SpeechAudio(np.ones(160, dtype=np.int16), 16000, text, generation=generation)


def test_a_commit_plays_the_held_audio_and_journals_the_turn(content):
    session, generation, spec, played = _rig(content)
    turns_before = len(session.director.turns)
    g, move = spec.begin("What scale are we designing for?")
    assert spec.hold_back(_audio(g, "first clause"))
    assert played == [] and len(session.director.turns) == turns_before
    committed = spec.commit(
        "What scale are we designing for?", CandidateTurn("What scale are we designing for?")
    )
    assert committed is not None and committed[1] is move
    assert [a.text for a in played] == ["first clause"]
    assert len(session.director.turns) == turns_before + 2
    # Later audio of the committed reply goes straight to the player.
    assert not spec.hold_back(_audio(g, "second clause"))


def test_a_resumed_turn_drops_the_speculation_and_its_audio(content):
    session, generation, spec, played = _rig(content)
    g, _ = spec.begin("I would use")
    spec.hold_back(_audio(g, "stale reply"))
    assert spec.cancel() == g
    assert not generation.is_current(g)
    # The candidate finished the sentence: the old speculation cannot be committed.
    assert spec.commit("I would use", CandidateTurn("I would use")) is None
    assert played == []
    assert spec.dropped == 1 and spec.committed == 0


def test_a_different_final_text_is_not_committed(content):
    session, generation, spec, played = _rig(content)
    g, _ = spec.begin("The objective is revenue")
    spec.hold_back(_audio(g, "reply to half an answer"))
    final = "The objective is revenue per session, measured by conversion."
    assert spec.commit(final, CandidateTurn(final)) is None
    assert played == []
    assert session.director.turns[-1].speaker == "interviewer"  # nothing new journaled
