"""Smart Turn and the accurate final pass wired into the live loop, with the real models:
Smart Turn v3.2, tiny.en (live and final pass) and Piper voicing the candidate. The replay of
test_replay_integration.py runs with both on, as a user's replay does, and checks the journal's
revise lines."""

from __future__ import annotations

import re
import threading
from typing import Any

import numpy as np
import pytest

from voice_interviewer.audio.config import EndpointerConfig

from .conftest import speak
from .rig import Rig

pytestmark = pytest.mark.slow


class SpyTurnModel:
    """The real Smart Turn, with each call's time and input length recorded."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.clock: Any = None
        self.calls: list[tuple[float, int, float]] = []  # (when, samples, p)
        self.lock = threading.Lock()

    def probability(self, pcm: np.ndarray) -> float:
        p = self.model.probability(pcm)
        with self.lock:
            self.calls.append((self.clock(), len(pcm), p))
        return p


class MishearingSTT:
    """The real live transcriber, made to mishear one phrase the way tiny.en does jargon in
    an unfamiliar voice ("offline store" -> "enough line store"): Piper's voice is too clear
    for the real model to miss it on cue, and the test needs a fast text that misses it."""

    def __init__(self, stt: Any, heard: dict[str, str]) -> None:
        self.stt = stt
        self.heard = heard

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stt, name)

    def transcribe(self, *args: Any, **kwargs: Any) -> Any:
        from dataclasses import replace

        transcript = self.stt.transcribe(*args, **kwargs)
        text = transcript.text
        for said, misheard in self.heard.items():
            text = re.sub(said, misheard, text, flags=re.IGNORECASE)
        return replace(transcript, text=text)


def _dead_air(rig: Rig) -> list[float]:
    """t_endpoint - t_speech_end of each answered turn (DESIGN.md's endpoint wait)."""
    return [
        e["t_endpoint"] - e["t_speech_end"]
        for e in rig.journal()
        if e["type"] == "timing" and e.get("t_endpoint") is not None
    ]


def _reasons(rig: Rig) -> list[str]:
    """Why each turn ended (``TurnEnded.reason``), in order."""
    return [data["reason"] for _, kind, data in rig.events if kind == "turn_end"]


def test_smart_turn_runs_at_each_pause_and_a_confident_complete_ends_the_turn_sooner(
    content, synthesizer, smart_turn
) -> None:  # type: ignore[no-untyped-def]
    # A scope question after the open warm-up question: Smart Turn calls it complete and the
    # transcript ends on "?", so the policy ends the turn at the 200 ms segment close instead
    # of the 700 ms silence of the fallback. The scripted transcriber answers at once, so the
    # transcript's timing (load-dependent) does not decide the endpoint in either run.
    question = "What scale are we designing for?"
    audio = speak(synthesizer, question)
    runs: dict[str, Rig] = {}
    spy: SpyTurnModel | None = None
    for name in ("smart_turn", "silence"):
        spy = SpyTurnModel(smart_turn) if name == "smart_turn" else spy
        model = spy if name == "smart_turn" else None
        rig = Rig(
            content,
            replay=[audio],
            replay_texts=[question],
            smart_turn=model,
            # A fallback wait longer than the default 700 ms, so that Smart Turn's own time on
            # a busy CPU (50 ms idle, 0.2-0.5 s at load 4-20) cannot decide the comparison.
            loop_config={"endpointer": EndpointerConfig(turn_end_ms=1200.0)},
        )
        if name == "smart_turn":
            assert spy is not None
            spy.clock = rig.clock.now
        rig.run(timeout=40.0)
        runs[name] = rig
    assert spy is not None
    with_model, fallback = runs["smart_turn"], runs["silence"]
    assert len(with_model.stt.calls) == 1, with_model.stt.calls  # one segment, one pause
    # Smart Turn ran once, at the pause: after the segment closed (200 ms of silence), on the
    # turn's audio up to that moment.
    [(t_call, samples, p)] = spy.calls
    [pcm_end] = [end for _, end, _ in with_model.stt.calls]  # voice end + 150 ms tail
    answer_end = with_model.replay_source.answer_ended[0]
    assert p >= 0.5, f"Smart Turn p(complete) {p:.2f} on the question"
    assert pcm_end <= t_call <= answer_end + 2.0, (pcm_end, t_call, answer_end)
    assert samples / 16000 >= len(audio) / 16000 - 0.6  # the whole question (0.3 s pads)
    assert with_model.loop.turn_model.stats.calls == 1
    # The turn ended on the model's verdict, sooner than on silence alone: at the segment
    # close plus the model's own time.
    [fast], [slow] = _dead_air(with_model), _dead_air(fallback)
    assert _reasons(with_model) == ["complete"] and _reasons(fallback) == ["silence"]
    assert slow >= 1.19, slow  # the fallback's turn_end_ms
    call_s = with_model.loop.turn_model.stats.seconds[0]
    assert fast <= 0.2 + call_s + 0.3, (fast, call_s)  # + frame pacing, thread wake-ups
    assert fast < slow - 0.3, (fast, slow)
    assert fallback.loop.turn_model.stats.calls == 0


def test_the_final_pass_revises_a_turn_the_live_pass_misheard(
    content, synthesizer, transcriber, final_pass
) -> None:  # type: ignore[no-untyped-def]
    from .conftest import ANSWERS

    jargon = "For the features, I would use a feature store."
    answers = [speak(synthesizer, ANSWERS[0]), speak(synthesizer, jargon)]
    live = MishearingSTT(transcriber, {"feature store": "feature stir"})
    rig = Rig(
        content,
        replay=answers,
        live_stt=live,
        final_pass=final_pass,
        loop_config={"final_text_wait_s": 120.0},
    )
    try:
        rig.run(timeout=180.0)
    finally:
        transcriber.set_vocabulary("")  # the loop set the problem's terms; later tests start clean
    journal = rig.journal()
    turns = [e for e in journal if e["type"] == "turn" and e["speaker"] == "candidate"]
    assert len(turns) == 2, turns
    jargon_turn = turns[1]
    assert "feature stir" in jargon_turn["text"].lower(), jargon_turn  # the fast text missed it
    revises = {e["turn"]: e["text"] for e in journal if e["type"] == "revise"}
    # The last turn is never expired (no next reply is due): its final text always arrives.
    assert jargon_turn["index"] in revises, (revises, final_pass.stats)
    final = revises[jargon_turn["index"]]
    assert "feature store" in final.lower(), final
    # The director holds the final text, and the concept counts for that turn now.
    state = rig.session.director.state
    assert state.turns[jargon_turn["index"]].text == final
    covered = [h.turn for h in state.coverage.heard.get("feature_store", [])]
    assert jargon_turn["index"] in covered, covered
    shown = [data for _, kind, data in rig.events if kind == "candidate_final"]
    assert any(s["turn"] == jargon_turn["index"] and s["changed"] for s in shown), shown
    # The warm-up answer was revised too, unless the next reply came first (counted).
    assert turns[0]["index"] in revises or final_pass.stats.expired > 0
