"""The final pass's wiring, piece by piece: live work marked busy, turns submitted with their
segments once answered, earlier passes expired, results applied once."""

from __future__ import annotations

import queue
from concurrent.futures import Future
from typing import Any

import numpy as np

from voice_interviewer.messages import (
    CandidateTurn,
    FinalTranscript,
    Move,
    MoveKind,
    SpeechSegment,
    TurnAudio,
    TurnEnded,
)
from voice_interviewer.runtime.final_text import FinalText, LiveMarked
from voice_interviewer.stt.final_worker import LiveActivity


class RecordingWorker:
    """Plays FinalPassWorker's interface (submit / expire / on_result / activity)."""

    def __init__(self) -> None:
        self.activity = LiveActivity()
        self.on_result: Any = None
        self.submitted: list[TurnAudio] = []
        self.expired: list[int] = []
        self.futures: list[Future] = []

    def submit(self, turn: TurnAudio) -> Future:
        self.submitted.append(turn)
        self.futures.append(Future())
        return self.futures[-1]

    def expire(self, before_turn: int) -> int:
        self.expired.append(before_turn)
        return 0


def _segment(t: float) -> SpeechSegment:
    return SpeechSegment(np.ones(1600, dtype=np.int16), 16000, t, t + 0.1)


def _result(turn: int, text: str) -> FinalTranscript:
    return FinalTranscript(turn, text, (), 0.0, 1.0)


class Part:
    def __init__(self, activity: LiveActivity) -> None:
        self.activity = activity
        self.idle_inside: list[bool] = []
        self.name = "part"

    def transcribe(self) -> str:
        self.idle_inside.append(self.activity.idle)
        return "text"

    def synthesize(self, n: int) -> Any:
        for i in range(n):
            self.idle_inside.append(self.activity.idle)
            yield i


def test_live_parts_hold_the_pass_back_while_they_work() -> None:
    activity = LiveActivity()
    part = Part(activity)
    marked = LiveMarked(part, activity, calls=("transcribe",), streams=("synthesize",))
    assert marked.transcribe() == "text" and activity.idle
    assert list(marked.synthesize(3)) == [0, 1, 2] and activity.idle
    stream = marked.synthesize(5)
    next(stream)
    assert not activity.idle  # a reply half synthesized is still live work ...
    stream.close()
    assert activity.idle  # ... until it is dropped (barge-in)
    assert part.idle_inside == [False] * 5 and marked.name == "part"


def test_off_changes_nothing() -> None:
    wake: queue.Queue = queue.Queue()
    final = FinalText(None, wake, lambda kind, data: None)
    part = object()
    assert final.marked(part, calls=("x",)) is part and not final.enabled
    final.segment(_segment(0.0))
    final.answered(CandidateTurn("hi", t_endpoint=1.0), Move(MoveKind.FOLLOW_UP, "ok", turn=2), ())


def test_a_turn_is_submitted_with_its_segments_terms_and_question_once_answered() -> None:
    worker = RecordingWorker()
    wake: queue.Queue = queue.Queue()
    final = FinalText(worker, wake, lambda kind, data: None)  # type: ignore[arg-type]
    assert worker.on_result == final.deliver
    final.interviewer_said("How would you design it?")
    final.segment(_segment(0.0))
    final.segment(_segment(1.0))
    final.turn_ended(TurnEnded(1.1, 1.8, "silence"))
    # A backchannel's turn that was never answered must not leak into the next turn.
    final.segment(_segment(3.0))
    final.turn_ended(TurnEnded(3.1, 3.8, "silence"))
    final.segment(_segment(5.0))
    final.turn_ended(TurnEnded(5.1, 5.8, "silence"))
    final.answered(
        CandidateTurn("first", t_endpoint=1.8),
        Move(MoveKind.FOLLOW_UP, "Why?", turn=2, generation=4),
        ("feature store",),
    )
    final.answered(
        CandidateTurn("third", t_endpoint=5.8), Move(MoveKind.FOLLOW_UP, "And?", turn=4), ()
    )
    first, third = worker.submitted
    assert first.turn_index == 1 and [s.t_start for s in first.segments] == [0.0, 1.0]
    assert first.terms == ("feature store",) and first.previous_text == "How would you design it?"
    assert first.generation == 4
    assert third.turn_index == 3 and [s.t_start for s in third.segments] == [5.0]
    assert worker.expired == [1, 3]  # each answer makes earlier passes late


def test_results_revise_once_and_show_when_the_words_changed() -> None:
    worker = RecordingWorker()
    wake: queue.Queue = queue.Queue(maxsize=1)
    shown: list[dict] = []
    final = FinalText(worker, wake, lambda kind, data: shown.append(data))  # type: ignore[arg-type]
    final.segment(_segment(0.0))
    final.turn_ended(TurnEnded(0.1, 0.8, "silence"))
    final.answered(
        CandidateTurn("an enough line store", t_endpoint=0.8),
        Move(MoveKind.FOLLOW_UP, "?", turn=2),
        (),
    )
    revised: list[tuple[int, str]] = []
    final.deliver(_result(1, "An offline store."))
    final.deliver(_result(5, "Overflowed."))  # the queue is full: kept, applied next time
    final.apply(wake.get_nowait(), lambda i, t: revised.append((i, t)))
    assert revised == [(5, "Overflowed."), (1, "An offline store.")]
    assert shown[1] == {"turn": 1, "text": "An offline store.", "changed": True}
    final.apply(_result(1, "An offline store."), lambda i, t: revised.append((i, t)))
    final.apply(_result(7, "   "), lambda i, t: revised.append((i, t)))  # no words: keep fast
    assert len(revised) == 2 and final.revised == 2


def test_finish_applies_what_arrives_in_time_and_leaves_the_rest() -> None:
    worker = RecordingWorker()
    wake: queue.Queue = queue.Queue()
    final = FinalText(worker, wake, lambda kind, data: None)  # type: ignore[arg-type]
    for i, t in enumerate((0.0, 2.0)):
        final.segment(_segment(t))
        final.turn_ended(TurnEnded(t + 0.1, t + 0.8, "silence"))
        final.answered(
            CandidateTurn("x", t_endpoint=t + 0.8),
            Move(MoveKind.FOLLOW_UP, "?", turn=2 + 2 * i),
            (),
        )
    worker.futures[0].set_result(_result(1, "One."))
    revised: list[tuple[int, str]] = []
    final.finish(0.05, lambda i, t: revised.append((i, t)))  # turn 3's pass never finishes
    assert revised == [(1, "One.")]


def test_the_display_shows_the_final_text_only_when_it_heard_something_else() -> None:
    import io

    from voice_interviewer.runtime.display import TerminalDisplay

    out = io.StringIO()
    display = TerminalDisplay(None, out=out)  # type: ignore[arg-type]  # moves are not shown here
    display.on_event("candidate_final", {"turn": 3, "text": "An offline store.", "changed": True})
    display.on_event("candidate_final", {"turn": 5, "text": "Same words.", "changed": False})
    assert out.getvalue() == "You (final): An offline store.\n"
