"""Speakers (half-duplex) mode with scripted parts: the interviewer yields to a candidate who
talks over it, at the end of its clause; an answer that starts inside the echo tail keeps its
first syllable; speech that never becomes a turn is journaled as unheard, with the reason."""

from __future__ import annotations

import numpy as np

from voice_interviewer.messages import MoveKind

from .conftest import ANSWERS
from .rig import Rig

WARMUP, SCOPE, END = ANSWERS
GREETING_1 = "Hello and welcome to the interview."
GREETING_2 = "We will design a system together today."


def test_the_interviewer_yields_at_the_end_of_its_clause(content) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(content, mode="speakers")
    # The greeting's sentences last 0.6, 0.7 and 0.7 s; the candidate cuts in 1.0 s into it,
    # in the middle of the second sentence, and talks for 1.5 s.
    cut_in = rig.say(SCOPE, 1.5, after=rig.started[MoveKind.GREETING], delay=1.0)
    rig.say(END, 0.8, after=rig.awaiting, delay=0.5)
    rig.run(timeout=40)

    assert "yield" in rig.kinds()
    first = rig.said()[0]
    assert first["interrupted"] is True
    assert first["text"] == f"{GREETING_1} {GREETING_2}"  # whole clauses, no cut mid-word
    # The speaker played the second sentence to its end, without a gap, and nothing of the
    # third (written ahead, then flushed).
    assert rig.written_sentences(after_flush=0)[0] == GREETING_2
    two = np.concatenate([rig.tts.audio_for(GREETING_1), rig.tts.audio_for(GREETING_2)])
    heard = rig.sink.heard_audio()
    assert np.array_equal(heard[: len(two)], two)
    third = rig.tts.audio_for("Let us warm up with your background.")
    assert not np.array_equal(heard[len(two) : len(two) + len(third)], third)
    timing = next(e for e in rig.journal() if e["type"] == "timing")
    assert timing["t_first_audio"] < cut_in.started
    # Nothing the candidate said was lost: the first STT segment starts at their first sample.
    assert cut_in.started is not None
    t_first_segment = rig.stt.calls[0][0]
    assert t_first_segment <= cut_in.started + 0.02
    assert rig.turns("candidate") == [SCOPE, END]
    kinds = [m.kind for m in rig.renderer.moves]
    assert kinds[0] == MoveKind.GREETING and kinds[-1] == MoveKind.WRAP_UP
    assert rig.renderer.heard_texts == [first["text"]]  # the LLM is told what was heard
    assert not [e for e in rig.journal() if e["type"] == "unheard"]


def test_an_answer_inside_the_echo_tail_keeps_its_first_syllable(content) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(content, mode="speakers", loop_config={"echo_tail_ms": 300.0})
    # 0.05 s after the greeting ends (as the source sees it): inside the 300 ms echo tail.
    answer = rig.say(WARMUP, 1.2, after=rig.awaiting, delay=0.05)
    rig.say(END, 0.8, after=rig.awaiting, delay=0.5)
    rig.run(timeout=40)

    assert answer.started is not None
    assert rig.stt.calls[0][0] <= answer.started + 0.02
    assert rig.turns("candidate") == [WARMUP, END]
    assert "yield" not in rig.kinds()  # the interviewer had already finished
    assert [s["interrupted"] for s in rig.said()] == [False] * len(rig.said())


def test_speech_without_words_is_journaled_as_unheard(content) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(content, mode="speakers")
    mumble = rig.say("", 0.6, after=rig.awaiting, delay=0.5)  # the STT hears no words in it
    rig.say(END, 0.8, at=6.0)
    rig.run(timeout=40)

    [unheard] = [e for e in rig.journal() if e["type"] == "unheard"]
    assert unheard["reason"] == "no_words" and unheard["why"]
    assert mumble.started is not None and mumble.ended is not None
    assert unheard["t_start"] <= mumble.started + 0.1
    assert unheard["t_end"] >= mumble.ended - 0.1
    assert rig.turns("candidate") == [END]


def test_a_stalled_listen_thread_loses_no_answer(content) -> None:  # type: ignore[no-untyped-def]
    # Issue 11's lost answer, made deterministic: the listen thread stalls for 2.5 s (a busy
    # 2-core CPU) while the interviewer speaks its 0.9 s reply, then catches up on the frames.
    # The replay used to place the next answer on those lagging frames' timeline, over the
    # reply, where speakers mode muted all of it: no turn, no journal line, and the replay
    # waited for a reply that never came.
    import time

    from audio.synth import vowel

    rig = Rig(
        content,
        mode="speakers",
        replay=[vowel(1.2, -22.0, f0=190.0, seed=1), vowel(0.8, -22.0, f0=170.0, seed=2)],
        replay_texts=[WARMUP, SCOPE],
    )
    source = rig.replay_source
    read = source.read
    stalled: list[float] = []

    def stalling_read(timeout: float | None = None):  # type: ignore[no-untyped-def]
        if rig.loop.player.speaking and len(source.answer_started) == 1 and not stalled:
            stalled.append(rig.clock.now())
            time.sleep(2.5)
        return read(timeout)

    source.read = stalling_read  # type: ignore[method-assign]
    rig.run(timeout=40)

    assert stalled, "the stall never happened"
    assert rig.turns("candidate") == [WARMUP, SCOPE]
    # The second answer started after the interviewer had stopped, on the session's timeline.
    reply_end = [t for t, k, _ in rig.events if k == "listening"][1]
    assert source.answer_started[1] >= reply_end - 0.05
