"""The loop's Smart Turn runner: off the listen thread, latest pause only, notes back in order,
and a clear fallback when the model cannot load."""

from __future__ import annotations

import queue
import threading

import numpy as np
import pytest

from voice_interviewer.audio.config import SmartTurnConfig
from voice_interviewer.audio.detector import SpeechDetector
from voice_interviewer.runtime.turn_model import (
    TurnContext,
    TurnModel,
    TurnProbability,
    load_smart_turn,
)


class GatedModel:
    """Stands in for SmartTurn where the test must control when a call finishes."""

    def __init__(self, p: float = 0.9) -> None:
        self.p = p
        self.seen: list[int] = []
        self.release = threading.Event()
        self.entered = threading.Event()

    def probability(self, pcm: np.ndarray) -> float:
        self.entered.set()
        self.release.wait(5.0)
        self.seen.append(len(pcm))
        return self.p


def test_only_the_latest_pause_waits_for_the_model() -> None:
    notes: queue.Queue = queue.Queue()
    model = GatedModel()
    runner = TurnModel(model, notes)
    try:
        runner.segment_closed(np.ones(100, dtype=np.int16), 1.0)
        assert model.entered.wait(2.0)  # the first call is running
        runner.segment_closed(np.ones(200, dtype=np.int16), 2.0)
        runner.segment_closed(np.ones(300, dtype=np.int16), 3.0)  # replaces the 2.0 pause
        model.release.set()
        first, second = notes.get(timeout=2.0), notes.get(timeout=2.0)
    finally:
        runner.close()
    assert isinstance(first, TurnProbability) and first.segment_end == 1.0
    assert isinstance(second, TurnProbability) and second.segment_end == 3.0
    assert model.seen == [100, 300] and runner.stats.superseded == 1
    assert runner.stats.calls == 2


def test_context_is_noted_from_the_interviewers_question() -> None:
    notes: queue.Queue = queue.Queue()
    runner = TurnModel(None, notes)  # no model: the context still counts
    runner.interviewer_asked("Great. How would you design the feature pipeline?")
    runner.interviewer_asked("Ready?")
    detector = SpeechDetector()
    long_, short = notes.get_nowait(), notes.get_nowait()
    assert long_ == TurnContext(True) and short == TurnContext(False)
    runner.apply(detector, long_)
    assert detector.endpointer.policy.expects_long_answer is True
    runner.apply(detector, short)
    assert detector.endpointer.policy.expects_long_answer is False
    runner.segment_closed(np.ones(10, dtype=np.int16), 1.0)  # no model: nothing computed
    assert notes.empty() and not runner.enabled


def test_a_full_note_queue_drops_and_counts_instead_of_blocking() -> None:
    notes: queue.Queue = queue.Queue(maxsize=1)
    runner = TurnModel(None, notes)
    runner.interviewer_asked("Ready?")
    runner.interviewer_asked("Ready?")
    assert runner.stats.dropped == 1


def test_switched_off_or_missing_model_says_what_runs_instead(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    model, note = load_smart_turn(SmartTurnConfig(enabled=False))
    assert model is None and "silence + transcript" in note and "enabled = false" in note
    model, note = load_smart_turn(SmartTurnConfig(model_path="/nonexistent/smart-turn.onnx"))
    assert model is None
    assert "silence + transcript only" in note and "/nonexistent/smart-turn.onnx" in note


@pytest.mark.slow
def test_the_bundled_model_loads_and_is_named(smart_turn) -> None:  # type: ignore[no-untyped-def]
    model, note = load_smart_turn(SmartTurnConfig())
    assert model is not None and "Smart Turn v3.2" in note
    assert 0.0 <= model.probability(np.zeros(16000, dtype=np.int16)) <= 1.0
