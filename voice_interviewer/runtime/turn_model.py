"""Smart Turn in the live loop: the end-of-turn model run at each pause, off the listen thread.

The endpointer (``audio/endpointer.py``) decides how much silence ends a turn from the notes the
runtime feeds back. This module supplies two of them:

- at each segment close (the short pause that also starts the speculative reply), the turn's
  audio so far (``detector.turn_audio()``, taken at once on the listen thread) goes to a worker
  thread that runs ``SmartTurn.probability`` on it (about 50 ms on one core), and the result
  comes back as a ``TurnProbability`` note, matched to its pause by the segment's ``t_end``;
- when the interviewer's reply starts playing, whether its question invites a long answer
  (``invites_long_answer``: an open design question) or a word or two ("Ready?") comes back as
  a ``TurnContext`` note.

The listen thread drains the notes and hands them to ``apply``, which calls the detector: the
detector is only ever touched by the thread that feeds it frames. Without the model (switched
off in ``[smart_turn]``, or onnxruntime / the pipecat-ai wheel missing) no probability is
noted and the endpointer keeps its silence + transcript policy; the context is noted anyway.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from voice_interviewer.audio.config import SmartTurnConfig
from voice_interviewer.audio.detector import SpeechDetector
from voice_interviewer.audio.endpointer import SpeechEvent
from voice_interviewer.audio.errors import AudioBackendUnavailable
from voice_interviewer.audio.turn_text import invites_long_answer
from voice_interviewer.runtime.runner import Mailbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnProbability:
    """Smart Turn's p(complete) for the pause that began when the segment ending at
    ``segment_end`` closed; ``seconds`` is what the call cost."""

    p: float
    segment_end: float
    seconds: float


@dataclass(frozen=True)
class TurnContext:
    """Whether the interviewer's latest question invites a long answer with thinking pauses."""

    expects_long_answer: bool


TurnNote = TurnProbability | TurnContext
"""What this module hands back to the listen thread."""


@dataclass
class TurnModelStats:
    """What the model did in this loop: calls made, their cost, pauses it never got to."""

    calls: int = 0
    seconds: list[float] = field(default_factory=list)
    superseded: int = 0
    """Pauses whose audio was replaced by a newer pause's before the model got to them."""
    failed: int = 0
    dropped: int = 0
    """Notes the listen thread's queue had no room for."""


def load_smart_turn(config: SmartTurnConfig) -> tuple[Any | None, str]:
    """Smart Turn loaded and warmed, or None; with a line saying which end-of-turn policy runs
    and why (printed at start-up and by ``doctor``)."""
    if not config.enabled:
        return (
            None,
            "end of turn: silence + transcript (Smart Turn off: [smart_turn] enabled = false)",
        )
    try:
        from voice_interviewer.audio.smart_turn import SmartTurn

        model = SmartTurn(config)
        model.warm()
    except AudioBackendUnavailable as e:
        return (
            None,
            f"end of turn: silence + transcript only, because Smart Turn is unavailable: {e}",
        )
    return model, f"end of turn: Smart Turn v3.2 ({model.model_path.name}) + silence + transcript"


class TurnModel:
    """Runs Smart Turn for the loop on a thread of its own; see the module docstring.

    Notes go to ``notes``, the listen thread's queue, without blocking: when it is full the
    note is dropped and counted (the pause then waits on silence and transcript alone).
    """

    def __init__(self, model: Any | None, notes: Mailbox) -> None:
        self.model = model
        self.stats = TurnModelStats()
        self._notes = notes
        self._job: tuple[np.ndarray, float] | None = None
        self._wake = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None
        if model is not None:
            self._thread = threading.Thread(target=self._run, name="smart-turn", daemon=True)
            self._thread.start()

    @property
    def enabled(self) -> bool:
        """Whether probabilities are computed (the model loaded)."""
        return self.model is not None

    def segment_closed(self, turn_audio: np.ndarray, segment_end: float) -> None:
        """A pause began (listen thread): queue the turn's audio for the model. Only the latest
        pause matters, so a pause still waiting for the model is replaced."""
        if self.model is None or len(turn_audio) == 0:
            return
        with self._wake:
            if self._job is not None:
                self.stats.superseded += 1
            self._job = (turn_audio, segment_end)
            self._wake.notify()

    def interviewer_asked(self, text: str) -> None:
        """The interviewer's reply ending in ``text`` began to play: note what answer it
        invites (an open question: a long one with pauses; "Ready?": a word or two)."""
        if text.strip():
            self._deliver(TurnContext(invites_long_answer(text)))

    def apply(self, detector: SpeechDetector, note: TurnNote) -> list[SpeechEvent]:
        """Hand ``note`` to the detector (on the thread that feeds it frames)."""
        if isinstance(note, TurnContext):
            detector.note_context(note.expects_long_answer)
            return []
        return detector.note_turn_probability(note.p, segment_end=note.segment_end)

    def _deliver(self, note: TurnNote) -> None:
        try:
            self._notes.put_nowait(note)
        except queue.Full:
            self.stats.dropped += 1
            log.warning("the listen thread is behind; a turn note was dropped")

    def close(self) -> None:
        """Stop the worker thread (a call in progress finishes first)."""
        with self._wake:
            self._closed = True
            self._job = None
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._job is not None or self._closed)
                if self._closed:
                    return
                assert self._job is not None
                pcm, segment_end = self._job
                self._job = None
            t0 = time.perf_counter()
            try:
                p = self.model.probability(pcm)  # type: ignore[union-attr]
            except (RuntimeError, ValueError, TypeError) as e:
                # onnxruntime raises its own RuntimeError subclasses; a failed call only costs
                # this pause its probability (the silence + transcript policy applies).
                self.stats.failed += 1
                log.warning("Smart Turn failed on a pause (%s); that pause waits on silence", e)
                continue
            seconds = time.perf_counter() - t0
            self.stats.calls += 1
            self.stats.seconds.append(seconds)
            self._deliver(TurnProbability(min(1.0, max(0.0, p)), segment_end, seconds))
